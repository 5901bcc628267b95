#pragma once

#include <QString>

namespace tickscope {

// Token buckets that several server processes share (through Redis, see
// RedisSharedLimits). A RateLimiter asks it before and tells it after each local decision,
// and never waits on it: refused() answers from what the shared store last said, and
// take() hands the check to the shared store in the background.
class SharedLimitBackend
{
public:
    virtual ~SharedLimitBackend() = default;

    // True, with *retryAfterMs, while the shared bucket of `key` (in `scope`: handshakes,
    // commands, HTTP) is known to be empty.
    virtual bool refused(const QString &scope, const QString &key, qint64 nowNs,
                         qint64 *retryAfterMs) = 0;
    // Takes one token from the shared bucket of `key`; a refusal comes back through
    // refused() for later checks.
    virtual void take(const QString &scope, const QString &key, double rate, double burst,
                      qint64 nowNs) = 0;
};

} // namespace tickscope
