#pragma once

#include "resilience/Backoff.h"
#include "resilience/CircuitBreaker.h"
#include "resilience/Timeout.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>

namespace tickscope {

// The settings of a RetryLoop.
struct RetryLoopConfig
{
    BackoffConfig backoff;
    CircuitBreakerConfig breaker;
    int attemptTimeoutMs = 10'000;
    // Consecutive failures after which the loop gives up; 0 retries forever.
    int maxAttempts = 0;

    // Empty when valid, else a message naming the value and the rule.
    QString validate() const;
};

// Drives an asynchronous operation (connect to the relay's upstream, to Redis) until it
// succeeds, in the Qt event loop: each attempt is bounded by a timeout, failed attempts are
// retried after a jittered exponential backoff, and a circuit breaker stretches the wait while
// the dependency keeps failing.
//
// The attempt callback starts the operation and returns; the operation later reports
// succeeded() or failed(reason) (from inside the callback is fine too). An attempt that
// reports nothing within attemptTimeoutMs counts as failed and attemptTimedOut() is emitted so
// the owner can abort it; a report that comes after that is ignored. After a success the loop
// rests in Succeeded; failed() from there (the connection was lost later) starts retrying
// again with a fresh backoff.
class RetryLoop : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Attempting,
        Waiting,
        Succeeded
    };
    Q_ENUM(State)

    using Attempt = std::function<void(RetryLoop *)>;
    // Monotonic milliseconds; injectable for the breaker's notion of time.
    using MonotonicClock = std::function<qint64()>;

    using Config = RetryLoopConfig;

    explicit RetryLoop(Attempt attempt, const Config &config = {}, QObject *parent = nullptr);

    // For tests; call before start().
    void setRandomSource(Backoff::RandomSource random);
    void setClock(MonotonicClock clock);

    // From Idle: schedules the first attempt on the next event-loop pass. Otherwise a no-op.
    void start();
    // Back to Idle: no further attempts; reports of an attempt in flight are ignored.
    void stop();

    // Reports for the current attempt (or, for failed(), a loss after success).
    void succeeded();
    void failed(const QString &reason);

    State state() const { return m_state; }
    // Increases by one for each attempt; lets the owner recognise its own attempt.
    quint64 attemptId() const { return m_attemptId; }
    int consecutiveFailures() const { return m_failures; }
    QString lastError() const { return m_lastError; }
    CircuitBreaker::State breakerState() const;
    // Time until the next scheduled attempt, or -1 when none is scheduled.
    qint64 nextAttemptInMs() const;

    static QString stateName(State state);

signals:
    void stateChanged(tickscope::RetryLoop::State state);
    void breakerStateChanged(tickscope::CircuitBreaker::State state);
    void attemptStarted(quint64 attemptId);
    void attemptScheduled(qint64 delayMs);
    void attemptFailed(const QString &reason);
    void attemptTimedOut();
    void gaveUp(const QString &reason);

private:
    void setState(State state);
    qint64 arm(qint64 delayMs);
    void schedule(qint64 delayMs);
    void onRetryTimer();
    void onAttemptTimeout();
    void handleFailure(const QString &reason);
    void noteBreakerState();
    qint64 nowMs() const;

    Attempt m_attempt;
    Config m_config;
    Backoff m_backoff;
    CircuitBreaker m_breaker;
    MonotonicClock m_clock;
    // Children, so that moveToThread() takes them along.
    Timeout m_attemptTimeout;
    QTimer m_retryTimer;
    State m_state = State::Idle;
    CircuitBreaker::State m_breakerState = CircuitBreaker::State::Closed;
    quint64 m_attemptId = 0;
    int m_failures = 0;
    QString m_lastError;
};

} // namespace tickscope
