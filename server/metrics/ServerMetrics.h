#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>
#include <array>
#include <memory>
#include <vector>

namespace prometheus {
class Collectable;
class Counter;
class Gauge;
class Histogram;
class Registry;
} // namespace prometheus

namespace tickscope {

class ProcessMetrics;

// The label values of tickscope_handshakes_total{result} (PROTOCOL.md section 8).
enum class HandshakeResult
{
    Accepted,
    ForbiddenOrigin,
    RateLimited,
    InvalidToken,
    InsufficientScope,
    Unavailable,
    NotFound,
    BadRequest,
};

// The label values of tickscope_rate_limited_total{scope}.
enum class RateLimitScope
{
    Handshake,
    Command,
    Http
};

// The metric families of the protocol's contract (their names are what alert rules and
// dashboards use), in one prometheus registry, plus the process metrics. Every labelled series
// is created up front so it is exported at 0 before its first event.
//
// All methods are thread-safe (prometheus-cpp metrics are atomic) but not free: on hot paths
// count in batches (ticksSent(n) once per frame, not once per tick).
class ServerMetrics
{
public:
    static constexpr int HandshakeResultCount = 8;
    static constexpr int RateLimitScopeCount = 3;

    // withProcessMetrics: also export the process_* families (off for tests that count
    // families, or when several ServerMetrics share one process).
    explicit ServerMetrics(bool withProcessMetrics = true);
    ~ServerMetrics();
    ServerMetrics(const ServerMetrics &) = delete;
    ServerMetrics &operator=(const ServerMetrics &) = delete;

    std::shared_ptr<prometheus::Registry> registry() const { return m_registry; }
    // Everything /metrics serves: the registry and, if enabled, the process metrics.
    std::vector<std::shared_ptr<const prometheus::Collectable>> collectables() const;
    // The /metrics body (see MetricsText::ContentType).
    QByteArray render() const;

    static QString handshakeResultName(HandshakeResult result);
    static QString rateLimitScopeName(RateLimitScope scope);

    // tickscope_ws_connections
    void connectionOpened();
    void connectionClosed();
    void setConnections(qint64 count);
    double connections() const;

    // tickscope_handshakes_total{result}
    void handshake(HandshakeResult result);
    double handshakes(HandshakeResult result) const;

    void ticksIngested(qint64 count);       // tickscope_ticks_ingested_total
    void ticksSent(qint64 count);           // tickscope_ticks_sent_total
    void bytesSent(qint64 bytes);           // tickscope_bytes_sent_total
    void framesSent(qint64 count = 1);      // tickscope_frames_sent_total
    void replayTicks(qint64 count);         // tickscope_replay_ticks_total
    void slowConsumer();                    // tickscope_slow_consumers_total
    void rateLimited(RateLimitScope scope); // tickscope_rate_limited_total{scope}
    double ticksIngestedTotal() const;
    double ticksSentTotal() const;
    double bytesSentTotal() const;
    double framesSentTotal() const;
    double replayTicksTotal() const;
    double slowConsumersTotal() const;
    double rateLimitedTotal(RateLimitScope scope) const;

    // tickscope_tick_latency_seconds: from stored to handed to the socket.
    void observeTickLatency(double seconds);
    // tickscope_store_write_seconds: one store append (a batch).
    void observeStoreWrite(double seconds);

    void setRedisUp(bool up); // tickscope_redis_up
    bool redisUp() const;

    // tickscope_viewers_catching_up
    void viewerCatchingUp();
    void viewerCaughtUp();
    double viewersCatchingUp() const;

private:
    std::shared_ptr<prometheus::Registry> m_registry;
    std::shared_ptr<ProcessMetrics> m_process;

    prometheus::Gauge *m_connections = nullptr;
    std::array<prometheus::Counter *, HandshakeResultCount> m_handshakes{};
    prometheus::Counter *m_ticksIngested = nullptr;
    prometheus::Counter *m_ticksSent = nullptr;
    prometheus::Counter *m_bytesSent = nullptr;
    prometheus::Counter *m_framesSent = nullptr;
    prometheus::Histogram *m_tickLatency = nullptr;
    prometheus::Histogram *m_storeWrite = nullptr;
    prometheus::Counter *m_replayTicks = nullptr;
    std::array<prometheus::Counter *, RateLimitScopeCount> m_rateLimited{};
    prometheus::Counter *m_slowConsumers = nullptr;
    prometheus::Gauge *m_redisUp = nullptr;
    prometheus::Gauge *m_viewersCatchingUp = nullptr;
};

} // namespace tickscope
