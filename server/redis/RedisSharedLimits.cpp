#include "RedisSharedLimits.h"

#include "core/Clock.h"

#include <QPointer>
#include <memory>

namespace tickscope {

namespace {
constexpr qint64 NsPerMs = 1'000'000;
constexpr qsizetype SweepFrom = 10'000; // refused keys kept before expired ones are dropped

QString bucketName(const QString &scope, const QString &key)
{
    return scope + u':' + key;
}
} // namespace

// Owns the blocking limiter; lives on the worker thread.
class RedisSharedLimits::Worker : public QObject
{
public:
    Worker(RedisUrl url, RedisRateLimiterOptions options)
        : m_url(std::move(url)), m_options(std::move(options))
    {}

    RedisRateLimiter &limiter()
    {
        // Created on first use, on the worker thread that uses its connections.
        if (!m_limiter)
            m_limiter = std::make_unique<RedisRateLimiter>(m_url, m_options);
        return *m_limiter;
    }

private:
    RedisUrl m_url;
    RedisRateLimiterOptions m_options;
    std::unique_ptr<RedisRateLimiter> m_limiter;
};

RedisSharedLimits::RedisSharedLimits(RedisUrl url, RedisRateLimiterOptions options, QObject *parent)
    : QObject(parent)
{
    // Refusals come from the shared bucket only; an outage leaves the local buckets alone.
    options.outage = RedisRateLimitOutage::FailOpen;
    m_worker = new Worker(std::move(url), std::move(options));
    m_worker->moveToThread(&m_thread);
    m_thread.setObjectName(u"redis-limits"_qs);
    m_thread.start();
}

RedisSharedLimits::~RedisSharedLimits()
{
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

bool RedisSharedLimits::refused(const QString &scope, const QString &key, qint64 nowNs,
                                qint64 *retryAfterMs)
{
    if (m_refusedUntilNs.isEmpty())
        return false;
    const auto it = m_refusedUntilNs.constFind(bucketName(scope, key));
    if (it == m_refusedUntilNs.cend())
        return false;
    if (*it <= nowNs) {
        m_refusedUntilNs.erase(it);
        return false;
    }
    *retryAfterMs = (*it - nowNs + NsPerMs - 1) / NsPerMs;
    return true;
}

void RedisSharedLimits::take(const QString &scope, const QString &key, double rate, double burst,
                             qint64 nowNs)
{
    Q_UNUSED(nowNs)
    if (m_pending.load() >= MaxPending) {
        ++m_skipped;
        return;
    }
    ++m_pending;
    QPointer<RedisSharedLimits> self(this);
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [self, worker, bucket = bucketName(scope, key), rate, burst] {
        const RedisRateLimiter::Decision decision = worker->limiter().check(bucket, rate, burst);
        const bool up = worker->limiter().redisUp();
        if (!self)
            return;
        QMetaObject::invokeMethod(
            self,
            [self, bucket, decision, up] {
                self->m_up = up;
                self->onVerdict(bucket, decision);
            },
            Qt::QueuedConnection);
    });
}

void RedisSharedLimits::onVerdict(const QString &bucket, const RedisRateLimiter::Decision &decision)
{
    --m_pending;
    if (decision.allowed || !decision.shared)
        return;
    ++m_sharedRefusals;
    const qint64 nowNs = Clock::monotonicNs();
    m_refusedUntilNs.insert(bucket, nowNs + decision.retryAfterMs * NsPerMs);
    if (m_refusedUntilNs.size() >= SweepFrom)
        sweep(nowNs);
}

void RedisSharedLimits::sweep(qint64 nowNs)
{
    for (auto it = m_refusedUntilNs.begin(); it != m_refusedUntilNs.end();)
        it = *it <= nowNs ? m_refusedUntilNs.erase(it) : std::next(it);
}

} // namespace tickscope
