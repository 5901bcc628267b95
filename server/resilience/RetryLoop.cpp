#include "resilience/RetryLoop.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace tickscope {

QString RetryLoopConfig::validate() const
{
    if (QString error = backoff.validate(); !error.isEmpty())
        return error;
    if (QString error = breaker.validate(); !error.isEmpty())
        return error;
    if (attemptTimeoutMs < 1)
        return u"attempt timeout must be at least 1 ms, got %1 ms"_qs.arg(attemptTimeoutMs);
    if (maxAttempts < 0)
        return u"max attempts must be 0 (no limit) or more, got %1"_qs.arg(maxAttempts);
    return {};
}

RetryLoop::RetryLoop(Attempt attempt, const Config &config, QObject *parent)
    : QObject(parent), m_attempt(std::move(attempt)), m_config(config), m_backoff(config.backoff),
      m_breaker(config.breaker), m_attemptTimeout(this), m_retryTimer(this)
{
    m_config.attemptTimeoutMs = std::max(1, m_config.attemptTimeoutMs);
    m_config.maxAttempts = std::max(0, m_config.maxAttempts);
    m_retryTimer.setSingleShot(true);
    m_retryTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_retryTimer, &QTimer::timeout, this, &RetryLoop::onRetryTimer);
    connect(&m_attemptTimeout, &Timeout::expired, this, &RetryLoop::onAttemptTimeout);
}

void RetryLoop::setRandomSource(Backoff::RandomSource random)
{
    m_backoff = Backoff(m_config.backoff, std::move(random));
}

void RetryLoop::setClock(MonotonicClock clock)
{
    m_clock = std::move(clock);
}

qint64 RetryLoop::nowMs() const
{
    if (m_clock)
        return m_clock();
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void RetryLoop::start()
{
    if (m_state != State::Idle)
        return;
    m_backoff.reset();
    m_failures = 0;
    schedule(0);
}

void RetryLoop::stop()
{
    m_retryTimer.stop();
    m_attemptTimeout.cancel();
    setState(State::Idle);
}

void RetryLoop::succeeded()
{
    if (m_state != State::Attempting)
        return;
    m_attemptTimeout.cancel();
    m_breaker.recordSuccess(nowMs());
    m_backoff.reset();
    m_failures = 0;
    m_lastError.clear();
    setState(State::Succeeded);
    noteBreakerState();
}

void RetryLoop::failed(const QString &reason)
{
    if (m_state != State::Attempting && m_state != State::Succeeded)
        return;
    handleFailure(reason);
}

void RetryLoop::onAttemptTimeout()
{
    if (m_state != State::Attempting)
        return;
    handleFailure(u"attempt timed out after %1 ms"_qs.arg(m_config.attemptTimeoutMs));
    emit attemptTimedOut();
}

void RetryLoop::handleFailure(const QString &reason)
{
    m_attemptTimeout.cancel();
    const qint64 now = nowMs();
    m_breaker.recordFailure(now);
    m_lastError = reason;
    if (m_failures < std::numeric_limits<int>::max())
        ++m_failures;
    const bool giveUp = m_config.maxAttempts > 0 && m_failures >= m_config.maxAttempts;
    qint64 delay = -1;
    // Settle the state before any signal, so slots see a consistent loop and may stop it.
    if (giveUp) {
        m_state = State::Idle;
    } else {
        // The breaker's open period is a floor: no attempt while it refuses calls anyway.
        delay = arm(std::max(m_backoff.nextDelayMs(), m_breaker.retryAfterMs(now)));
        m_state = State::Waiting;
    }
    const State settled = m_state;
    emit attemptFailed(reason);
    if (m_state == settled)
        noteBreakerState();
    if (m_state == settled)
        emit stateChanged(settled);
    if (m_state != settled)
        return;
    if (giveUp)
        emit gaveUp(reason);
    else
        emit attemptScheduled(delay);
}

qint64 RetryLoop::arm(qint64 delayMs)
{
    const int delay =
        static_cast<int>(std::clamp<qint64>(delayMs, 0, std::numeric_limits<int>::max()));
    m_retryTimer.start(delay);
    return delay;
}

void RetryLoop::schedule(qint64 delayMs)
{
    const qint64 delay = arm(delayMs);
    setState(State::Waiting);
    if (m_state == State::Waiting)
        emit attemptScheduled(delay);
}

void RetryLoop::onRetryTimer()
{
    if (m_state != State::Waiting)
        return;
    const qint64 now = nowMs();
    if (!m_breaker.allowRequest(now)) {
        // Timers may fire a little early, or the injected clock disagrees: wait out the rest.
        noteBreakerState();
        schedule(std::max<qint64>(1, m_breaker.retryAfterMs(now)));
        return;
    }
    noteBreakerState();
    const quint64 id = ++m_attemptId;
    m_attemptTimeout.start(m_config.attemptTimeoutMs);
    setState(State::Attempting);
    emit attemptStarted(id);
    // A slot may have stopped the loop in the meantime.
    if (m_state == State::Attempting && m_attemptId == id && m_attempt)
        m_attempt(this);
}

void RetryLoop::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void RetryLoop::noteBreakerState()
{
    const CircuitBreaker::State current = m_breaker.state(nowMs());
    if (current == m_breakerState)
        return;
    m_breakerState = current;
    emit breakerStateChanged(current);
}

CircuitBreaker::State RetryLoop::breakerState() const
{
    return m_breaker.state(nowMs());
}

qint64 RetryLoop::nextAttemptInMs() const
{
    return m_retryTimer.isActive() ? m_retryTimer.remainingTime() : -1;
}

QString RetryLoop::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return u"idle"_qs;
    case State::Attempting:
        return u"attempting"_qs;
    case State::Waiting:
        return u"waiting"_qs;
    case State::Succeeded:
        return u"succeeded"_qs;
    }
    return {};
}

} // namespace tickscope
