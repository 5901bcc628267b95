#include "TickBatch.h"
#include "models/CandleBuilder.h"
#include "models/CandleModel.h"
#include "models/SeriesStore.h"

#include <QCandlestickSeries>
#include <QCandlestickSet>
#include <QTest>

using namespace tickscope;

namespace {
DetailColumns columns(const QList<std::pair<double, double>> &timePrice)
{
    DetailColumns c;
    qint64 seq = 1;
    for (const auto &[t, p] : timePrice) {
        c.seq.push_back(seq++);
        c.timeMs.push_back(t);
        c.price.push_back(p);
        c.size.push_back(1);
    }
    return c;
}
} // namespace

class tst_CandleModel : public QObject
{
    Q_OBJECT
private slots:
    void buildsOhlc_data()
    {
        QTest::addColumn<qint64>("intervalMs");
        QTest::addColumn<int>("candles");
        QTest::addColumn<double>("firstOpen");
        QTest::addColumn<double>("firstHigh");
        QTest::addColumn<double>("firstLow");
        QTest::addColumn<double>("firstClose");
        // Ticks: (0,10) (400,12) (900,9) (1000,11) (1999,13) (5000,7)
        QTest::newRow("1 s") << qint64(1000) << 3 << 10.0 << 12.0 << 9.0 << 9.0;
        QTest::newRow("2 s") << qint64(2000) << 2 << 10.0 << 13.0 << 9.0 << 13.0;
        QTest::newRow("1 min") << qint64(60000) << 1 << 10.0 << 13.0 << 7.0 << 7.0;
    }
    void buildsOhlc()
    {
        QFETCH(qint64, intervalMs);
        QFETCH(int, candles);
        QFETCH(double, firstOpen);
        QFETCH(double, firstHigh);
        QFETCH(double, firstLow);
        QFETCH(double, firstClose);
        CandleBuilder builder(intervalMs);
        const QList<std::pair<double, double>> ticks{{0, 10},    {400, 12},  {900, 9},
                                                     {1000, 11}, {1999, 13}, {5000, 7}};
        for (const auto &[t, p] : ticks)
            builder.add(t, p, 0.5);
        QCOMPARE(int(builder.candles().size()), candles);
        const Candle &c = builder.candles().front();
        QCOMPARE(c.startMs, 0.0);
        QCOMPARE(c.open, firstOpen);
        QCOMPARE(c.high, firstHigh);
        QCOMPARE(c.low, firstLow);
        QCOMPARE(c.close, firstClose);
        QCOMPARE(builder.candles().back().close, 7.0);
    }

    void emptyIntervalsGetNoCandle()
    {
        CandleBuilder builder(1000);
        builder.add(500, 1, 1);
        builder.add(10'500, 2, 1);
        QCOMPARE(builder.candles().size(), size_t(2));
        QCOMPARE(builder.candles()[1].startMs, 10'000.0);
    }

    void seriesFollowsTheCandles()
    {
        SeriesStore store;
        CandleModel model(&store);
        QCandlestickSeries series;
        model.setSeries(&series);
        model.setIntervalSeconds(1);
        model.setWindowSeconds(0);
        model.setActive(true);
        const DetailColumns first = columns({{1000, 10}, {1500, 11}, {2100, 12}});
        for (size_t i = 0; i < first.seq.size(); ++i)
            store.append(first.timeMs[i], first.price[i], 1);
        model.append(first);
        QVERIFY(model.commit());
        QCOMPARE(series.count(), 2);
        QCandlestickSet *last = series.sets().last();
        QCOMPARE(last->close(), 12.0);

        // A tick in the same second updates the set in place: no new set object.
        model.append(columns({{2500, 15}}));
        QVERIFY(model.commit());
        QCOMPARE(series.count(), 2);
        QCOMPARE(series.sets().last(), last);
        QCOMPARE(last->high(), 15.0);
        QCOMPARE(last->close(), 15.0);

        // Nothing changed: nothing to do.
        QVERIFY(!model.commit());

        // A new second appends one set.
        model.append(columns({{3100, 14}}));
        model.commit();
        QCOMPARE(series.count(), 3);
        QCOMPARE(series.sets().last()->timestamp(), 3000.0);
    }

    void windowAndCapLimitWhatIsShown()
    {
        SeriesStore store;
        CandleModel model(&store);
        QCandlestickSeries series;
        model.setSeries(&series);
        model.setIntervalSeconds(1);
        model.setWindowSeconds(60);
        model.setMaxVisible(20);
        model.setActive(true);
        QList<std::pair<double, double>> ticks;
        for (int i = 0; i < 300; ++i) {
            ticks.append({i * 1000.0, 100.0 + i});
            store.append(i * 1000.0, 100.0 + i, 1); // as the app does: the store has them too
        }
        model.append(columns(ticks));
        model.commit();
        QCOMPARE(series.count(), 20);
        QVERIFY(model.truncated());
        QCOMPARE(series.sets().first()->timestamp(), 280'000.0);
        // Scrolling by one candle removes one at the front and adds one at the back.
        QCandlestickSet *second = series.sets().at(1);
        model.append(columns({{300'000, 1}}));
        model.commit();
        QCOMPARE(series.count(), 20);
        QCOMPARE(series.sets().first(), second);
    }

    void intervalChangeRebuildsFromTheStore()
    {
        SeriesStore store;
        CandleModel model(&store);
        model.setIntervalSeconds(1);
        model.setWindowSeconds(0);
        model.setActive(true);
        for (int i = 0; i < 120; ++i)
            store.append(i * 1000.0, 100.0 + i, 1);
        model.rebuild();
        QCOMPARE(model.builder().candles().size(), size_t(120));
        model.setIntervalSeconds(60);
        model.commit();
        QCOMPARE(model.builder().candles().size(), size_t(2));
        QCOMPARE(model.builder().candles()[0].open, 100.0);
        QCOMPARE(model.builder().candles()[0].close, 159.0);
        QCOMPARE(model.builder().candles()[1].high, 219.0);
    }
};

QTEST_MAIN(tst_CandleModel)
#include "tst_candlemodel.moc"
