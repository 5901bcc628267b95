#include "resilience/CircuitBreaker.h"

#include <algorithm>

namespace tickscope {

QString CircuitBreakerConfig::validate() const
{
    if (failureThreshold < 1)
        return u"circuit breaker failure threshold must be at least 1, got %1"_qs.arg(
            failureThreshold);
    if (openDurationMs < 1)
        return u"circuit breaker open duration must be at least 1 ms, got %1 ms"_qs.arg(
            openDurationMs);
    if (halfOpenTrials < 1)
        return u"circuit breaker half-open trials must be at least 1, got %1"_qs.arg(
            halfOpenTrials);
    return {};
}

CircuitBreaker::CircuitBreaker(Config config) : m_config(config)
{
    m_config.failureThreshold = std::max(1, m_config.failureThreshold);
    m_config.openDurationMs = std::max<qint64>(1, m_config.openDurationMs);
    m_config.halfOpenTrials = std::max(1, m_config.halfOpenTrials);
}

CircuitBreaker::State CircuitBreaker::state(qint64 nowMs) const
{
    if (m_state == State::Open && nowMs - m_openedAtMs >= m_config.openDurationMs)
        return State::HalfOpen;
    return m_state;
}

void CircuitBreaker::advance(qint64 nowMs)
{
    if (state(nowMs) == State::HalfOpen && m_state == State::Open) {
        m_state = State::HalfOpen;
        m_trialsInFlight = 0;
    }
    // A trial whose outcome was never reported must not wedge the breaker half-open forever:
    // after another open period its slot is given back.
    if (m_state == State::HalfOpen && m_trialsInFlight > 0 &&
        nowMs - m_lastTrialAtMs >= m_config.openDurationMs)
        m_trialsInFlight = 0;
}

void CircuitBreaker::open(qint64 nowMs)
{
    m_state = State::Open;
    m_openedAtMs = nowMs;
    m_trialsInFlight = 0;
}

bool CircuitBreaker::allowRequest(qint64 nowMs)
{
    advance(nowMs);
    switch (m_state) {
    case State::Closed:
        return true;
    case State::Open:
        return false;
    case State::HalfOpen:
        if (m_trialsInFlight >= m_config.halfOpenTrials)
            return false;
        ++m_trialsInFlight;
        m_lastTrialAtMs = nowMs;
        return true;
    }
    return false;
}

void CircuitBreaker::recordSuccess(qint64 nowMs)
{
    advance(nowMs);
    // A late success of a call admitted before the breaker opened says little about the
    // dependency now; only Closed and HalfOpen react.
    if (m_state == State::Open)
        return;
    m_state = State::Closed;
    m_failures = 0;
    m_trialsInFlight = 0;
}

void CircuitBreaker::recordFailure(qint64 nowMs)
{
    advance(nowMs);
    switch (m_state) {
    case State::Closed:
        if (++m_failures >= m_config.failureThreshold)
            open(nowMs);
        break;
    case State::Open:
        // Late failures of calls admitted earlier do not extend the open period.
        break;
    case State::HalfOpen:
        ++m_failures;
        open(nowMs);
        break;
    }
}

qint64 CircuitBreaker::retryAfterMs(qint64 nowMs) const
{
    switch (state(nowMs)) {
    case State::Closed:
        return 0;
    case State::Open:
        return std::max<qint64>(1, m_openedAtMs + m_config.openDurationMs - nowMs);
    case State::HalfOpen:
        if (m_state == State::Open || m_trialsInFlight < m_config.halfOpenTrials ||
            nowMs - m_lastTrialAtMs >= m_config.openDurationMs)
            return 0;
        return std::max<qint64>(1, m_lastTrialAtMs + m_config.openDurationMs - nowMs);
    }
    return 0;
}

void CircuitBreaker::reset()
{
    m_state = State::Closed;
    m_failures = 0;
    m_trialsInFlight = 0;
}

QString CircuitBreaker::stateName(State state)
{
    switch (state) {
    case State::Closed:
        return u"closed"_qs;
    case State::Open:
        return u"open"_qs;
    case State::HalfOpen:
        return u"half-open"_qs;
    }
    return {};
}

} // namespace tickscope
