#include "limits/RateLimiter.h"

#include <QTest>
#include <cmath>

using tickscope::RateLimiter;

namespace {

constexpr qint64 Second = 1'000'000'000;
constexpr qint64 Ms = 1'000'000;

} // namespace

class tst_RateLimiter : public QObject
{
    Q_OBJECT
private slots:
    void burstThenRefuse_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("burst");
        QTest::addColumn<int>("allowed");
        QTest::addColumn<qint64>("retryAfterMs");
        QTest::newRow("2/s, burst 3") << 2.0 << 3.0 << 3 << 500LL;
        QTest::newRow("1/s, burst 1") << 1.0 << 1.0 << 1 << 1000LL;
        QTest::newRow("3/s rounds up") << 3.0 << 1.0 << 1 << 334LL;
        QTest::newRow("fast rate is at least 1 ms") << 1e6 << 2.0 << 2 << 1LL;
        QTest::newRow("slow rate") << 0.01 << 1.0 << 1 << 100000LL;
        QTest::newRow("burst below 1 is 1") << 1.0 << 0.2 << 1 << 1000LL;
        QTest::newRow("nan burst is 1") << 1.0 << std::nan("") << 1 << 1000LL;
    }
    void burstThenRefuse()
    {
        QFETCH(double, rate);
        QFETCH(double, burst);
        QFETCH(int, allowed);
        QFETCH(qint64, retryAfterMs);
        RateLimiter limiter;
        const qint64 now = 42 * Second;
        for (int i = 0; i < allowed; ++i) {
            const auto decision = limiter.check(u"10.0.0.1"_qs, rate, burst, now);
            QVERIFY2(decision.allowed, qPrintable(u"check %1"_qs.arg(i)));
            QCOMPARE(decision.retryAfterMs, 0);
        }
        const auto refused = limiter.check(u"10.0.0.1"_qs, rate, burst, now);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.retryAfterMs, retryAfterMs);
        // After the advertised wait the next check passes.
        QVERIFY(limiter.check(u"10.0.0.1"_qs, rate, burst, now + retryAfterMs * Ms).allowed);
    }

    void unlimited_data()
    {
        QTest::addColumn<double>("rate");
        QTest::newRow("zero") << 0.0;
        QTest::newRow("negative") << -1.0;
        QTest::newRow("nan") << std::nan("");
    }
    void unlimited()
    {
        QFETCH(double, rate);
        RateLimiter limiter;
        for (int i = 0; i < 1000; ++i) {
            const auto decision = limiter.check(u"bench"_qs, rate, 1.0, 0);
            QVERIFY(decision.allowed);
            QCOMPARE(decision.retryAfterMs, 0);
            QVERIFY(std::isinf(decision.remaining));
        }
        QCOMPARE(limiter.size(), 0);
    }

    void keysAreIndependent()
    {
        RateLimiter limiter;
        QVERIFY(limiter.check(u"alice"_qs, 1, 1, 0).allowed);
        QVERIFY(!limiter.check(u"alice"_qs, 1, 1, 0).allowed);
        QVERIFY(limiter.check(u"bob"_qs, 1, 1, 0).allowed);
        QVERIFY(limiter.check(u"Alice"_qs, 1, 1, 0).allowed); // keys are exact
        QCOMPARE(limiter.size(), 3);
    }

    void remainingCountsDown()
    {
        RateLimiter limiter;
        QCOMPARE(limiter.check(u"k"_qs, 1, 3, 0).remaining, 2.0);
        QCOMPARE(limiter.check(u"k"_qs, 1, 3, 0).remaining, 1.0);
        QCOMPARE(limiter.check(u"k"_qs, 1, 3, 0).remaining, 0.0);
        const auto refused = limiter.check(u"k"_qs, 1, 3, Second / 2);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.remaining, 0.5);
        QCOMPARE(refused.retryAfterMs, 500);
    }

    void limitsChangeWithTheTier()
    {
        RateLimiter limiter;
        QVERIFY(limiter.check(u"sub"_qs, 1, 2, 0).allowed);
        QVERIFY(limiter.check(u"sub"_qs, 1, 2, 0).allowed);
        QVERIFY(!limiter.check(u"sub"_qs, 1, 2, 0).allowed);
        // A bigger tier does not hand out a fresh burst; it refills faster.
        QVERIFY(!limiter.check(u"sub"_qs, 100, 50, 0).allowed);
        QVERIFY(limiter.check(u"sub"_qs, 100, 50, 10 * Ms).allowed);
        QCOMPARE(limiter.size(), 1);
    }

    void sweepDropsOnlyFullBuckets()
    {
        RateLimiter limiter;
        for (int i = 0; i < 10; ++i)
            QVERIFY(limiter.check(u"fast%1"_qs.arg(i), 10, 1, 0).allowed); // full after 100 ms
        for (int i = 0; i < 5; ++i)
            QVERIFY(limiter.check(u"slow%1"_qs.arg(i), 0.1, 1, 0).allowed); // after 10 s
        QCOMPARE(limiter.size(), 15);
        QCOMPARE(limiter.sweep(50 * Ms), 0);
        QCOMPARE(limiter.sweep(Second), 10);
        QCOMPARE(limiter.size(), 5);
        // A dropped bucket was full: its key starts again exactly as it would have.
        QVERIFY(limiter.check(u"fast0"_qs, 10, 1, Second).allowed);
        QVERIFY(!limiter.check(u"slow0"_qs, 0.1, 1, Second).allowed);
        QCOMPARE(limiter.sweep(20 * Second), 6);
        QCOMPARE(limiter.size(), 0);
    }

    void checksSweepPeriodically()
    {
        RateLimiter limiter;
        for (int i = 0; i < 3000; ++i)
            limiter.check(u"10.1.%1.%2"_qs.arg(i / 256).arg(i % 256), 1, 1, 0);
        QCOMPARE(limiter.size(), 3000);
        // Later, one busy client: its checks alone must let the idle buckets go.
        const qint64 later = 60 * Second;
        for (int i = 0; i < 3001; ++i)
            limiter.check(u"busy"_qs, 1e9, 1e9, later);
        QVERIFY2(limiter.size() <= 1, qPrintable(QString::number(limiter.size())));
    }

    void maxKeysEvictsLeastRecentlyUsed()
    {
        RateLimiter limiter(3);
        QCOMPARE(limiter.maxKeys(), 3);
        for (const QString &key : {u"a"_qs, u"b"_qs, u"c"_qs}) {
            QVERIFY(limiter.check(key, 1, 1, 0).allowed);
            QVERIFY(!limiter.check(key, 1, 1, 0).allowed);
        }
        QVERIFY(!limiter.check(u"a"_qs, 1, 1, 0).allowed); // a is now the most recent
        QVERIFY(limiter.check(u"d"_qs, 1, 1, 0).allowed);  // evicts b
        QCOMPARE(limiter.size(), 3);
        QVERIFY(!limiter.check(u"a"_qs, 1, 1, 0).allowed);
        QVERIFY(!limiter.check(u"c"_qs, 1, 1, 0).allowed);
        QVERIFY(!limiter.check(u"d"_qs, 1, 1, 0).allowed);
        // b lost its state to the bound: it starts with a full bucket again (and evicts a).
        QVERIFY(limiter.check(u"b"_qs, 1, 1, 0).allowed);
        QCOMPARE(limiter.size(), 3);
    }

    void clear()
    {
        RateLimiter limiter;
        QVERIFY(limiter.check(u"k"_qs, 1, 1, 0).allowed);
        QVERIFY(!limiter.check(u"k"_qs, 1, 1, 0).allowed);
        limiter.clear();
        QCOMPARE(limiter.size(), 0);
        QVERIFY(limiter.check(u"k"_qs, 1, 1, 0).allowed);
    }
};

QTEST_GUILESS_MAIN(tst_RateLimiter)
#include "tst_ratelimiter.moc"
