#include "core/Symbol.h"

#include <QTest>

using tickscope::Symbol;

class tst_Symbol : public QObject
{
    Q_OBJECT
private slots:
    void isValid_data()
    {
        QTest::addColumn<QString>("symbol");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << u"BTC-USD"_qs << true;
        QTest::newRow("one char") << u"X"_qs << true;
        QTest::newRow("punctuation") << u"a.b_c:d/e-f"_qs << true;
        QTest::newRow("32 chars") << QString(32, u'A') << true;
        QTest::newRow("33 chars") << QString(33, u'A') << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("leading dash") << u"-BTC"_qs << false;
        QTest::newRow("leading dot") << u".BTC"_qs << false;
        QTest::newRow("space") << u"BTC USD"_qs << false;
        QTest::newRow("star") << u"BTC*"_qs << false;
        QTest::newRow("non-ascii") << u"BTC\u00e9"_qs << false;
        QTest::newRow("quote") << u"A\"B"_qs << false;
    }
    void isValid()
    {
        QFETCH(QString, symbol);
        QFETCH(bool, valid);
        QCOMPARE(Symbol::isValid(symbol), valid);
    }

    void matchesPattern_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("symbol");
        QTest::addColumn<bool>("matches");
        QTest::newRow("exact") << u"BTC-USD"_qs << u"BTC-USD"_qs << true;
        QTest::newRow("case sensitive") << u"btc-usd"_qs << u"BTC-USD"_qs << false;
        QTest::newRow("prefix") << u"BTC-*"_qs << u"BTC-USD"_qs << true;
        QTest::newRow("prefix miss") << u"ETH-*"_qs << u"BTC-USD"_qs << false;
        QTest::newRow("star alone") << u"*"_qs << u"ANY"_qs << true;
        QTest::newRow("no implicit prefix") << u"BTC"_qs << u"BTC-USD"_qs << false;
    }
    void matchesPattern()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, symbol);
        QFETCH(bool, matches);
        QCOMPARE(Symbol::matchesPattern(pattern, symbol), matches);
    }
};

QTEST_GUILESS_MAIN(tst_Symbol)
#include "tst_symbol.moc"
