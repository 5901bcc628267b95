#pragma once

#include "limits/SharedLimitBackend.h"
#include "redis/RedisRateLimiter.h"

#include <QHash>
#include <QObject>
#include <QThread>
#include <atomic>

namespace tickscope {

// The protocol's token buckets (handshakes per address, commands per subject, HTTP API)
// shared by every server process on one Redis. Each token a process takes locally is also
// taken from the bucket in Redis (RedisRateLimiter: one atomic Lua script on Redis's
// clock) on a worker thread, so the socket thread never waits on Redis; when Redis answers
// that a bucket is empty, the key stays refused here until the retry time Redis gave.
// While Redis cannot be reached only the local buckets apply (an outage never locks
// everyone out), and redisUp() says so.
class RedisSharedLimits : public QObject, public SharedLimitBackend
{
    Q_OBJECT
public:
    // Checks waiting for Redis beyond this are not sent: under a flood the local buckets
    // refuse most requests anyway, and the queue must stay bounded.
    static constexpr qint64 MaxPending = 4096;

    explicit RedisSharedLimits(RedisUrl url, RedisRateLimiterOptions options = {},
                               QObject *parent = nullptr);
    ~RedisSharedLimits() override;

    bool refused(const QString &scope, const QString &key, qint64 nowNs,
                 qint64 *retryAfterMs) override;
    void take(const QString &scope, const QString &key, double rate, double burst,
              qint64 nowNs) override;

    bool redisUp() const { return m_up.load(); }
    qint64 pending() const { return m_pending.load(); }
    qint64 skipped() const { return m_skipped; } // not sent: the queue was full
    qint64 sharedRefusals() const { return m_sharedRefusals; }

private:
    class Worker;
    void onVerdict(const QString &bucket, const RedisRateLimiter::Decision &decision);
    void sweep(qint64 nowNs);

    QThread m_thread;
    Worker *m_worker;
    QHash<QString, qint64> m_refusedUntilNs; // bucket -> monotonic ns
    std::atomic<qint64> m_pending = 0;
    std::atomic<bool> m_up = true;
    qint64 m_skipped = 0;
    qint64 m_sharedRefusals = 0;
};

} // namespace tickscope
