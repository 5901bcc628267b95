#include "resilience/CircuitBreaker.h"

#include <QTest>

using tickscope::CircuitBreaker;
using tickscope::CircuitBreakerConfig;
using State = tickscope::CircuitBreaker::State;

Q_DECLARE_METATYPE(tickscope::CircuitBreaker::State)

class tst_CircuitBreaker : public QObject
{
    Q_OBJECT
private slots:
    void opensAfterThreshold_data()
    {
        QTest::addColumn<int>("threshold");
        QTest::newRow("1") << 1;
        QTest::newRow("3") << 3;
        QTest::newRow("5") << 5;
    }
    void opensAfterThreshold()
    {
        QFETCH(int, threshold);
        CircuitBreaker breaker({threshold, 1000, 1});
        qint64 now = 1000;
        for (int i = 0; i < threshold - 1; ++i) {
            QVERIFY(breaker.allowRequest(now));
            breaker.recordFailure(now);
            QCOMPARE(breaker.state(now), State::Closed);
            QCOMPARE(breaker.retryAfterMs(now), 0);
            ++now;
        }
        QVERIFY(breaker.allowRequest(now));
        breaker.recordFailure(now);
        QCOMPARE(breaker.state(now), State::Open);
        QCOMPARE(breaker.consecutiveFailures(), threshold);
        QVERIFY(!breaker.allowRequest(now));
        QCOMPARE(breaker.retryAfterMs(now), 1000);
        QCOMPARE(breaker.retryAfterMs(now + 400), 600);
        QVERIFY(!breaker.allowRequest(now + 999));
        QCOMPARE(breaker.state(now + 999), State::Open);
        QCOMPARE(breaker.state(now + 1000), State::HalfOpen);
        QCOMPARE(breaker.retryAfterMs(now + 1000), 0);
    }

    void successResetsTheCount()
    {
        CircuitBreaker breaker({3, 1000, 1});
        breaker.recordFailure(0);
        breaker.recordFailure(1);
        breaker.recordSuccess(2);
        QCOMPARE(breaker.consecutiveFailures(), 0);
        breaker.recordFailure(3);
        breaker.recordFailure(4);
        QCOMPARE(breaker.state(5), State::Closed);
        breaker.recordFailure(5);
        QCOMPARE(breaker.state(5), State::Open);
    }

    void halfOpenTrial_data()
    {
        QTest::addColumn<bool>("trialSucceeds");
        QTest::addColumn<State>("after");
        QTest::newRow("success closes") << true << State::Closed;
        QTest::newRow("failure reopens") << false << State::Open;
    }
    void halfOpenTrial()
    {
        QFETCH(bool, trialSucceeds);
        QFETCH(State, after);
        CircuitBreaker breaker({1, 100, 1});
        breaker.recordFailure(0);
        QCOMPARE(breaker.state(50), State::Open);
        QVERIFY(breaker.allowRequest(100)); // the one trial
        QCOMPARE(breaker.state(100), State::HalfOpen);
        QVERIFY(!breaker.allowRequest(101)); // no second call while the trial runs
        QVERIFY(breaker.retryAfterMs(101) > 0);
        if (trialSucceeds)
            breaker.recordSuccess(120);
        else
            breaker.recordFailure(120);
        QCOMPARE(breaker.state(120), after);
        if (after == State::Open) {
            // A fresh open period counted from the failed trial.
            QCOMPARE(breaker.retryAfterMs(120), 100);
            QVERIFY(!breaker.allowRequest(219));
            QVERIFY(breaker.allowRequest(220));
        } else {
            QCOMPARE(breaker.consecutiveFailures(), 0);
            QVERIFY(breaker.allowRequest(121));
            QVERIFY(breaker.allowRequest(121));
        }
    }

    void severalTrials()
    {
        CircuitBreaker breaker({1, 100, 3});
        breaker.recordFailure(0);
        QVERIFY(breaker.allowRequest(100));
        QVERIFY(breaker.allowRequest(100));
        QVERIFY(breaker.allowRequest(100));
        QVERIFY(!breaker.allowRequest(100));
        breaker.recordSuccess(110);
        QCOMPARE(breaker.state(110), State::Closed);
    }

    void unreportedTrialIsReleased()
    {
        CircuitBreaker breaker({1, 100, 1});
        breaker.recordFailure(0);
        QVERIFY(breaker.allowRequest(100));
        QVERIFY(!breaker.allowRequest(150));
        QCOMPARE(breaker.retryAfterMs(150), 50);
        // The trial's outcome never came: after another open period a new trial may go.
        QCOMPARE(breaker.retryAfterMs(200), 0);
        QVERIFY(breaker.allowRequest(200));
        QVERIFY(!breaker.allowRequest(201));
    }

    void lateReportsWhileOpen()
    {
        CircuitBreaker breaker({2, 100, 1});
        breaker.recordFailure(0);
        breaker.recordFailure(10);
        QCOMPARE(breaker.state(10), State::Open);
        // Calls admitted before the breaker opened report late; they neither extend the
        // open period nor close it.
        breaker.recordFailure(50);
        QCOMPARE(breaker.retryAfterMs(50), 60);
        breaker.recordSuccess(60);
        QCOMPARE(breaker.state(60), State::Open);
        QCOMPARE(breaker.state(110), State::HalfOpen);
    }

    void reset()
    {
        CircuitBreaker breaker({1, 100, 1});
        breaker.recordFailure(0);
        QCOMPARE(breaker.state(0), State::Open);
        breaker.reset();
        QCOMPARE(breaker.state(0), State::Closed);
        QVERIFY(breaker.allowRequest(0));
    }

    void stateNames()
    {
        QCOMPARE(CircuitBreaker::stateName(State::Closed), u"closed"_qs);
        QCOMPARE(CircuitBreaker::stateName(State::Open), u"open"_qs);
        QCOMPARE(CircuitBreaker::stateName(State::HalfOpen), u"half-open"_qs);
    }

    void validate_data()
    {
        QTest::addColumn<int>("threshold");
        QTest::addColumn<qint64>("openMs");
        QTest::addColumn<int>("trials");
        QTest::addColumn<QString>("error");
        QTest::newRow("valid") << 5 << 10000LL << 1 << QString();
        QTest::newRow("zero threshold") << 0 << 10000LL << 1 << u"threshold"_qs;
        QTest::newRow("zero open") << 5 << 0LL << 1 << u"open duration"_qs;
        QTest::newRow("zero trials") << 5 << 10000LL << 0 << u"trials"_qs;
    }
    void validate()
    {
        QFETCH(int, threshold);
        QFETCH(qint64, openMs);
        QFETCH(int, trials);
        QFETCH(QString, error);
        const QString message = CircuitBreakerConfig{threshold, openMs, trials}.validate();
        if (error.isEmpty())
            QVERIFY2(message.isEmpty(), qPrintable(message));
        else
            QVERIFY2(message.contains(error), qPrintable(message));
        // Whatever the config, the breaker works with a clamped one.
        CircuitBreaker breaker({threshold, openMs, trials});
        QVERIFY(breaker.config().failureThreshold >= 1);
        QVERIFY(breaker.config().openDurationMs >= 1);
        QVERIFY(breaker.config().halfOpenTrials >= 1);
    }
};

QTEST_GUILESS_MAIN(tst_CircuitBreaker)
#include "tst_circuitbreaker.moc"
