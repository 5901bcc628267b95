#include "core/TickJson.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <limits>

using namespace tickscope;

class tst_TickJson : public QObject
{
    Q_OBJECT
private slots:
    void tick()
    {
        const Tick tick{u"BTC-USD"_qs, 1042, 1763790000123456, 64123.5, 0.25};
        const QByteArray expected =
            "{\"s\":\"BTC-USD\",\"q\":1042,\"t\":1763790000123456,\"p\":64123.5,\"v\":0.25}";
        QCOMPARE(TickJson::toJson(tick), expected);
    }

    void shortestRoundTrip_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("integer") << 3.0 << QByteArray("3");
        QTest::newRow("tenth") << 0.1 << QByteArray("0.1");
        QTest::newRow("sum") << 0.1 + 0.2 << QByteArray("0.30000000000000004");
        QTest::newRow("negative") << -12.5 << QByteArray("-12.5");
        QTest::newRow("tiny") << 1e-7 << QByteArray("1e-7");
        QTest::newRow("huge") << 1e21 << QByteArray("1e21");
        QTest::newRow("exponent 100") << 1.5e-100 << QByteArray("1.5e-100");
        QTest::newRow("max") << std::numeric_limits<double>::max()
                             << QByteArray("1.7976931348623157e308");
    }
    void shortestRoundTrip()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, text);
        QByteArray out;
        TickJson::appendNumber(out, value);
        QCOMPARE(out, text);
        QCOMPARE(out.toDouble(), value);
    }

    // The tick is written into one buffer: extremes of every field, and a symbol longer
    // than that buffer allows (not a valid symbol, written piece by piece).
    void wholeTick_data()
    {
        QTest::addColumn<QString>("symbol");
        QTest::addColumn<qint64>("seq");
        QTest::addColumn<qint64>("timeUs");
        QTest::addColumn<double>("price");
        QTest::addColumn<double>("size");
        QTest::addColumn<QByteArray>("fields"); // what follows "s":"<symbol>",
        const qint64 max = std::numeric_limits<qint64>::max();
        const qint64 min = std::numeric_limits<qint64>::min();
        QTest::newRow("plain") << u"A"_qs << qint64(1) << qint64(2) << 3.0 << 4.5
                               << QByteArray(R"("q":1,"t":2,"p":3,"v":4.5})");
        QTest::newRow("longest values")
            << QString(32, u'Z') << max << min << -std::numeric_limits<double>::max()
            << -std::numeric_limits<double>::denorm_min()
            << QByteArray(R"("q":9223372036854775807,"t":-9223372036854775808,)"
                          R"("p":-1.7976931348623157e308,"v":-5e-324})");
        QTest::newRow("exponents") << u"E"_qs << qint64(0) << qint64(-1) << 1e-7 << 1e21
                                   << QByteArray(R"("q":0,"t":-1,"p":1e-7,"v":1e21})");
        QTest::newRow("symbol of 64") << QString(64, u'x') << qint64(5) << qint64(6) << 0.5 << 1e100
                                      << QByteArray(R"("q":5,"t":6,"p":0.5,"v":1e100})");
        QTest::newRow("symbol of 500") << QString(500, u'y') << max << max << 1.5e-300 << 2.0
                                       << QByteArray(R"("q":9223372036854775807,)"
                                                     R"("t":9223372036854775807,)"
                                                     R"("p":1.5e-300,"v":2})");
    }
    void wholeTick()
    {
        QFETCH(QString, symbol);
        QFETCH(qint64, seq);
        QFETCH(qint64, timeUs);
        QFETCH(double, price);
        QFETCH(double, size);
        QFETCH(QByteArray, fields);
        QByteArray out = "[";
        TickJson::append(out, Tick{symbol, seq, timeUs, price, size});
        QCOMPARE(out, "[{\"s\":\"" + symbol.toLatin1() + "\"," + fields);
    }

    void parsesAsJson()
    {
        const Tick tick{u"a.b:c/d_e-f"_qs, 1, 0, -1e300, 123456789.125};
        QJsonParseError error;
        const auto doc = QJsonDocument::fromJson(TickJson::toJson(tick), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.object().value(u"s").toString(), tick.symbol);
        QCOMPARE(doc.object().value(u"p").toDouble(), tick.price);
        QCOMPARE(doc.object().value(u"v").toDouble(), tick.size);
    }

    void escapesStrings()
    {
        QByteArray out;
        TickJson::appendString(out, u"a\"b\\c\nd\u0001");
        const QByteArray expected = "\"a\\\"b\\\\c\\nd\\u0001\"";
        QCOMPARE(out, expected);
    }
};

QTEST_GUILESS_MAIN(tst_TickJson)
#include "tst_tickjson.moc"
