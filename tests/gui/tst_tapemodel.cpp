#include "TickBatch.h"
#include "models/TapeModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace tickscope;

namespace {
DetailColumns ticks(qint64 firstSeq, const QList<double> &prices)
{
    DetailColumns c;
    for (qsizetype i = 0; i < prices.size(); ++i) {
        c.seq.push_back(firstSeq + i);
        c.timeMs.push_back(1000.0 * double(firstSeq + i));
        c.price.push_back(prices[i]);
        c.size.push_back(0.5);
    }
    return c;
}
} // namespace

class tst_TapeModel : public QObject
{
    Q_OBJECT
private slots:
    void newestFirstWithDirections()
    {
        TapeModel tape(10);
        QAbstractItemModelTester tester(&tape);
        tape.push(ticks(1, {100, 101, 101, 99}));
        QCOMPARE(tape.rowCount(), 0); // nothing shows before the refresh
        QVERIFY(tape.commit());
        QCOMPARE(tape.rowCount(), 4);
        QCOMPARE(tape.row(0).seq, 4);
        QCOMPARE(tape.row(0).direction, -1);
        QCOMPARE(tape.row(1).direction, 1); // unchanged price keeps the last direction
        QCOMPARE(tape.row(2).direction, 1);
        QCOMPARE(tape.row(3).direction, 0); // the first tick has nothing to compare with
        QCOMPARE(tape.data(tape.index(0), TapeModel::PriceTextRole).toString(), u"99.00"_qs);
    }

    void boundedAtCapacity_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("batches");
        QTest::addColumn<int>("perBatch");
        QTest::newRow("small batches") << 50 << 40 << 7;
        QTest::newRow("one huge batch") << 50 << 1 << 100000;
        QTest::newRow("exactly full") << 20 << 2 << 10;
    }
    void boundedAtCapacity()
    {
        QFETCH(int, capacity);
        QFETCH(int, batches);
        QFETCH(int, perBatch);
        TapeModel tape(capacity);
        QAbstractItemModelTester tester(&tape);
        qint64 seq = 1;
        for (int b = 0; b < batches; ++b) {
            QList<double> prices;
            for (int i = 0; i < perBatch; ++i)
                prices.append(100 + (seq + i) % 7);
            tape.push(ticks(seq, prices));
            seq += perBatch;
            QVERIFY(tape.buffered() <= capacity);
            tape.commit();
            QVERIFY(tape.rowCount() <= capacity);
        }
        QCOMPARE(tape.rowCount(), std::min(capacity, batches * perBatch));
        // Newest first, contiguous.
        for (int i = 0; i < tape.rowCount(); ++i)
            QCOMPARE(tape.row(i).seq, seq - 1 - i);
    }

    void decimalsFollowThePrices()
    {
        TapeModel tape(10);
        tape.push(ticks(1, {1.08512}));
        tape.commit();
        QCOMPARE(tape.decimals(), 5);
        QCOMPARE(tape.data(tape.index(0), TapeModel::PriceTextRole).toString(), u"1.08512"_qs);
        tape.clear();
        QCOMPARE(tape.rowCount(), 0);
        QCOMPARE(tape.decimals(), 2);
    }
};

QTEST_GUILESS_MAIN(tst_TapeModel)
#include "tst_tapemodel.moc"
