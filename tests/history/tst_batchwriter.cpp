#include "history/BatchWriter.h"
#include "history/StoreThread.h"
#include "history/TickHistory.h"
#include "store/MemoryTickStore.h"
#include "store/SqliteTickStore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace tickscope;

// The write path on real stores and a real store thread: batching, q assignment,
// acknowledgements after commit, and refusal when full.
class tst_BatchWriter : public QObject
{
    Q_OBJECT
    static bool open(TickHistory &history)
    {
        bool opened = false;
        history.open([&](bool ok, const QString &) { opened = ok; });
        return QTest::qWaitFor([&] { return opened; });
    }

private slots:
    void batchesAndAcknowledges()
    {
        QTemporaryDir dir;
        StoreThread store(std::make_unique<SqliteTickStore>(dir.filePath(u"h.sqlite"_qs)));
        TickHistory history(&store, 1 << 20);
        QVERIFY(open(history));
        BatchWriter writer(&history, 20, 1000);
        QSignalSpy committed(&writer, &BatchWriter::committed);

        QList<TickList> acked;
        for (int i = 0; i < 3; ++i) {
            TickList ticks{{u"A"_qs, 0, 100 + i, 1.0 + i, 1}, {u"B"_qs, 0, -1, 2.0, 0}};
            QVERIFY(writer.submit(ticks, [&](bool ok, const TickList &done, const QString &) {
                QVERIFY(ok);
                acked.append(done);
            }));
        }
        QTRY_COMPARE(acked.size(), 3);
        // All three submits fell in one flush window: one batch, one commit.
        QCOMPARE(committed.size(), 1);
        QCOMPARE(acked[0][0].seq, 1);
        QCOMPARE(acked[2][0].seq, 3);
        QCOMPARE(acked[2][1].seq, 3);
        QVERIFY(acked[0][1].timeUs > 0); // stamped at receipt
        QCOMPARE(history.state(u"A"_qs)->lastSeq, 3);
        QCOMPARE(history.state(u"A"_qs)->lastPrice, 3.0);
    }

    // With a window far longer than the test's timeouts, only the idle-store rule can
    // get these ticks written: a writer that waited its window would fail here.
    void idleStoreWritesWithoutWaitingAWindow()
    {
        QTemporaryDir dir;
        StoreThread store(std::make_unique<SqliteTickStore>(dir.filePath(u"h.sqlite"_qs)));
        TickHistory history(&store, 1 << 20);
        QVERIFY(open(history));
        BatchWriter writer(&history, 60'000, 1000);
        QSignalSpy committed(&writer, &BatchWriter::committed);

        int acked = 0;
        const auto ack = [&](bool ok, const TickList &, const QString &) {
            QVERIFY(ok);
            ++acked;
        };
        QVERIFY(writer.submit({{u"A"_qs, 0, 1, 1.0, 1.0}}, ack));
        QTRY_COMPARE(acked, 1);
        QCOMPARE(committed.size(), 1);

        // Ticks that arrive while a write is in flight gather behind it and go out as
        // one batch as soon as it returns, not a window later.
        QVERIFY(writer.submit({{u"A"_qs, 0, 2, 2.0, 1.0}}, ack));
        QCoreApplication::processEvents(); // the write of tick 2 starts
        QVERIFY(writer.submit({{u"A"_qs, 0, 3, 3.0, 1.0}}, ack));
        QVERIFY(writer.submit({{u"A"_qs, 0, 4, 4.0, 1.0}}, ack));
        QTRY_COMPARE(acked, 4);
        QCOMPARE(history.state(u"A"_qs)->lastSeq, 4);
        QVERIFY(committed.size() <= 3);
    }

    void refusesWhenFull()
    {
        StoreThread store(std::make_unique<MemoryTickStore>());
        TickHistory history(&store, 1 << 20);
        QVERIFY(open(history));
        BatchWriter writer(&history, 1000, 10);
        TickList eight(8, Tick{u"A"_qs, 0, 1, 1.0, 1.0});
        QVERIFY(writer.submit(eight));
        QVERIFY(!writer.submit(TickList(3, Tick{u"A"_qs, 0, 1, 1.0, 1.0})));
        QVERIFY(writer.isFull() == false);
        bool drained = false;
        writer.drain([&] { drained = true; });
        QTRY_VERIFY(drained);
        QCOMPARE(history.state(u"A"_qs)->lastSeq, 8);
    }

    void failedWriteIsNotVisible()
    {
        QTemporaryDir dir;
        auto sqlite = std::make_unique<SqliteTickStore>(dir.filePath(u"h.sqlite"_qs));
        SqliteTickStore *raw = sqlite.get();
        StoreThread store(std::move(sqlite));
        TickHistory history(&store, 1 << 20);
        QVERIFY(open(history));
        // Make the store refuse writes (run on the store thread, in order).
        bool blocked = false;
        TickList none;
        store.read(u"A"_qs, 1, 1, this, [&](StoreThread::ReadResult) { blocked = true; });
        QTRY_VERIFY(blocked);
        QString error;
        QVERIFY(raw->executeForTesting(u"PRAGMA query_only=1"_qs, &error));

        BatchWriter writer(&history, 1, 100);
        QSignalSpy committed(&writer, &BatchWriter::committed);
        bool acked = false;
        bool okResult = true;
        writer.submit({{u"A"_qs, 0, 1, 1.0, 1.0}}, [&](bool ok, const TickList &, const QString &) {
            acked = true;
            okResult = ok;
        });
        QTRY_VERIFY(acked);
        QVERIFY(!okResult);
        QCOMPARE(committed.size(), 0);
        QVERIFY(!history.state(u"A"_qs));
        QVERIFY(writer.lastWriteFailed());
    }
};

QTEST_GUILESS_MAIN(tst_BatchWriter)
#include "tst_batchwriter.moc"
