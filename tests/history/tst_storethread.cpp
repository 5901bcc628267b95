#include "history/StoreReadAhead.h"
#include "history/StoreThread.h"
#include "store/SqliteTickStore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tickscope;

// Reads through the store thread on a real SQLite store: paged catch-up with the read-ahead
// returns exactly what the store holds, also while ticks are still being appended; and the
// read-ahead cache itself (which pages it reads, what it keeps, across epochs).
class tst_StoreThread : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_files = 0;

    std::unique_ptr<StoreThread> openStore()
    {
        auto store = std::make_unique<StoreThread>(
            std::make_unique<SqliteTickStore>(m_dir.filePath(u"h%1.sqlite"_qs.arg(++m_files))));
        bool opened = false;
        store->open(this, [&](const StoreThread::OpenResult &result) {
            QVERIFY2(result.ok, qPrintable(result.error));
            opened = true;
        });
        [&] { QTRY_VERIFY(opened); }();
        return store;
    }

    static void append(StoreThread *store, const QString &symbol, int count)
    {
        TickList ticks;
        for (int i = 0; i < count; ++i)
            ticks.append(Tick{symbol, 0, 1'000'000 + i, 100.0 + i * 0.25, 1.0 + i});
        bool done = false;
        store->append(ticks, store, [&](const StoreThread::AppendResult &result) {
            QVERIFY2(result.ok, qPrintable(result.error));
            done = true;
        });
        [&] { QTRY_VERIFY(done); }();
    }

    static StoreThread::ReadResult read(StoreThread *store, const QString &symbol, qint64 from,
                                        int limit)
    {
        std::optional<StoreThread::ReadResult> page;
        store->read(symbol, from, limit, store,
                    [&](StoreThread::ReadResult result) { page = std::move(result); });
        [&] { QTRY_VERIFY(page); }();
        return page.value_or(StoreThread::ReadResult{});
    }

    // Pages from q 1 until a page comes back empty: the ticks' JSON joined, and q checked
    // to be contiguous.
    static QByteArray catchUp(StoreThread *store, const QString &symbol, int limit, int *pages)
    {
        QByteArray json;
        qint64 next = 1;
        *pages = 0;
        for (;;) {
            const StoreThread::ReadResult page = read(store, symbol, next, limit);
            if (!page.ok || page.count == 0)
                break;
            if (page.firstSeq != next || page.lastSeq != next + page.count - 1)
                return "not contiguous at q " + QByteArray::number(next);
            json += (json.isEmpty() ? "" : ",") + page.json;
            next = page.lastSeq + 1;
            ++*pages;
        }
        return json;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void catchUpReturnsTheStore_data()
    {
        QTest::addColumn<int>("ticks");
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("pages");
        QTest::newRow("one page, short") << 5 << 10 << 1;
        QTest::newRow("exactly one page") << 10 << 10 << 1;
        QTest::newRow("pages of one") << 7 << 1 << 7;
        QTest::newRow("many pages") << 1000 << 64 << 16;
        QTest::newRow("more pages than the cache") << 500 << 10 << 50;
    }
    void catchUpReturnsTheStore()
    {
        QFETCH(int, ticks);
        QFETCH(int, limit);
        QFETCH(int, pages);
        const auto store = openStore();
        append(store.get(), u"A"_qs, ticks);
        append(store.get(), u"B"_qs, 3);
        const StoreThread::ReadResult all = read(store.get(), u"A"_qs, 1, ticks + 1);
        QCOMPARE(all.count, ticks);
        int read = 0;
        QCOMPARE(catchUp(store.get(), u"A"_qs, limit, &read), all.json);
        QCOMPARE(read, pages);
        // Again: now partly from the read-ahead, with the same result.
        QCOMPARE(catchUp(store.get(), u"A"_qs, limit, &read), all.json);
        QCOMPARE(read, pages);
    }

    void ticksAppendedDuringACatchUpAreRead()
    {
        const auto store = openStore();
        append(store.get(), u"A"_qs, 15);
        // A full page: the next page (q 11..15, short) is read ahead.
        QCOMPARE(read(store.get(), u"A"_qs, 1, 10).lastSeq, 10);
        append(store.get(), u"A"_qs, 10);
        // The page read ahead may be short, never wrong; the pages after it bring the rest.
        qint64 next = 11;
        for (int guard = 0; next <= 25 && guard < 10; ++guard) {
            const StoreThread::ReadResult page = read(store.get(), u"A"_qs, next, 10);
            QVERIFY(page.ok);
            QCOMPARE(page.firstSeq, next);
            next = page.lastSeq + 1;
        }
        QCOMPARE(next, 26);
        // An empty page is not kept: ticks appended after it are seen.
        QCOMPARE(read(store.get(), u"A"_qs, 26, 10).count, 0);
        append(store.get(), u"A"_qs, 2);
        QCOMPARE(read(store.get(), u"A"_qs, 26, 10).count, 2);
    }

    void nextPage_data()
    {
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("limit");
        QTest::addColumn<qint64>("expected"); // 0: no page after it
        QTest::newRow("full") << true << 10 << 10 << qint64(21);
        QTest::newRow("short: the end of the history") << true << 9 << 10 << qint64(0);
        QTest::newRow("empty") << true << 0 << 10 << qint64(0);
        QTest::newRow("failed") << false << 10 << 10 << qint64(0);
        QTest::newRow("no limit") << true << 0 << 0 << qint64(0);
    }
    void nextPage()
    {
        QFETCH(bool, ok);
        QFETCH(int, count);
        QFETCH(int, limit);
        QFETCH(qint64, expected);
        StoreThread::ReadResult page;
        page.ok = ok;
        page.count = count;
        page.firstSeq = count > 0 ? 11 : 0;
        page.lastSeq = count > 0 ? 10 + count : 0;
        const auto next = StoreReadAhead::next(u"e1"_qs, u"A"_qs, limit, page);
        QCOMPARE(next ? next->fromSeq : 0, expected);
        if (next)
            QCOMPARE(*next, (StoreReadAhead::Key{u"e1"_qs, u"A"_qs, expected, limit}));
    }

    void cacheKeepsTheRecentlyUsedPages()
    {
        StoreReadAhead cache;
        const auto key = [](qint64 from) {
            return StoreReadAhead::Key{u"e1"_qs, u"A"_qs, from, 10};
        };
        const auto page = [](qint64 from) {
            StoreThread::ReadResult result;
            result.ok = true;
            result.count = 10;
            result.firstSeq = from;
            result.lastSeq = from + 9;
            result.json = "page " + QByteArray::number(from);
            return result;
        };
        for (qint64 i = 0; i < qint64(StoreReadAhead::MaxPages); ++i)
            cache.put(key(1 + 10 * i), page(1 + 10 * i));
        QCOMPARE(cache.find(key(1))->json, QByteArray("page 1")); // now the most recent
        cache.put(key(1000), page(1000));                         // evicts q 11, not q 1
        QVERIFY(cache.contains(key(1)));
        QVERIFY(!cache.contains(key(11)));
        QVERIFY(cache.contains(key(1000)));
        // Another epoch, symbol or limit is another page.
        QVERIFY(!cache.find({u"e2"_qs, u"A"_qs, 1, 10}));
        QVERIFY(!cache.find({u"e1"_qs, u"B"_qs, 1, 10}));
        QVERIFY(!cache.find({u"e1"_qs, u"A"_qs, 1, 11}));
        cache.clear();
        QVERIFY(!cache.contains(key(1)));
    }
};

QTEST_GUILESS_MAIN(tst_StoreThread)
#include "tst_storethread.moc"
