#include "metrics/ServerMetrics.h"

#include "metrics/MetricsText.h"
#include "metrics/ProcessMetrics.h"

#include <algorithm>
#include <cmath>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace tickscope {

namespace {

// 10 us .. 1 s: a tick normally leaves within a millisecond; the upper buckets catch stalls.
const prometheus::Histogram::BucketBoundaries LatencyBuckets{
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
    0.005,   0.01,     0.025,   0.05,   0.1,     0.25,   0.5,   1.0};

// 100 us .. 10 s: a memory append is microseconds, an SQLite commit with fsync milliseconds,
// a Redis round trip under load up to seconds.
const prometheus::Histogram::BucketBoundaries StoreWriteBuckets{
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};

constexpr HandshakeResult AllHandshakeResults[] = {
    HandshakeResult::Accepted,     HandshakeResult::ForbiddenOrigin,   HandshakeResult::RateLimited,
    HandshakeResult::InvalidToken, HandshakeResult::InsufficientScope, HandshakeResult::Unavailable,
    HandshakeResult::NotFound,     HandshakeResult::BadRequest,
};
constexpr RateLimitScope AllRateLimitScopes[] = {RateLimitScope::Handshake, RateLimitScope::Command,
                                                 RateLimitScope::Http};

// Counters only go up: a negative or NaN count (a caller's bug) is dropped rather than
// letting prometheus-cpp ignore it silently in some versions and not in others.
void add(prometheus::Counter *counter, double amount)
{
    if (amount > 0)
        counter->Increment(amount);
}

void observe(prometheus::Histogram *histogram, double seconds)
{
    if (std::isfinite(seconds))
        histogram->Observe(std::max(0.0, seconds));
}

} // namespace

ServerMetrics::ServerMetrics(bool withProcessMetrics)
    : m_registry(std::make_shared<prometheus::Registry>())
{
    using namespace prometheus;
    Registry &registry = *m_registry;

    m_connections = &BuildGauge()
                         .Name("tickscope_ws_connections")
                         .Help("Open WebSocket connections.")
                         .Register(registry)
                         .Add({});

    auto &handshakes = BuildCounter()
                           .Name("tickscope_handshakes_total")
                           .Help("WebSocket handshakes by outcome.")
                           .Register(registry);
    for (HandshakeResult result : AllHandshakeResults)
        m_handshakes[static_cast<size_t>(result)] =
            &handshakes.Add({{"result", handshakeResultName(result).toStdString()}});

    const auto counter = [&registry](const char *name, const char *help) {
        return &BuildCounter().Name(name).Help(help).Register(registry).Add({});
    };
    m_ticksIngested =
        counter("tickscope_ticks_ingested_total", "Ticks written to the history store.");
    m_ticksSent = counter("tickscope_ticks_sent_total", "Ticks handed to viewer sockets.");
    m_bytesSent = counter("tickscope_bytes_sent_total",
                          "Payload bytes of the frames handed to viewer sockets.");
    m_framesSent = counter("tickscope_frames_sent_total", "Frames handed to viewer sockets.");
    m_replayTicks = counter("tickscope_replay_ticks_total",
                            "Ticks sent from the history store (recovery, catch-up, history).");
    m_slowConsumers = counter("tickscope_slow_consumers_total",
                              "Times a viewer exceeded its queue cap and went to catch-up.");

    m_tickLatency = &BuildHistogram()
                         .Name("tickscope_tick_latency_seconds")
                         .Help("Time from a tick stored to handed to a viewer's socket.")
                         .Register(registry)
                         .Add({}, LatencyBuckets);
    m_storeWrite = &BuildHistogram()
                        .Name("tickscope_store_write_seconds")
                        .Help("Duration of one append to the history store.")
                        .Register(registry)
                        .Add({}, StoreWriteBuckets);

    auto &rateLimited = BuildCounter()
                            .Name("tickscope_rate_limited_total")
                            .Help("Requests refused by a rate limit, by scope.")
                            .Register(registry);
    for (RateLimitScope scope : AllRateLimitScopes)
        m_rateLimited[static_cast<size_t>(scope)] =
            &rateLimited.Add({{"scope", rateLimitScopeName(scope).toStdString()}});

    m_redisUp = &BuildGauge()
                     .Name("tickscope_redis_up")
                     .Help("1 when the Redis history store is reachable, else 0.")
                     .Register(registry)
                     .Add({});
    m_viewersCatchingUp = &BuildGauge()
                               .Name("tickscope_viewers_catching_up")
                               .Help("Viewers being served from the history store (catch-up).")
                               .Register(registry)
                               .Add({});
    BuildGauge()
        .Name("tickscope_build_info")
        .Help("Build information; the value is always 1.")
        .Register(registry)
        .Add({{"version", TICKSCOPE_VERSION}})
        .Set(1);

    if (withProcessMetrics)
        m_process = std::make_shared<ProcessMetrics>();
}

ServerMetrics::~ServerMetrics() = default;

std::vector<std::shared_ptr<const prometheus::Collectable>> ServerMetrics::collectables() const
{
    std::vector<std::shared_ptr<const prometheus::Collectable>> all{m_registry};
    if (m_process)
        all.push_back(m_process);
    return all;
}

QByteArray ServerMetrics::render() const
{
    return MetricsText::render(collectables());
}

QString ServerMetrics::handshakeResultName(HandshakeResult result)
{
    switch (result) {
    case HandshakeResult::Accepted:
        return u"accepted"_qs;
    case HandshakeResult::ForbiddenOrigin:
        return u"forbidden_origin"_qs;
    case HandshakeResult::RateLimited:
        return u"rate_limited"_qs;
    case HandshakeResult::InvalidToken:
        return u"invalid_token"_qs;
    case HandshakeResult::InsufficientScope:
        return u"insufficient_scope"_qs;
    case HandshakeResult::Unavailable:
        return u"unavailable"_qs;
    case HandshakeResult::NotFound:
        return u"not_found"_qs;
    case HandshakeResult::BadRequest:
        return u"bad_request"_qs;
    }
    return {};
}

QString ServerMetrics::rateLimitScopeName(RateLimitScope scope)
{
    switch (scope) {
    case RateLimitScope::Handshake:
        return u"handshake"_qs;
    case RateLimitScope::Command:
        return u"command"_qs;
    case RateLimitScope::Http:
        return u"http"_qs;
    }
    return {};
}

void ServerMetrics::connectionOpened()
{
    m_connections->Increment();
}

void ServerMetrics::connectionClosed()
{
    m_connections->Decrement();
}

void ServerMetrics::setConnections(qint64 count)
{
    m_connections->Set(static_cast<double>(count));
}

double ServerMetrics::connections() const
{
    return m_connections->Value();
}

void ServerMetrics::handshake(HandshakeResult result)
{
    m_handshakes[static_cast<size_t>(result)]->Increment();
}

double ServerMetrics::handshakes(HandshakeResult result) const
{
    return m_handshakes[static_cast<size_t>(result)]->Value();
}

void ServerMetrics::ticksIngested(qint64 count)
{
    add(m_ticksIngested, static_cast<double>(count));
}

void ServerMetrics::ticksSent(qint64 count)
{
    add(m_ticksSent, static_cast<double>(count));
}

void ServerMetrics::bytesSent(qint64 bytes)
{
    add(m_bytesSent, static_cast<double>(bytes));
}

void ServerMetrics::framesSent(qint64 count)
{
    add(m_framesSent, static_cast<double>(count));
}

void ServerMetrics::replayTicks(qint64 count)
{
    add(m_replayTicks, static_cast<double>(count));
}

void ServerMetrics::slowConsumer()
{
    m_slowConsumers->Increment();
}

void ServerMetrics::rateLimited(RateLimitScope scope)
{
    m_rateLimited[static_cast<size_t>(scope)]->Increment();
}

double ServerMetrics::ticksIngestedTotal() const
{
    return m_ticksIngested->Value();
}

double ServerMetrics::ticksSentTotal() const
{
    return m_ticksSent->Value();
}

double ServerMetrics::bytesSentTotal() const
{
    return m_bytesSent->Value();
}

double ServerMetrics::framesSentTotal() const
{
    return m_framesSent->Value();
}

double ServerMetrics::replayTicksTotal() const
{
    return m_replayTicks->Value();
}

double ServerMetrics::slowConsumersTotal() const
{
    return m_slowConsumers->Value();
}

double ServerMetrics::rateLimitedTotal(RateLimitScope scope) const
{
    return m_rateLimited[static_cast<size_t>(scope)]->Value();
}

void ServerMetrics::observeTickLatency(double seconds)
{
    observe(m_tickLatency, seconds);
}

void ServerMetrics::observeStoreWrite(double seconds)
{
    observe(m_storeWrite, seconds);
}

void ServerMetrics::setRedisUp(bool up)
{
    m_redisUp->Set(up ? 1 : 0);
}

bool ServerMetrics::redisUp() const
{
    return m_redisUp->Value() > 0;
}

void ServerMetrics::viewerCatchingUp()
{
    m_viewersCatchingUp->Increment();
}

void ServerMetrics::viewerCaughtUp()
{
    m_viewersCatchingUp->Decrement();
}

double ServerMetrics::viewersCatchingUp() const
{
    return m_viewersCatchingUp->Value();
}

} // namespace tickscope
