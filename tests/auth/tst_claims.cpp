#include "auth/Claims.h"

#include <QTest>

using tickscope::Claims;

class tst_Claims : public QObject
{
    Q_OBJECT
private slots:
    void defaults()
    {
        const Claims claims;
        QCOMPARE(claims.scopes, QStringList{u"read"_qs});
        QVERIFY(claims.hasScope(u"read"));
        QVERIFY(!claims.hasScope(u"publish"));
        QCOMPARE(claims.tier, u"default"_qs);
        QVERIFY(!claims.symbols.has_value());
        QVERIFY(claims.allowsSymbol(u"ANY-THING"));
    }

    void parseScopes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QStringList>("scopes");
        QTest::newRow("read") << u"read"_qs << true << QStringList{u"read"_qs};
        QTest::newRow("canonical order, dedup")
            << u"admin read publish read"_qs << true
            << QStringList{u"read"_qs, u"publish"_qs, u"admin"_qs};
        QTest::newRow("all") << u"trade publish admin read"_qs << true
                             << QStringList{u"read"_qs, u"publish"_qs, u"trade"_qs, u"admin"_qs};
        QTest::newRow("extra spaces")
            << u"  read   trade "_qs << true << QStringList{u"read"_qs, u"trade"_qs};
        QTest::newRow("empty means none") << QString() << true << QStringList{};
        QTest::newRow("unknown word") << u"read write"_qs << false << QStringList{};
        QTest::newRow("case matters") << u"Read"_qs << false << QStringList{};
        QTest::newRow("tab is not a separator") << u"read\tpublish"_qs << false << QStringList{};
        QTest::newRow("comma is not a separator") << u"read,publish"_qs << false << QStringList{};
    }
    void parseScopes()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QStringList, scopes);
        QString error;
        const auto parsed = Claims::parseScopes(text, &error);
        QCOMPARE(parsed.has_value(), ok);
        if (ok) {
            QCOMPARE(*parsed, scopes);
            QVERIFY(error.isEmpty());
        } else {
            QVERIFY2(error.contains(u"unknown scope"), qPrintable(error));
        }
    }

    void unknownScopeErrorIsSanitized()
    {
        QString error;
        QVERIFY(!Claims::parseScopes(u"read evil\a\u00e9"_qs + QString(100, u'x'), &error));
        QVERIFY2(error.contains(u"\"evil??xxx"), qPrintable(error));
        QVERIFY(!error.contains(QChar(0x7)));
        QVERIFY(error.size() < 120);
    }

    void symbolPattern_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<bool>("valid");
        QTest::newRow("symbol") << u"BTC-USD"_qs << true;
        QTest::newRow("prefix") << u"BTC-*"_qs << true;
        QTest::newRow("star") << u"*"_qs << true;
        QTest::newRow("one char prefix") << u"B*"_qs << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("star in middle") << u"BTC*USD"_qs << false;
        QTest::newRow("two stars") << u"BTC**"_qs << false;
        QTest::newRow("leading star") << u"*USD"_qs << false;
        QTest::newRow("bad first char") << u"-BTC*"_qs << false;
        QTest::newRow("space") << u"BTC USD"_qs << false;
        QTest::newRow("too long") << QString(33, u'A') << false;
        QTest::newRow("32-char prefix") << QString(32, u'A') + u'*' << true;
    }
    void symbolPattern()
    {
        QFETCH(QString, pattern);
        QFETCH(bool, valid);
        QCOMPARE(Claims::isValidSymbolPattern(pattern), valid);
    }

    void allowsSymbol()
    {
        Claims claims;
        claims.symbols = QStringList{u"BTC-USD"_qs, u"ETH-*"_qs};
        QVERIFY(claims.allowsSymbol(u"BTC-USD"));
        QVERIFY(claims.allowsSymbol(u"ETH-EUR"));
        QVERIFY(!claims.allowsSymbol(u"BTC-EUR"));
        QVERIFY(!claims.allowsSymbol(u"btc-usd"));
        claims.symbols = QStringList{};
        QVERIFY(!claims.allowsSymbol(u"BTC-USD"));
        claims.symbols = QStringList{u"*"_qs};
        QVERIFY(claims.allowsSymbol(u"BTC-USD"));
    }

    void scopesAreIndependent()
    {
        Claims claims;
        claims.scopes = QStringList{u"admin"_qs};
        QVERIFY(claims.hasScope(u"admin"));
        QVERIFY(!claims.hasScope(u"read"));
    }
};

QTEST_GUILESS_MAIN(tst_Claims)
#include "tst_claims.moc"
