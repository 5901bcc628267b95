#include "models/WatchlistModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace tickscope;

namespace {
SymbolUpdate update(const QString &symbol, qint64 seq, double price, qint64 newTicks)
{
    SymbolUpdate u;
    u.symbol = symbol;
    u.lastSeq = seq;
    u.lastPrice = price;
    u.lastTimeUs = seq * 1000;
    u.newTicks = newTicks;
    return u;
}
} // namespace

class tst_WatchlistModel : public QObject
{
    Q_OBJECT
private slots:
    void validate_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("fragment"); // empty: valid
        QTest::newRow("valid") << u"XRP-USD"_qs << QString();
        QTest::newRow("trimmed") << u"  XRP-USD "_qs << QString();
        QTest::newRow("empty") << u"   "_qs << u"Type a symbol"_qs;
        QTest::newRow("duplicate") << u"BTC-USD"_qs << u"already in the watchlist"_qs;
        QTest::newRow("bad char") << u"BTC USD"_qs << u"not a valid symbol"_qs;
        QTest::newRow("leading dash") << u"-X"_qs << u"not a valid symbol"_qs;
        QTest::newRow("too long") << QString(33, u'A') << u"too long"_qs;
    }
    void validate()
    {
        QFETCH(QString, text);
        QFETCH(QString, fragment);
        WatchlistModel model;
        model.setSymbols({u"BTC-USD"_qs});
        const QString error = model.validate(text);
        if (fragment.isEmpty()) {
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY(model.add(text).isEmpty());
            QCOMPARE(model.symbols().last(), text.trimmed());
        } else {
            QVERIFY2(error.contains(fragment), qPrintable(error));
            QCOMPARE(model.add(text), error);
            QCOMPARE(model.rowCount(), 1);
        }
    }

    void addRemoveAndSignals()
    {
        WatchlistModel model;
        QAbstractItemModelTester tester(&model);
        QSignalSpy changed(&model, &WatchlistModel::symbolsChanged);
        model.setSymbols({u"A"_qs, u"B"_qs, u"bad symbol"_qs, u"A"_qs});
        QCOMPARE(model.symbols(), QStringList({u"A"_qs, u"B"_qs}));
        QVERIFY(model.add(u"C"_qs).isEmpty());
        model.remove(u"A"_qs);
        model.remove(u"not there"_qs);
        QCOMPARE(model.symbols(), QStringList({u"B"_qs, u"C"_qs}));
        QCOMPARE(changed.count(), 3);
        QCOMPARE(model.indexOf(u"C"_qs), 1);
        QCOMPARE(model.symbolAt(5), QString());
    }

    void pricesChangeAndRates()
    {
        WatchlistModel model;
        QAbstractItemModelTester tester(&model);
        model.setSymbols({u"BTC-USD"_qs, u"ETH-USD"_qs});
        const QModelIndex btc = model.index(0);
        QVERIFY(!model.data(btc, WatchlistModel::HasPriceRole).toBool());

        model.commit(10'000); // starts the sampling clock
        model.apply({update(u"BTC-USD"_qs, 10, 100.0, 10), update(u"XXX"_qs, 1, 1, 1)});
        model.apply({update(u"BTC-USD"_qs, 30, 110.0, 20)});
        QSignalSpy dataChanged(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.commit(10'500));
        QCOMPARE(dataChanged.count(), 1); // only the row that moved
        QCOMPARE(model.data(btc, WatchlistModel::LastRole).toDouble(), 110.0);
        QCOMPARE(model.data(btc, WatchlistModel::ReferenceRole).toDouble(), 100.0);
        QCOMPARE(model.data(btc, WatchlistModel::ChangePctRole).toDouble(), 10.0);
        QCOMPARE(model.data(btc, WatchlistModel::DirectionRole).toInt(), 1);
        QCOMPARE(model.data(btc, WatchlistModel::LastTextRole).toString(), u"110.00"_qs);

        // An older update (a replay) does not move the price back.
        model.apply({update(u"BTC-USD"_qs, 20, 50.0, 0)});
        QCOMPARE(model.commit(10'600), false);
        QCOMPARE(model.data(btc, WatchlistModel::LastRole).toDouble(), 110.0);

        // After a second: 30 ticks over 2 s -> 15/s, and one sparkline sample.
        QVERIFY(model.commit(12'000));
        QCOMPARE(model.data(btc, WatchlistModel::RateRole).toDouble(), 15.0);
        QCOMPARE(model.data(btc, WatchlistModel::SparkRole).toList().size(), 1);
        QCOMPARE(model.totalRate(), 15.0);
        QCOMPARE(model.data(model.index(1), WatchlistModel::SparkRole).toList().size(), 0);
    }

    void sparklineIsBounded()
    {
        WatchlistModel model;
        model.setSymbols({u"A"_qs});
        qint64 now = 1000;
        model.commit(now);
        for (int i = 0; i < WatchlistModel::SparkSamples + 50; ++i) {
            model.apply({update(u"A"_qs, i + 1, 100.0 + i, 1)});
            now += WatchlistModel::SampleMs;
            model.commit(now);
        }
        const QVariantList spark = model.data(model.index(0), WatchlistModel::SparkRole).toList();
        QCOMPARE(spark.size(), WatchlistModel::SparkSamples);
        QCOMPARE(spark.last().toDouble(), 100.0 + WatchlistModel::SparkSamples + 49);
    }

    void errorsShowUntilTicksArrive()
    {
        WatchlistModel model;
        model.setSymbols({u"A"_qs});
        model.setError(u"A"_qs, u"forbidden by the token"_qs);
        model.commit(1);
        QCOMPARE(model.data(model.index(0), WatchlistModel::ErrorRole).toString(),
                 u"forbidden by the token"_qs);
        model.apply({update(u"A"_qs, 1, 5, 1)});
        model.commit(2);
        QCOMPARE(model.data(model.index(0), WatchlistModel::ErrorRole).toString(), QString());
    }
};

QTEST_GUILESS_MAIN(tst_WatchlistModel)
#include "tst_watchlistmodel.moc"
