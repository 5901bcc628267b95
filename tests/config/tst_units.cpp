#include "config/Units.h"

#include <QTest>

using tickscope::Units;
using namespace std::chrono_literals;

class tst_Units : public QObject
{
    Q_OBJECT
private slots:
    void parseDuration_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms"); // -1: refused
        QTest::addColumn<QString>("rule");
        QTest::newRow("ms") << u"500ms"_qs << qint64(500) << QString();
        QTest::newRow("s") << u"30s"_qs << qint64(30'000) << QString();
        QTest::newRow("m") << u"5m"_qs << qint64(300'000) << QString();
        QTest::newRow("h") << u"1h"_qs << qint64(3'600'000) << QString();
        QTest::newRow("d") << u"7d"_qs << qint64(7 * 86'400'000LL) << QString();
        QTest::newRow("plain is seconds") << u"15"_qs << qint64(15'000) << QString();
        QTest::newRow("zero") << u"0"_qs << qint64(0) << QString();
        QTest::newRow("zero ms") << u"0ms"_qs << qint64(0) << QString();
        QTest::newRow("upper case") << u"10MS"_qs << qint64(10) << QString();
        QTest::newRow("space before unit") << u"2 s"_qs << qint64(2000) << QString();
        QTest::newRow("outer space") << u" 3s "_qs << qint64(3000) << QString();
        QTest::newRow("negative") << u"-5s"_qs << qint64(-1) << u"negative"_qs;
        QTest::newRow("fraction") << u"1.5s"_qs << qint64(-1) << u"whole number"_qs;
        QTest::newRow("empty") << QString() << qint64(-1) << u"duration like"_qs;
        QTest::newRow("unit only") << u"ms"_qs << qint64(-1) << u"duration like"_qs;
        QTest::newRow("unknown unit") << u"5y"_qs << qint64(-1) << u"duration like"_qs;
        QTest::newRow("garbage") << u"soon"_qs << qint64(-1) << u"duration like"_qs;
        QTest::newRow("two units") << u"1h30m"_qs << qint64(-1) << u"duration like"_qs;
        QTest::newRow("plus sign") << u"+5s"_qs << qint64(-1) << u"duration like"_qs;
        QTest::newRow("overflow") << u"99999999999999999999d"_qs << qint64(-1) << u"too large"_qs;
        QTest::newRow("overflow by unit")
            << u"9223372036854775807d"_qs << qint64(-1) << u"too large"_qs;
    }
    void parseDuration()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        QFETCH(QString, rule);
        QString why;
        const auto parsed = Units::parseDuration(text, &why);
        if (ms < 0) {
            QVERIFY(!parsed);
            QVERIFY2(why.contains(rule), qPrintable(why));
        } else {
            QVERIFY2(parsed, qPrintable(why));
            QCOMPARE(parsed->count(), ms);
        }
    }

    void parseByteSize_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes"); // -1: refused
        QTest::addColumn<QString>("rule");
        QTest::newRow("plain") << u"65536"_qs << qint64(65536) << QString();
        QTest::newRow("B") << u"100B"_qs << qint64(100) << QString();
        QTest::newRow("KiB") << u"64KiB"_qs << qint64(65536) << QString();
        QTest::newRow("MiB") << u"8MiB"_qs << qint64(8 << 20) << QString();
        QTest::newRow("GiB") << u"1GiB"_qs << (qint64(1) << 30) << QString();
        QTest::newRow("TiB") << u"2TiB"_qs << (qint64(2) << 40) << QString();
        QTest::newRow("lower case") << u"8mib"_qs << qint64(8 << 20) << QString();
        QTest::newRow("space") << u"8 MiB"_qs << qint64(8 << 20) << QString();
        QTest::newRow("zero") << u"0"_qs << qint64(0) << QString();
        QTest::newRow("negative") << u"-1KiB"_qs << qint64(-1) << u"negative"_qs;
        QTest::newRow("decimal unit") << u"8MB"_qs << qint64(-1) << u"size like"_qs;
        QTest::newRow("fraction") << u"1.5MiB"_qs << qint64(-1) << u"whole number"_qs;
        QTest::newRow("garbage") << u"big"_qs << qint64(-1) << u"size like"_qs;
        QTest::newRow("empty") << u""_qs << qint64(-1) << u"size like"_qs;
        QTest::newRow("overflow") << u"9999999999TiB"_qs << qint64(-1) << u"too large"_qs;
    }
    void parseByteSize()
    {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        QFETCH(QString, rule);
        QString why;
        const auto parsed = Units::parseByteSize(text, &why);
        if (bytes < 0) {
            QVERIFY(!parsed);
            QVERIFY2(why.contains(rule), qPrintable(why));
        } else {
            QVERIFY2(parsed, qPrintable(why));
            QCOMPARE(*parsed, bytes);
        }
    }

    void parseWithoutRule()
    {
        QVERIFY(!Units::parseDuration(u"nope"));
        QVERIFY(!Units::parseByteSize(u"nope"));
    }

    void formatDuration_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << u"0"_qs;
        QTest::newRow("ms") << qint64(5) << u"5ms"_qs;
        QTest::newRow("s") << qint64(15'000) << u"15s"_qs;
        QTest::newRow("m") << qint64(600'000) << u"10m"_qs;
        QTest::newRow("h") << qint64(7'200'000) << u"2h"_qs;
        QTest::newRow("d") << qint64(86'400'000) << u"1d"_qs;
        QTest::newRow("not whole s") << qint64(1500) << u"1500ms"_qs;
        QTest::newRow("90s") << qint64(90'000) << u"90s"_qs;
    }
    void formatDuration()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(Units::formatDuration(std::chrono::milliseconds(ms)), text);
        // What is printed reads back as the same value.
        QCOMPARE(Units::parseDuration(text)->count(), ms);
    }

    void formatByteSize_data()
    {
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << u"0"_qs;
        QTest::newRow("small") << qint64(1000) << u"1000"_qs;
        QTest::newRow("KiB") << qint64(65536) << u"64KiB"_qs;
        QTest::newRow("MiB") << qint64(8 << 20) << u"8MiB"_qs;
        QTest::newRow("GiB") << (qint64(1) << 30) << u"1GiB"_qs;
        QTest::newRow("odd") << qint64(65537) << u"65537"_qs;
        QTest::newRow("KiB not MiB") << qint64(1536 * 1024) << u"1536KiB"_qs;
    }
    void formatByteSize()
    {
        QFETCH(qint64, bytes);
        QFETCH(QString, text);
        QCOMPARE(Units::formatByteSize(bytes), text);
        QCOMPARE(*Units::parseByteSize(text), bytes);
    }
};

QTEST_GUILESS_MAIN(tst_Units)
#include "tst_units.moc"
