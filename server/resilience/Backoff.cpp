#include "resilience/Backoff.h"

#include <QRandomGenerator>
#include <algorithm>
#include <cmath>
#include <limits>

namespace tickscope {

QString BackoffConfig::validate() const
{
    if (baseMs < 1)
        return u"backoff base must be at least 1 ms, got %1 ms"_qs.arg(baseMs);
    if (capMs < baseMs)
        return u"backoff cap (%1 ms) must not be below the base (%2 ms)"_qs.arg(capMs).arg(baseMs);
    return {};
}

Backoff::Backoff(Config config, RandomSource random) : m_config(config), m_random(std::move(random))
{
    m_config.baseMs = std::max<qint64>(1, m_config.baseMs);
    m_config.capMs = std::max(m_config.baseMs, m_config.capMs);
    if (!m_random)
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

Backoff::RandomSource Backoff::seededSource(quint32 seed)
{
    return [generator = QRandomGenerator(seed)]() mutable { return generator.generateDouble(); };
}

qint64 Backoff::ceilingMs(int attempt) const
{
    if (attempt <= 0)
        return m_config.baseMs;
    // Doubling stops as soon as the cap is reached, so no shift can overflow.
    qint64 ceiling = m_config.baseMs;
    for (int i = 0; i < attempt && ceiling < m_config.capMs; ++i)
        ceiling = ceiling > m_config.capMs / 2 ? m_config.capMs : ceiling * 2;
    return std::min(ceiling, m_config.capMs);
}

qint64 Backoff::delayMs(int attempt) const
{
    const qint64 ceiling = ceilingMs(attempt);
    // A source that misbehaves (outside [0, 1), NaN) must not produce a delay out of range.
    double r = m_random();
    if (!(r >= 0.0))
        r = 0.0;
    const auto delay = static_cast<qint64>(std::floor(r * static_cast<double>(ceiling + 1)));
    return std::clamp<qint64>(delay, 0, ceiling);
}

qint64 Backoff::nextDelayMs()
{
    const qint64 delay = delayMs(m_attempt);
    if (m_attempt < std::numeric_limits<int>::max())
        ++m_attempt;
    return delay;
}

} // namespace tickscope
