#pragma once

#include "redis/RedisClusterRouter.h"

namespace tickscope {

// A Lua script run with EVALSHA, falling back to EVAL (which also caches it on that node)
// when the node answers NOSCRIPT (restarted, failed over, SCRIPT FLUSH). The SHA1 is computed
// here, so no SCRIPT LOAD round trip is needed.
class RedisScript
{
public:
    explicit RedisScript(QByteArray body);

    const QByteArray &body() const { return m_body; }
    const QByteArray &sha1() const { return m_sha1; }

    // A command for the router: every key must share one hash slot (the first key routes it).
    RedisClusterRouter::Command command(const QByteArrayList &keys,
                                        const QByteArrayList &args) const;

    // Appends one symbol's ticks atomically (see RedisTickStore).
    static const RedisScript &append();
    // Reads the entries holding a range of one symbol's ticks (see RedisTickStore::read).
    static const RedisScript &read();
    // Trims one symbol's history by count and age.
    static const RedisScript &trim();
    // One token-bucket check (see RedisRateLimiter).
    static const RedisScript &tokenBucket();

private:
    QByteArray m_body;
    QByteArray m_sha1;
};

} // namespace tickscope
