#include "limits/TokenBucket.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tickscope {

namespace {

constexpr double NsPerSecond = 1e9;

// Refill is floating point: a wait computed by retryAfterNs() may leave the bucket a few ulps
// short of n when it is over. Tolerate that, so waiting the advertised time always works.
bool enough(double tokens, double n)
{
    return tokens >= n - 1e-9 * std::max(1.0, n);
}

double sanitized(double value)
{
    return std::isfinite(value) ? std::max(0.0, value) : (value > 0 ? value : 0.0);
}

} // namespace

TokenBucket::TokenBucket(double rate, double burst)
    : m_rate(sanitized(rate)), m_burst(sanitized(burst)), m_tokens(m_burst)
{}

double TokenBucket::tokensAt(qint64 nowNs) const
{
    if (!m_started || nowNs <= m_lastNs || m_tokens >= m_burst)
        return std::min(m_tokens, m_burst);
    const double elapsed = static_cast<double>(nowNs - m_lastNs);
    return std::min(m_burst, m_tokens + elapsed * m_rate / NsPerSecond);
}

void TokenBucket::refill(qint64 nowNs)
{
    m_tokens = tokensAt(nowNs);
    if (!m_started || nowNs > m_lastNs)
        m_lastNs = nowNs;
    m_started = true;
}

bool TokenBucket::tryTake(qint64 nowNs, double n)
{
    refill(nowNs);
    n = sanitized(n);
    if (!enough(m_tokens, n))
        return false;
    m_tokens = std::max(0.0, m_tokens - n);
    return true;
}

qint64 TokenBucket::retryAfterNs(qint64 nowNs, double n) const
{
    n = sanitized(n);
    const double tokens = tokensAt(nowNs);
    if (enough(tokens, n))
        return 0;
    if (n > m_burst || m_rate <= 0)
        return -1;
    const double wait = std::ceil((n - tokens) * NsPerSecond / m_rate);
    if (wait >= static_cast<double>(std::numeric_limits<qint64>::max()))
        return -1;
    return std::max<qint64>(1, static_cast<qint64>(wait));
}

double TokenBucket::tokens(qint64 nowNs) const
{
    return tokensAt(nowNs);
}

bool TokenBucket::isFull(qint64 nowNs) const
{
    return tokensAt(nowNs) >= m_burst;
}

void TokenBucket::reconfigure(double rate, double burst, qint64 nowNs)
{
    refill(nowNs);
    m_rate = sanitized(rate);
    m_burst = sanitized(burst);
    m_tokens = std::min(m_tokens, m_burst);
}

} // namespace tickscope
