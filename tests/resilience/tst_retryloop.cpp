#include "resilience/RetryLoop.h"

#include <QSignalSpy>
#include <QTest>

using tickscope::CircuitBreaker;
using tickscope::RetryLoop;
using tickscope::RetryLoopConfig;

namespace {

// Retries within a few milliseconds, a breaker that does not get in the way.
RetryLoopConfig fastConfig()
{
    RetryLoopConfig config;
    config.backoff = {1, 4};
    config.breaker = {1000, 10, 1};
    config.attemptTimeoutMs = 5000;
    return config;
}

constexpr int Patience = 10000; // generous: the machine is shared and noisy

} // namespace

class tst_RetryLoop : public QObject
{
    Q_OBJECT
private slots:
    void succeedsAtOnce()
    {
        int attempts = 0;
        RetryLoop loop(
            [&](RetryLoop *self) {
                ++attempts;
                self->succeeded();
            },
            fastConfig());
        QSignalSpy started(&loop, &RetryLoop::attemptStarted);
        QCOMPARE(loop.state(), RetryLoop::State::Idle);
        loop.start();
        QTRY_COMPARE_WITH_TIMEOUT(loop.state(), RetryLoop::State::Succeeded, Patience);
        QCOMPARE(attempts, 1);
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.at(0).at(0).value<quint64>(), 1u);
        QCOMPARE(loop.consecutiveFailures(), 0);
    }

    void retriesUntilSuccess_data()
    {
        QTest::addColumn<int>("failures");
        QTest::addColumn<bool>("asynchronous");
        QTest::newRow("1 failure, reported in the callback") << 1 << false;
        QTest::newRow("4 failures, reported in the callback") << 4 << false;
        QTest::newRow("4 failures, reported later") << 4 << true;
    }
    void retriesUntilSuccess()
    {
        QFETCH(int, failures);
        QFETCH(bool, asynchronous);
        int attempts = 0;
        RetryLoop loop(
            [&](RetryLoop *self) {
                const bool fail = ++attempts <= failures;
                auto report = [self, fail] {
                    if (fail)
                        self->failed(u"connection refused"_qs);
                    else
                        self->succeeded();
                };
                if (asynchronous)
                    QTimer::singleShot(1, self, report);
                else
                    report();
            },
            fastConfig());
        QSignalSpy scheduled(&loop, &RetryLoop::attemptScheduled);
        QSignalSpy failedSpy(&loop, &RetryLoop::attemptFailed);
        loop.start();
        QTRY_COMPARE_WITH_TIMEOUT(loop.state(), RetryLoop::State::Succeeded, Patience);
        QCOMPARE(attempts, failures + 1);
        QCOMPARE(failedSpy.count(), failures);
        QCOMPARE(failedSpy.at(0).at(0).toString(), u"connection refused"_qs);
        // The start, then one scheduled retry per failure, each within the backoff's ceiling.
        QCOMPARE(scheduled.count(), failures + 1);
        QCOMPARE(scheduled.at(0).at(0).value<qint64>(), 0);
        for (int i = 1; i < scheduled.count(); ++i) {
            const qint64 delay = scheduled.at(i).at(0).value<qint64>();
            QVERIFY(delay >= 0 && delay <= 4);
        }
        QCOMPARE(loop.consecutiveFailures(), 0);
        QVERIFY(loop.lastError().isEmpty());
    }

    void backoffGrowsAndResetsAfterSuccess()
    {
        RetryLoopConfig config = fastConfig();
        config.backoff = {2, 1000};
        int attempts = 0;
        RetryLoop loop(
            [&](RetryLoop *self) {
                // Fail three times, succeed, then fail once more (after the loss below).
                if (++attempts == 4)
                    self->succeeded();
                else
                    self->failed(u"nope"_qs);
            },
            config);
        loop.setRandomSource([] { return 0.9999999; }); // always the ceiling
        QSignalSpy scheduled(&loop, &RetryLoop::attemptScheduled);
        loop.start();
        QTRY_COMPARE_WITH_TIMEOUT(loop.state(), RetryLoop::State::Succeeded, Patience);
        QCOMPARE(scheduled.count(), 4);
        QCOMPARE(scheduled.at(1).at(0).value<qint64>(), 2);
        QCOMPARE(scheduled.at(2).at(0).value<qint64>(), 4);
        QCOMPARE(scheduled.at(3).at(0).value<qint64>(), 8);

        // The established connection is lost later: retrying starts over from the base.
        loop.failed(u"connection lost"_qs);
        QCOMPARE(loop.state(), RetryLoop::State::Waiting);
        QCOMPARE(loop.lastError(), u"connection lost"_qs);
        QCOMPARE(scheduled.count(), 5);
        QCOMPARE(scheduled.at(4).at(0).value<qint64>(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(attempts >= 5, Patience);
        loop.stop();
    }

    void attemptTimesOut()
    {
        RetryLoopConfig config = fastConfig();
        config.attemptTimeoutMs = 5;
        config.maxAttempts = 2;
        QList<quint64> ids;
        RetryLoop loop([&](RetryLoop *self) { ids << self->attemptId(); }, config); // never reports
        QSignalSpy timedOut(&loop, &RetryLoop::attemptTimedOut);
        QSignalSpy gaveUp(&loop, &RetryLoop::gaveUp);
        loop.start();
        QTRY_COMPARE_WITH_TIMEOUT(gaveUp.count(), 1, Patience);
        QCOMPARE(timedOut.count(), 2);
        QCOMPARE(ids, (QList<quint64>{1, 2}));
        QCOMPARE(loop.state(), RetryLoop::State::Idle);
        QVERIFY2(gaveUp.at(0).at(0).toString().contains(u"timed out"_qs),
                 qPrintable(gaveUp.at(0).at(0).toString()));
        // A report that comes after the timeout is ignored.
        loop.succeeded();
        QCOMPARE(loop.state(), RetryLoop::State::Idle);
    }

    void timeoutAbortHandlerMayReportFailure()
    {
        RetryLoopConfig config = fastConfig();
        config.attemptTimeoutMs = 5;
        config.maxAttempts = 1;
        int attempts = 0;
        RetryLoop loop([&](RetryLoop *) { ++attempts; }, config);
        QSignalSpy failedSpy(&loop, &RetryLoop::attemptFailed);
        // The owner aborts its operation, whose error handler reports failure once more.
        connect(&loop, &RetryLoop::attemptTimedOut, &loop, [&loop] { loop.failed(u"aborted"_qs); });
        loop.start();
        QTRY_COMPARE_WITH_TIMEOUT(failedSpy.count(), 1, Patience);
        QCOMPARE(loop.state(), RetryLoop::State::Idle);
        QTest::qWait(20);
        QCOMPARE(failedSpy.count(), 1);
        QCOMPARE(attempts, 1);
    }

    void breakerHoldsAttemptsWhileOpen()
    {
        RetryLoopConfig config = fastConfig();
        config.backoff = {1, 1};
        config.breaker = {2, 20, 1};
        qint64 now = 1000; // the breaker's clock; timers still run in real time
        int attempts = 0;
        bool succeed = false;
        RetryLoop loop(
            [&](RetryLoop *self) {
                ++attempts;
                if (succeed)
                    self->succeeded();
                else
                    self->failed(u"down"_qs);
            },
            config);
        loop.setClock([&now] { return now; });
        QSignalSpy scheduled(&loop, &RetryLoop::attemptScheduled);
        QSignalSpy breakerStates(&loop, &RetryLoop::breakerStateChanged);
        loop.start();
        QTRY_COMPARE_WITH_TIMEOUT(attempts, 2, Patience);
        QCOMPARE(loop.breakerState(), CircuitBreaker::State::Open);
        QCOMPARE(breakerStates.count(), 1);
        QCOMPARE(breakerStates.at(0).at(0).value<CircuitBreaker::State>(),
                 CircuitBreaker::State::Open);
        // The backoff says at most 1 ms, the open breaker says 20: the breaker wins.
        QCOMPARE(scheduled.last().at(0).value<qint64>(), 20);

        // While the clock stands still the breaker stays open: the timer fires, no attempt
        // runs, and the wait is scheduled again.
        const qsizetype before = scheduled.count();
        QTRY_VERIFY_WITH_TIMEOUT(scheduled.count() > before, Patience);
        QCOMPARE(attempts, 2);
        QCOMPARE(loop.state(), RetryLoop::State::Waiting);

        // Time passes: one trial goes through the half-open breaker and closes it.
        succeed = true;
        now += 20;
        QTRY_COMPARE_WITH_TIMEOUT(loop.state(), RetryLoop::State::Succeeded, Patience);
        QCOMPARE(attempts, 3);
        QCOMPARE(loop.breakerState(), CircuitBreaker::State::Closed);
        QCOMPARE(breakerStates.last().at(0).value<CircuitBreaker::State>(),
                 CircuitBreaker::State::Closed);
    }

    void stopEndsRetrying()
    {
        RetryLoopConfig config = fastConfig();
        config.backoff = {5, 5};
        int attempts = 0;
        RetryLoop loop(
            [&](RetryLoop *self) {
                ++attempts;
                self->failed(u"down"_qs);
            },
            config);
        QSignalSpy states(&loop, &RetryLoop::stateChanged);
        loop.start();
        QTRY_VERIFY_WITH_TIMEOUT(attempts >= 1, Patience);
        loop.stop();
        const int stoppedAt = attempts;
        QCOMPARE(loop.state(), RetryLoop::State::Idle);
        QCOMPARE(loop.nextAttemptInMs(), -1);
        QTest::qWait(30);
        QCOMPARE(attempts, stoppedAt);
        QCOMPARE(states.last().at(0).value<RetryLoop::State>(), RetryLoop::State::Idle);
        // Reports while idle do nothing; start() begins afresh.
        loop.failed(u"late"_qs);
        QCOMPARE(loop.state(), RetryLoop::State::Idle);
        loop.start();
        QTRY_VERIFY_WITH_TIMEOUT(attempts > stoppedAt, Patience);
        loop.stop();
    }

    void stopFromASlot()
    {
        int attempts = 0;
        RetryLoop loop(
            [&](RetryLoop *self) {
                ++attempts;
                self->failed(u"down"_qs);
            },
            fastConfig());
        connect(&loop, &RetryLoop::attemptFailed, &loop, [&loop] { loop.stop(); });
        QSignalSpy scheduled(&loop, &RetryLoop::attemptScheduled);
        loop.start();
        QTRY_COMPARE_WITH_TIMEOUT(attempts, 1, Patience);
        QCOMPARE(loop.state(), RetryLoop::State::Idle);
        QCOMPARE(scheduled.count(), 1); // only the start
        QTest::qWait(20);
        QCOMPARE(attempts, 1);
    }

    void stateNames()
    {
        QCOMPARE(RetryLoop::stateName(RetryLoop::State::Idle), u"idle"_qs);
        QCOMPARE(RetryLoop::stateName(RetryLoop::State::Attempting), u"attempting"_qs);
        QCOMPARE(RetryLoop::stateName(RetryLoop::State::Waiting), u"waiting"_qs);
        QCOMPARE(RetryLoop::stateName(RetryLoop::State::Succeeded), u"succeeded"_qs);
    }

    void validate_data()
    {
        QTest::addColumn<int>("timeoutMs");
        QTest::addColumn<int>("maxAttempts");
        QTest::addColumn<qint64>("baseMs");
        QTest::addColumn<QString>("error");
        QTest::newRow("valid") << 1000 << 0 << 100LL << QString();
        QTest::newRow("zero timeout") << 0 << 0 << 100LL << u"timeout"_qs;
        QTest::newRow("negative attempts") << 1000 << -1 << 100LL << u"max attempts"_qs;
        QTest::newRow("bad backoff") << 1000 << 0 << 0LL << u"backoff base"_qs;
    }
    void validate()
    {
        QFETCH(int, timeoutMs);
        QFETCH(int, maxAttempts);
        QFETCH(qint64, baseMs);
        QFETCH(QString, error);
        RetryLoopConfig config;
        config.attemptTimeoutMs = timeoutMs;
        config.maxAttempts = maxAttempts;
        config.backoff.baseMs = baseMs;
        const QString message = config.validate();
        if (error.isEmpty())
            QVERIFY2(message.isEmpty(), qPrintable(message));
        else
            QVERIFY2(message.contains(error), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(tst_RetryLoop)
#include "tst_retryloop.moc"
