#include "RedisRateLimiter.h"

#include "core/Clock.h"
#include "redis/RedisScript.h"

#include <QLoggingCategory>
#include <cmath>
#include <limits>

namespace tickscope {

namespace {
Q_LOGGING_CATEGORY(lcRateLimit, "tickscope.redis.ratelimit")
}

namespace {
RedisClusterRouter::Options routingOptions(const RedisRateLimiter::Options &options)
{
    RedisClusterRouter::Options routing;
    routing.connection.connectTimeoutMs = options.connectTimeoutMs;
    routing.connection.commandTimeoutMs = options.commandTimeoutMs;
    routing.backoff = options.backoff;
    routing.breaker = options.breaker;
    routing.clock = options.clockMs;
    routing.maxRedirects = 4;
    return routing;
}
} // namespace

RedisRateLimiter::RedisRateLimiter(RedisUrl url, Options options)
    : m_options(std::move(options)), m_keys(m_options.keyPrefix),
      m_router(std::make_unique<RedisClusterRouter>(std::move(url), routingOptions(m_options)))
{
}

RedisRateLimiter::~RedisRateLimiter() = default;

RedisRateLimiter::Decision RedisRateLimiter::check(const QString &key, double rate, double burst)
{
    if (!(rate > 0))
        return {true, 0, std::numeric_limits<double>::infinity(), false};
    burst = std::isnan(burst) ? 1.0 : std::max(1.0, burst);
    const QByteArray bucket = m_keys.rateLimit(key);
    const RedisClusterRouter::Result result = m_router->execute(RedisScript::tokenBucket().command(
        {bucket}, {QByteArray::number(rate, 'g', 17), QByteArray::number(burst, 'g', 17), "1"}));
    qint64 allowed = 0;
    qint64 retry = 0;
    if (!result.ok() ||
        !RedisReply::toInt64(RedisReply::element(result.reply.get(), 0), &allowed) ||
        !RedisReply::toInt64(RedisReply::element(result.reply.get(), 1), &retry)) {
        QString reason = result.message();
        if (reason.isEmpty())
            reason = u"unexpected reply to the token bucket script"_qs;
        return outage(key, rate, burst, reason);
    }
    if (!m_lastError.isEmpty())
        qCInfo(lcRateLimit, "shared rate limits are back on Redis");
    m_lastError.clear();
    Decision decision;
    decision.allowed = allowed == 1;
    decision.retryAfterMs = decision.allowed ? 0 : std::max<qint64>(1, retry);
    decision.remaining = RedisReply::bytes(RedisReply::element(result.reply.get(), 2)).toDouble();
    decision.shared = true;
    return decision;
}

RedisRateLimiter::Decision RedisRateLimiter::outage(const QString &key, double rate, double burst,
                                                    const QString &reason)
{
    if (m_lastError.isEmpty()) {
        // Once per outage, not once per check.
        qCWarning(lcRateLimit, "shared rate limits unavailable (%s): %s", qPrintable(reason),
                  m_options.outage == Outage::LocalLimits ? "using this process's own limits"
                  : m_options.outage == Outage::FailOpen  ? "allowing every request"
                                                          : "refusing every request");
    }
    m_lastError = reason;
    switch (m_options.outage) {
    case Outage::FailOpen:
        return {true, 0, burst, false};
    case Outage::FailClosed:
        return {false, std::max<qint64>(1, m_router->retryAfterMs()), 0, false};
    case Outage::LocalLimits:
        break;
    }
    const qint64 nowNs = m_options.clockNs ? m_options.clockNs() : Clock::monotonicNs();
    const RateLimiter::Decision local = m_local.check(key, rate, burst, nowNs);
    return {local.allowed, local.retryAfterMs, local.remaining, false};
}

} // namespace tickscope
