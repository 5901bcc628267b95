#include "protocol/JsonReader.h"

#include <QTest>

using namespace tickscope;

class tst_JsonReader : public QObject
{
    Q_OBJECT
private slots:
    void invalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("trailing garbage") << u"{} x"_qs;
        QTest::newRow("two values") << u"1 2"_qs;
        QTest::newRow("trailing comma object") << u"{\"a\":1,}"_qs;
        QTest::newRow("trailing comma array") << u"[1,]"_qs;
        QTest::newRow("single quotes") << u"{'a':1}"_qs;
        QTest::newRow("unquoted key") << u"{a:1}"_qs;
        QTest::newRow("leading zero") << u"01"_qs;
        QTest::newRow("bare dot") << u"1."_qs;
        QTest::newRow("plus") << u"+1"_qs;
        QTest::newRow("nan") << u"NaN"_qs;
        QTest::newRow("infinity") << u"1e999"_qs;
        QTest::newRow("control char") << u"\"a\u0001b\""_qs;
        QTest::newRow("bad escape") << u"\"\\x\""_qs;
        QTest::newRow("short unicode escape") << u"\"\\u12\""_qs;
        QTest::newRow("unterminated") << u"\"abc"_qs;
        QTest::newRow("too deep") << QString(40, u'[') + QString(40, u']');
        QTest::newRow("comment") << u"/* */ 1"_qs;
        QTest::newRow("tru") << u"tru"_qs;
    }
    void invalid()
    {
        QFETCH(QString, text);
        JsonReader::Error error;
        QVERIFY(!JsonReader::parse(text, &error));
        QVERIFY(!error.message.isEmpty());
    }

    void numbers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("isInteger");
        QTest::addColumn<double>("value");
        QTest::newRow("int") << u"42"_qs << true << 42.0;
        QTest::newRow("negative int") << u"-7"_qs << true << -7.0;
        QTest::newRow("one point zero") << u"1.0"_qs << false << 1.0;
        QTest::newRow("exponent") << u"1e3"_qs << false << 1000.0;
        QTest::newRow("fraction") << u"0.30000000000000004"_qs << false << 0.30000000000000004;
        QTest::newRow("2^63 is not int64") << u"9223372036854775808"_qs << false
                                           << 9223372036854775808.0;
    }
    void numbers()
    {
        QFETCH(QString, text);
        QFETCH(bool, isInteger);
        QFETCH(double, value);
        const auto parsed = JsonReader::parse(text, nullptr);
        QVERIFY(parsed);
        QCOMPARE(parsed->isInteger(), isInteger);
        QCOMPARE(parsed->toDouble(), value);
    }

    void structure()
    {
        const auto parsed = JsonReader::parse(
            u" {\"a\":[1,true,null,\"x\\n\\u00e9\\\"\"],\"b\":{},\"a2\":false} "_qs, nullptr);
        QVERIFY(parsed && parsed->isObject());
        const JsonValue *a = parsed->member(u"a");
        QVERIFY(a && a->isArray());
        QCOMPARE(a->items().size(), size_t(4));
        QCOMPARE(a->items()[3].toString(), u"x\n\u00e9\""_qs);
        QVERIFY(parsed->member(u"b")->isObject());
        QVERIFY(!parsed->member(u"missing"));
    }
};

QTEST_GUILESS_MAIN(tst_JsonReader)
#include "tst_jsonreader.moc"
