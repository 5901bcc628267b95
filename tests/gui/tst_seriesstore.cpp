#include "models/SeriesStore.h"

#include <QRandomGenerator>
#include <QTest>

using tickscope::SeriesStore;

class tst_SeriesStore : public QObject
{
    Q_OBJECT
private slots:
    void extremesMatchAScan_data()
    {
        QTest::addColumn<int>("begin");
        QTest::addColumn<int>("end");
        QTest::newRow("all") << 0 << 1000;
        QTest::newRow("inside one block") << 3 << 20;
        QTest::newRow("block aligned") << 32 << 320;
        QTest::newRow("ragged") << 17 << 913;
        QTest::newRow("one") << 500 << 501;
        QTest::newRow("empty") << 10 << 10;
        QTest::newRow("past the end") << 990 << 2000;
    }
    void extremesMatchAScan()
    {
        QFETCH(int, begin);
        QFETCH(int, end);
        SeriesStore store;
        QRandomGenerator random(7);
        for (int i = 0; i < 1000; ++i)
            store.append(i, random.bounded(50), 1); // many ties: the first must win
        qsizetype minI = -1;
        qsizetype maxI = -1;
        for (qsizetype i = begin; i < std::min<qsizetype>(end, store.size()); ++i) {
            if (minI < 0 || store.price(i) < store.price(minI))
                minI = i;
            if (maxI < 0 || store.price(i) > store.price(maxI))
                maxI = i;
        }
        const auto e = store.extremes(begin, end);
        QCOMPARE(e.minIndex, minI);
        QCOMPARE(e.maxIndex, maxI);
    }

    void timesNeverGoBack()
    {
        SeriesStore store;
        store.append(100, 1, 1);
        store.append(90, 2, 1);
        QCOMPARE(store.time(1), 100.0);
        QCOMPARE(store.lowerBound(100), 0);
        QCOMPARE(store.upperBound(100), 2);
    }

    void capacityDropsTheOldestWholeBlocks()
    {
        SeriesStore store(1000);
        for (int i = 0; i < 5000; ++i)
            store.append(i, i % 97, 1);
        QVERIFY(store.size() >= 1000);
        QVERIFY(store.size() <= 1250);
        QCOMPARE(store.lastTime(), 4999.0);
        QCOMPARE(qint64(store.firstTime()) % SeriesStore::BlockSize, 0);
        QCOMPARE(store.dropped() + store.size(), 5000);
        // Blocks still line up with the data after the trims.
        const auto e = store.extremes(0, store.size());
        QCOMPARE(store.price(e.maxIndex), 96.0);
        QCOMPARE(store.price(e.minIndex), 0.0);
    }
};

QTEST_GUILESS_MAIN(tst_SeriesStore)
#include "tst_seriesstore.moc"
