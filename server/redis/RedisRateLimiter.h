#pragma once

#include "limits/RateLimiter.h"
#include "redis/RedisClusterRouter.h"
#include "redis/RedisKeys.h"

#include <functional>
#include <memory>

namespace tickscope {

// What a RedisRateLimiter decides while Redis cannot be reached.
enum class RedisRateLimitOutage
{
    LocalLimits,
    FailOpen,
    FailClosed
};

struct RedisRateLimiterOptions
{
    QString keyPrefix = RedisKeys::defaultPrefix();
    int connectTimeoutMs = 250;
    int commandTimeoutMs = 100;
    BackoffConfig backoff{100, 5000};
    CircuitBreakerConfig breaker{3, 5000, 1};
    RedisRateLimitOutage outage = RedisRateLimitOutage::LocalLimits;
    // Monotonic milliseconds for the breaker; nanoseconds for the local buckets.
    std::function<qint64()> clockMs;
    std::function<qint64()> clockNs;
};

// Token buckets shared by every server process that uses one Redis (protocol section 7): each
// check is one atomic Lua script on the bucket's key <prefix>:rl:{KEY}, refilled by the Redis
// server's clock (TIME), so processes with skewed clocks still agree. Buckets expire once they
// would be full again.
//
// When Redis cannot be reached (or answers too slowly: the timeouts are short, so that a
// verdict is not late), the breaker makes checks skip Redis for a while and the Outage policy
// decides. The default, LocalLimits, falls back to this process's own buckets: an outage of
// Redis never locks everyone out (fail open), yet a single process still refuses floods; the
// shared limit is then N times looser with N processes. FailOpen allows everything, FailClosed
// refuses everything (retry after the breaker's wait).
//
// Blocking (one round trip, about 0.1 ms on a local network) and not thread-safe: the server
// runs it on RedisSharedLimits's worker thread, never on the socket thread.
class RedisRateLimiter
{
public:
    using Outage = RedisRateLimitOutage;
    using Options = RedisRateLimiterOptions;

    struct Decision
    {
        bool allowed = true;
        qint64 retryAfterMs = 0; // when refused: at least 1
        double remaining = 0;
        bool shared = false; // decided by Redis, not by the outage policy
    };

    explicit RedisRateLimiter(RedisUrl url, Options options = {});
    ~RedisRateLimiter();

    // Takes one token from `key`'s bucket. rate <= 0: unlimited (always allowed, no round trip);
    // a burst below 1 counts as 1, as in RateLimiter.
    Decision check(const QString &key, double rate, double burst);

    bool redisUp() const { return m_router->isUp() && m_lastError.isEmpty(); }
    QString lastError() const { return m_lastError; }

private:
    Decision outage(const QString &key, double rate, double burst, const QString &reason);

    Options m_options;
    RedisKeys m_keys;
    std::unique_ptr<RedisClusterRouter> m_router;
    RateLimiter m_local;
    QString m_lastError;
};

} // namespace tickscope
