#include "resilience/Backoff.h"

#include <QTest>
#include <cmath>
#include <limits>

using tickscope::Backoff;
using tickscope::BackoffConfig;

namespace {

Backoff::RandomSource constant(double value)
{
    return [value] { return value; };
}

} // namespace

class tst_Backoff : public QObject
{
    Q_OBJECT
private slots:
    void ceiling_data()
    {
        QTest::addColumn<qint64>("base");
        QTest::addColumn<qint64>("cap");
        QTest::addColumn<int>("attempt");
        QTest::addColumn<qint64>("ceiling");
        QTest::newRow("first") << 100LL << 30000LL << 0 << 100LL;
        QTest::newRow("second") << 100LL << 30000LL << 1 << 200LL;
        QTest::newRow("third") << 100LL << 30000LL << 2 << 400LL;
        QTest::newRow("below cap") << 100LL << 30000LL << 8 << 25600LL;
        QTest::newRow("at cap") << 100LL << 30000LL << 9 << 30000LL;
        QTest::newRow("far past cap") << 100LL << 30000LL << 1000 << 30000LL;
        QTest::newRow("negative attempt") << 100LL << 30000LL << -3 << 100LL;
        QTest::newRow("cap equals base") << 50LL << 50LL << 5 << 50LL;
        const qint64 huge = std::numeric_limits<qint64>::max();
        QTest::newRow("no overflow") << 1LL << huge << 200 << huge;
        QTest::newRow("62 doublings") << 1LL << huge << 62 << (1LL << 62);
    }
    void ceiling()
    {
        QFETCH(qint64, base);
        QFETCH(qint64, cap);
        QFETCH(int, attempt);
        QFETCH(qint64, ceiling);
        const Backoff backoff({base, cap}, constant(0.5));
        QCOMPARE(backoff.ceilingMs(attempt), ceiling);
    }

    void fullJitterRange_data()
    {
        QTest::addColumn<double>("random");
        QTest::addColumn<qint64>("expected");
        // attempt 2 with base 100: ceiling 400, so 401 equally likely values 0..400.
        QTest::newRow("zero") << 0.0 << 0LL;
        QTest::newRow("half") << 0.5 << 200LL;
        QTest::newRow("just below one") << 0.9999999 << 400LL;
        QTest::newRow("above one is clamped") << 1.5 << 400LL;
        QTest::newRow("negative is clamped") << -0.5 << 0LL;
        QTest::newRow("nan is clamped") << std::nan("") << 0LL;
    }
    void fullJitterRange()
    {
        QFETCH(double, random);
        QFETCH(qint64, expected);
        const Backoff backoff({100, 30000}, constant(random));
        QCOMPARE(backoff.delayMs(2), expected);
    }

    void seededDelaysStayInRangeAndSpread()
    {
        const Backoff backoff({10, 1000}, Backoff::seededSource(42));
        for (int attempt = 0; attempt < 12; ++attempt) {
            const qint64 ceiling = backoff.ceilingMs(attempt);
            qint64 low = std::numeric_limits<qint64>::max();
            qint64 high = -1;
            for (int i = 0; i < 500; ++i) {
                const qint64 delay = backoff.delayMs(attempt);
                QVERIFY2(delay >= 0 && delay <= ceiling,
                         qPrintable(u"delay %1 outside [0, %2]"_qs.arg(delay).arg(ceiling)));
                low = std::min(low, delay);
                high = std::max(high, delay);
            }
            // Full jitter uses the whole range, not just the top of it.
            QVERIFY(low <= ceiling / 4);
            QVERIFY(high >= ceiling * 3 / 4);
        }
    }

    void seededSourceIsDeterministic()
    {
        const Backoff a({10, 100000}, Backoff::seededSource(7));
        const Backoff b({10, 100000}, Backoff::seededSource(7));
        const Backoff c({10, 100000}, Backoff::seededSource(8));
        QList<qint64> sa, sb, sc;
        for (int i = 0; i < 20; ++i) {
            sa << a.delayMs(10);
            sb << b.delayMs(10);
            sc << c.delayMs(10);
        }
        QCOMPARE(sa, sb);
        QVERIFY(sa != sc);
    }

    void nextDelayAdvancesAndResetRestarts()
    {
        Backoff backoff({100, 1000}, constant(0.9999999));
        QCOMPARE(backoff.attempt(), 0);
        QCOMPARE(backoff.nextDelayMs(), 100);
        QCOMPARE(backoff.nextDelayMs(), 200);
        QCOMPARE(backoff.nextDelayMs(), 400);
        QCOMPARE(backoff.nextDelayMs(), 800);
        QCOMPARE(backoff.nextDelayMs(), 1000);
        QCOMPARE(backoff.nextDelayMs(), 1000);
        QCOMPARE(backoff.attempt(), 6);
        backoff.reset();
        QCOMPARE(backoff.attempt(), 0);
        QCOMPARE(backoff.nextDelayMs(), 100);
    }

    void defaultSourceStaysInRange()
    {
        const Backoff backoff({5, 50});
        for (int i = 0; i < 200; ++i) {
            const qint64 delay = backoff.delayMs(i % 6);
            QVERIFY(delay >= 0 && delay <= 50);
        }
    }

    void validate_data()
    {
        QTest::addColumn<qint64>("base");
        QTest::addColumn<qint64>("cap");
        QTest::addColumn<QString>("error"); // a word the message must contain; empty: valid
        QTest::newRow("defaults") << 100LL << 30000LL << QString();
        QTest::newRow("equal") << 1LL << 1LL << QString();
        QTest::newRow("zero base") << 0LL << 100LL << u"base"_qs;
        QTest::newRow("negative base") << -5LL << 100LL << u"-5"_qs;
        QTest::newRow("cap below base") << 100LL << 50LL << u"cap"_qs;
    }
    void validate()
    {
        QFETCH(qint64, base);
        QFETCH(qint64, cap);
        QFETCH(QString, error);
        const QString message = BackoffConfig{base, cap}.validate();
        if (error.isEmpty())
            QVERIFY2(message.isEmpty(), qPrintable(message));
        else
            QVERIFY2(message.contains(error), qPrintable(message));
    }

    void invalidConfigIsClamped()
    {
        const Backoff backoff({0, -10}, constant(0.9999999));
        QCOMPARE(backoff.config().baseMs, 1);
        QCOMPARE(backoff.config().capMs, 1);
        QCOMPARE(backoff.delayMs(5), 1);
    }
};

QTEST_GUILESS_MAIN(tst_Backoff)
#include "tst_backoff.moc"
