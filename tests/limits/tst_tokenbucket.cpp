#include "limits/TokenBucket.h"

#include <QTest>
#include <limits>

using tickscope::TokenBucket;

namespace {

constexpr qint64 Second = 1'000'000'000;
constexpr qint64 Ms = 1'000'000;

} // namespace

class tst_TokenBucket : public QObject
{
    Q_OBJECT
private slots:
    void startsFull_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("burst");
        QTest::addColumn<int>("allowed");
        QTest::newRow("burst 1") << 1.0 << 1.0 << 1;
        QTest::newRow("burst 5") << 1.0 << 5.0 << 5;
        QTest::newRow("fractional burst") << 10.0 << 2.5 << 2;
        QTest::newRow("fast rate, no time") << 1e9 << 3.0 << 3;
        QTest::newRow("zero rate") << 0.0 << 4.0 << 4;
        QTest::newRow("zero burst") << 10.0 << 0.0 << 0;
    }
    void startsFull()
    {
        QFETCH(double, rate);
        QFETCH(double, burst);
        QFETCH(int, allowed);
        TokenBucket bucket(rate, burst);
        const qint64 now = 123 * Second;
        QVERIFY(bucket.isFull(now));
        for (int i = 0; i < allowed; ++i)
            QVERIFY2(bucket.tryTake(now), qPrintable(u"take %1"_qs.arg(i)));
        QVERIFY(!bucket.tryTake(now));
        QVERIFY(!bucket.isFull(now) || burst == 0);
    }

    void refillsFromElapsedTime_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("burst");
        QTest::addColumn<qint64>("elapsedNs");
        QTest::addColumn<double>("tokens");
        QTest::newRow("one second at 1/s") << 1.0 << 10.0 << Second << 1.0;
        QTest::newRow("half a second at 4/s") << 4.0 << 10.0 << Second / 2 << 2.0;
        QTest::newRow("1 ms at 1000/s") << 1000.0 << 10.0 << Ms << 1.0;
        QTest::newRow("capped at burst") << 100.0 << 10.0 << 60 * Second << 10.0;
        QTest::newRow("zero rate") << 0.0 << 10.0 << 60 * Second << 0.0;
        QTest::newRow("huge gap") << 1.0 << 10.0 << std::numeric_limits<qint64>::max() / 2 << 10.0;
    }
    void refillsFromElapsedTime()
    {
        QFETCH(double, rate);
        QFETCH(double, burst);
        QFETCH(qint64, elapsedNs);
        QFETCH(double, tokens);
        TokenBucket bucket(rate, burst);
        QVERIFY(bucket.tryTake(0, burst)); // empty it
        QCOMPARE(bucket.tokens(0), 0.0);
        QCOMPARE(bucket.tokens(elapsedNs), tokens);
    }

    void retryAfter_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("burst");
        QTest::addColumn<double>("take");
        QTest::addColumn<double>("want");
        QTest::addColumn<qint64>("retryNs");
        QTest::newRow("available") << 1.0 << 5.0 << 1.0 << 1.0 << 0LL;
        QTest::newRow("1 token at 10/s") << 10.0 << 1.0 << 1.0 << 1.0 << 100 * Ms;
        QTest::newRow("2 tokens at 4/s") << 4.0 << 2.0 << 2.0 << 2.0 << Second / 2;
        QTest::newRow("partial deficit") << 2.0 << 3.0 << 2.5 << 1.0 << Second / 4;
        QTest::newRow("rounds up") << 3.0 << 1.0 << 1.0 << 1.0 << 333'333'334LL;
        QTest::newRow("more than burst") << 10.0 << 2.0 << 0.0 << 3.0 << -1LL;
        QTest::newRow("no refill") << 0.0 << 2.0 << 2.0 << 1.0 << -1LL;
        QTest::newRow("fast rate floors at 1 ns") << 1e12 << 1.0 << 1.0 << 1.0 << 1LL;
    }
    void retryAfter()
    {
        QFETCH(double, rate);
        QFETCH(double, burst);
        QFETCH(double, take);
        QFETCH(double, want);
        QFETCH(qint64, retryNs);
        TokenBucket bucket(rate, burst);
        const qint64 t0 = 5 * Second;
        if (take > 0)
            QVERIFY(bucket.tryTake(t0, take));
        const qint64 wait = bucket.retryAfterNs(t0, want);
        QCOMPARE(wait, retryNs);
        if (wait < 0) {
            QVERIFY(!bucket.tryTake(t0 + 1000 * Second, want));
            return;
        }
        if (wait >= 2)
            QVERIFY(!bucket.tryTake(t0 + wait / 2, want));
        // Waiting the advertised time is always enough.
        QVERIFY(bucket.tryTake(t0 + wait, want));
    }

    void waitingTheAdvertisedTimeAlwaysWorks()
    {
        // Awkward rates whose refill is not exact in binary floating point.
        for (const double rate : {3.0, 7.0, 0.3, 13.7, 1000.0 / 3.0, 123456.789}) {
            TokenBucket bucket(rate, 2.0);
            qint64 now = 987'654'321;
            QVERIFY(bucket.tryTake(now, 2.0));
            for (int i = 0; i < 200; ++i) {
                const qint64 wait = bucket.retryAfterNs(now);
                QVERIFY(wait > 0);
                now += wait;
                QVERIFY2(bucket.tryTake(now), qPrintable(u"rate %1, round %2"_qs.arg(rate).arg(i)));
            }
        }
    }

    void timeGoingBackwardsAddsNothing()
    {
        TokenBucket bucket(1.0, 5.0);
        QVERIFY(bucket.tryTake(10 * Second, 5.0));
        QCOMPARE(bucket.tokens(5 * Second), 0.0);
        QVERIFY(!bucket.tryTake(5 * Second));
        // Elapsed time is still counted from the latest time seen.
        QCOMPARE(bucket.tokens(12 * Second), 2.0);
    }

    void fractionalCosts()
    {
        TokenBucket bucket(1.0, 1.0);
        QVERIFY(bucket.tryTake(0, 0.25));
        QVERIFY(bucket.tryTake(0, 0.5));
        QVERIFY(!bucket.tryTake(0, 0.5));
        QVERIFY(bucket.tryTake(0, 0.25));
        QCOMPARE(bucket.retryAfterNs(0, 0.5), Second / 2);
    }

    void reconfigureKeepsTokens()
    {
        TokenBucket bucket(1.0, 10.0);
        QVERIFY(bucket.tryTake(0, 4.0)); // 6 left
        bucket.reconfigure(2.0, 20.0, 0);
        QCOMPARE(bucket.rate(), 2.0);
        QCOMPARE(bucket.burst(), 20.0);
        QCOMPARE(bucket.tokens(0), 6.0);
        QCOMPARE(bucket.tokens(Second), 8.0);
        bucket.reconfigure(1.0, 3.0, Second);
        QCOMPARE(bucket.tokens(Second), 3.0);
        QVERIFY(bucket.isFull(Second));
    }

    void negativeInputsAreZero()
    {
        TokenBucket bucket(-5.0, -1.0);
        QCOMPARE(bucket.rate(), 0.0);
        QCOMPARE(bucket.burst(), 0.0);
        QVERIFY(!bucket.tryTake(0));
        QCOMPARE(bucket.retryAfterNs(0), -1);
    }
};

QTEST_GUILESS_MAIN(tst_TokenBucket)
#include "tst_tokenbucket.moc"
