#pragma once

#include <QString>
#include <QtGlobal>

namespace tickscope {

// The thresholds of a CircuitBreaker.
struct CircuitBreakerConfig
{
    int failureThreshold = 5;
    qint64 openDurationMs = 10'000;
    int halfOpenTrials = 1;

    // Empty when valid, else a message naming the value and the rule.
    QString validate() const;
};

// A circuit breaker around calls to a dependency (the relay's upstream, Redis). After
// `failureThreshold` consecutive failures it opens and refuses calls for `openDurationMs`,
// so a dead dependency is not hammered and callers fail fast; then it lets `halfOpenTrials`
// trial calls through: a success closes it, a failure opens it again.
//
// Time is passed in (monotonic milliseconds) so the class needs no clock and tests need no
// sleeps. Not thread-safe: use it from one thread.
class CircuitBreaker
{
public:
    enum class State
    {
        Closed,
        Open,
        HalfOpen
    };

    using Config = CircuitBreakerConfig;

    // An invalid config is clamped to the nearest valid one (all values at least 1).
    explicit CircuitBreaker(Config config = {});

    // True when a call may go ahead now. In HalfOpen this takes one of the trial slots, so call
    // it once per call and report the call's outcome with recordSuccess/recordFailure.
    bool allowRequest(qint64 nowMs);
    void recordSuccess(qint64 nowMs);
    void recordFailure(qint64 nowMs);

    State state(qint64 nowMs) const;
    // 0 when a call would be allowed now, else the time until one may be.
    qint64 retryAfterMs(qint64 nowMs) const;

    int consecutiveFailures() const { return m_failures; }
    const Config &config() const { return m_config; }
    void reset();

    static QString stateName(State state);

private:
    void advance(qint64 nowMs);
    void open(qint64 nowMs);

    Config m_config;
    State m_state = State::Closed;
    int m_failures = 0;
    qint64 m_openedAtMs = 0;
    int m_trialsInFlight = 0;
    qint64 m_lastTrialAtMs = 0;
};

} // namespace tickscope
