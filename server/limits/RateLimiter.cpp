#include "limits/RateLimiter.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tickscope {

namespace {

constexpr qint64 MinSweepInterval = 1024;
constexpr qint64 NsPerMs = 1'000'000;

} // namespace

RateLimiter::RateLimiter(int maxKeys) : m_maxKeys(std::max(1, maxKeys)) {}

void RateLimiter::share(SharedLimitBackend *backend, const QString &scope)
{
    m_shared = backend;
    m_scope = scope;
}

RateLimiter::Decision RateLimiter::check(const QString &key, double rate, double burst,
                                         qint64 nowNs)
{
    if (!(rate > 0))
        return {true, 0, std::numeric_limits<double>::infinity()};
    burst = std::isnan(burst) ? 1.0 : std::max(1.0, burst);
    if (qint64 retryMs = 0; m_shared && m_shared->refused(m_scope, key, nowNs, &retryMs))
        return {false, std::max<qint64>(1, retryMs), 0};
    const Decision local = checkLocal(key, rate, burst, nowNs);
    if (local.allowed && m_shared)
        m_shared->take(m_scope, key, rate, burst, nowNs);
    return local;
}

RateLimiter::Decision RateLimiter::checkLocal(const QString &key, double rate, double burst,
                                              qint64 nowNs)
{
    if (++m_checksSinceSweep >= std::max<qint64>(MinSweepInterval, size()))
        sweep(nowNs);

    Lru::iterator it;
    if (auto found = m_index.find(key); found != m_index.end()) {
        it = found.value();
        m_lru.splice(m_lru.begin(), m_lru, it);
        if (it->bucket.rate() != rate || it->bucket.burst() != burst)
            it->bucket.reconfigure(rate, burst, nowNs);
    } else {
        // Evicting the tail is O(1); sweeping here would let a flood of new keys cost O(size)
        // each.
        if (size() >= m_maxKeys) {
            m_index.remove(m_lru.back().key);
            m_lru.pop_back();
        }
        m_lru.push_front(Entry{key, TokenBucket(rate, burst)});
        it = m_lru.begin();
        m_index.insert(key, it);
    }

    TokenBucket &bucket = it->bucket;
    if (bucket.tryTake(nowNs))
        return {true, 0, bucket.tokens(nowNs)};
    const qint64 waitNs = bucket.retryAfterNs(nowNs);
    // The burst is at least 1 and the rate positive, so -1 (never) cannot happen; be safe.
    const qint64 waitMs = waitNs < 0 ? std::numeric_limits<qint64>::max() / NsPerMs
                                     : (waitNs + NsPerMs - 1) / NsPerMs;
    return {false, std::max<qint64>(1, waitMs), bucket.tokens(nowNs)};
}

int RateLimiter::sweep(qint64 nowNs)
{
    m_checksSinceSweep = 0;
    int dropped = 0;
    for (auto it = m_lru.begin(); it != m_lru.end();) {
        if (it->bucket.isFull(nowNs)) {
            m_index.remove(it->key);
            it = m_lru.erase(it);
            ++dropped;
        } else {
            ++it;
        }
    }
    return dropped;
}

void RateLimiter::clear()
{
    m_index.clear();
    m_lru.clear();
    m_checksSinceSweep = 0;
}

} // namespace tickscope
