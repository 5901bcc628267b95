#include "models/MinMaxReducer.h"
#include "models/SeriesStore.h"

#include <QRandomGenerator>
#include <QTest>
#include <algorithm>
#include <cmath>

using tickscope::MinMaxReducer;
using tickscope::SeriesStore;

namespace {
// Brute force: the extremes of each column, the way the reducer defines them.
QList<QPointF> expected(const SeriesStore &s, double from, double to, int columns)
{
    QList<QPointF> out;
    const qsizetype begin = s.lowerBound(from);
    const qsizetype end = s.upperBound(to);
    if (begin > 0 && begin < end)
        out.append(QPointF(s.time(begin - 1), s.price(begin - 1)));
    if (end - begin <= qsizetype(MinMaxReducer::RawThreshold * columns)) {
        for (qsizetype i = begin; i < end; ++i)
            out.append(QPointF(s.time(i), s.price(i)));
        return out;
    }
    const double span = to - from;
    for (int c = 0; c < columns; ++c) {
        const double lo = from + span * c / columns;
        const double hi = from + span * (c + 1) / columns;
        qsizetype minI = -1;
        qsizetype maxI = -1;
        for (qsizetype i = begin; i < end; ++i) {
            const double t = s.time(i);
            const bool inColumn = c == columns - 1 ? t >= lo : (t >= lo && t < hi);
            if (!inColumn)
                continue;
            if (minI < 0 || s.price(i) < s.price(minI))
                minI = i;
            if (maxI < 0 || s.price(i) > s.price(maxI))
                maxI = i;
        }
        if (minI < 0)
            continue;
        const qsizetype a = std::min(minI, maxI);
        const qsizetype b = std::max(minI, maxI);
        out.append(QPointF(s.time(a), s.price(a)));
        if (b != a)
            out.append(QPointF(s.time(b), s.price(b)));
    }
    return out;
}
} // namespace

class tst_MinMaxReducer : public QObject
{
    Q_OBJECT
private slots:
    void emptyStore()
    {
        SeriesStore store;
        const auto r = MinMaxReducer::reduce(store, 0, 1000, 100);
        QVERIFY(r.points.isEmpty());
        QCOMPARE(r.ticksInWindow, 0);
        QVERIFY(r.minPrice > r.maxPrice);
    }

    void fewTicksAreReturnedAsTheyAre()
    {
        SeriesStore store;
        for (int i = 0; i < 10; ++i)
            store.append(1000 + i, 100 + i, 1);
        const auto r = MinMaxReducer::reduce(store, 1000, 1009, 100);
        QCOMPARE(r.points.size(), 10);
        QCOMPARE(r.points.first(), QPointF(1000, 100));
        QCOMPARE(r.points.last(), QPointF(1009, 109));
        QCOMPARE(r.minPrice, 100.0);
        QCOMPARE(r.maxPrice, 109.0);
    }

    void matchesBruteForce_data()
    {
        QTest::addColumn<int>("ticks");
        QTest::addColumn<int>("columns");
        QTest::addColumn<double>("fromFraction");
        QTest::addColumn<double>("toFraction");
        QTest::newRow("10k into 100") << 10000 << 100 << 0.0 << 1.0;
        QTest::newRow("10k into 37, middle") << 10000 << 37 << 0.25 << 0.8;
        QTest::newRow("5k into 1") << 5000 << 1 << 0.0 << 1.0;
        QTest::newRow("3k into 1500 (raw)") << 3000 << 1500 << 0.0 << 1.0;
        QTest::newRow("20k into 640, tail") << 20000 << 640 << 0.9 << 1.0;
    }
    void matchesBruteForce()
    {
        QFETCH(int, ticks);
        QFETCH(int, columns);
        QFETCH(double, fromFraction);
        QFETCH(double, toFraction);
        QRandomGenerator random(42);
        SeriesStore store;
        double price = 100;
        double t = 1'700'000'000'000.0;
        for (int i = 0; i < ticks; ++i) {
            price += random.generateDouble() - 0.5;
            t += random.bounded(3); // repeated time stamps happen
            store.append(t, price, 1);
        }
        const double first = store.firstTime();
        const double span = store.lastTime() - first;
        const double from = first + span * fromFraction;
        const double to = first + span * toFraction;
        const auto r = MinMaxReducer::reduce(store, from, to, columns);
        const QList<QPointF> want = expected(store, from, to, columns);
        QCOMPARE(r.points.size(), want.size());
        for (qsizetype i = 0; i < want.size(); ++i)
            QCOMPARE(r.points[i], want[i]);
        QVERIFY(r.points.size() <= 2 * columns + 1);
    }

    void everySpikeSurvives()
    {
        // One outlier among a million flat ticks must still be drawn.
        SeriesStore store;
        for (int i = 0; i < 1'000'000; ++i)
            store.append(i, i == 777'777 ? 500.0 : 100.0, 1);
        const auto r = MinMaxReducer::reduce(store, 0, 999'999, 800);
        QVERIFY(r.points.size() <= 1601);
        QCOMPARE(r.maxPrice, 500.0);
        QVERIFY(std::any_of(r.points.begin(), r.points.end(),
                            [](const QPointF &p) { return p.x() == 777'777 && p.y() == 500; }));
    }

    void pointBeforeTheWindowLeadsIn()
    {
        SeriesStore store;
        store.append(0, 50, 1);
        for (int i = 0; i < 10; ++i)
            store.append(100 + i, 100, 1);
        const auto r = MinMaxReducer::reduce(store, 100, 109, 100);
        QCOMPARE(r.points.first(), QPointF(0, 50));
        QCOMPARE(r.minPrice, 100.0); // the lead-in point does not stretch the y range
    }

    void millionPointsReduceTime()
    {
        SeriesStore store;
        for (int i = 0; i < 1'000'000; ++i)
            store.append(i, std::sin(i / 1000.0), 1);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 10; ++i)
            MinMaxReducer::reduce(store, 0, 999'999, 1500);
        // Printed, not asserted (the machine is shared): the figure for the log.
        const double ms = double(timer.nsecsElapsed()) / 1e6 / 10;
        qInfo("reduce 1,000,000 ticks to 1500 columns: %.2f ms", ms);
    }
};

QTEST_GUILESS_MAIN(tst_MinMaxReducer)
#include "tst_minmaxreducer.moc"
