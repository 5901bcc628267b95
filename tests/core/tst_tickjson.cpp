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
