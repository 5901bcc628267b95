// The TickStore contract (the cases of tests/store/TickStoreConformance.h) run against Redis,
// on one server ("redis") and on a three-master Redis Cluster ("redis-cluster"), then what only
// a shared store has: restarts of Redis, several writers, outages, partial failures.
#include "RedisServerProcess.h"
#include "TickStoreConformance.h"
#include "redis/RedisNotifier.h"
#include "redis/RedisTickStore.h"
#include "store/MemoryTickStore.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace tickscope;

class tst_RedisTickStore : public TickStoreConformance
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<test::RedisServerProcess> m_server;
    std::unique_ptr<test::RedisClusterProcess> m_cluster;
    // Each test gets keys of its own, so no test sees another's data.
    QString m_prefix;
    int m_testNumber = 0;

    QString urlOf(const QString &backend) const
    {
        return backend == u"redis-cluster" ? m_cluster->url() : m_server->url();
    }

    std::unique_ptr<RedisTickStore> makeRedis(const QString &backend, const QString &prefix,
                                              RedisStoreOptions options = {})
    {
        options.keyPrefix = prefix;
        QString error;
        auto store = RedisTickStore::fromUrl(urlOf(backend), &error, options);
        if (!store)
            qWarning("bad url: %s", qPrintable(error));
        return store;
    }

    QStringList backends() const override { return {u"redis"_qs, u"redis-cluster"_qs}; }

    std::unique_ptr<TickStore> make(const QString &backend) override
    {
        return makeRedis(backend, m_prefix);
    }

    // Another key prefix is another history.
    std::unique_ptr<TickStore> makeOther(const QString &backend) override
    {
        return makeRedis(backend, m_prefix + u"-other"_qs);
    }

    QString expectedKind(const QString &) const override { return u"redis"_qs; }

private slots:
    void initTestCase()
    {
        if (!test::haveRedis())
            QSKIP("redis-server and redis-cli are not installed");
        QString error;
        m_server = std::make_unique<test::RedisServerProcess>();
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_cluster = std::make_unique<test::RedisClusterProcess>();
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
    }
    void cleanupTestCase()
    {
        m_cluster.reset();
        m_server.reset();
    }
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_prefix = u"t%1"_qs.arg(++m_testNumber);
    }
    void cleanup() { m_dir.reset(); }

    // ---- what only a shared store has -------------------------------------------------------

    void epochIsSharedAndSurvivesEveryStore()
    {
        auto a = makeRedis(u"redis"_qs, m_prefix);
        auto b = makeRedis(u"redis"_qs, m_prefix);
        QVERIFY(a->open(nullptr));
        QVERIFY(b->open(nullptr));
        QCOMPARE(b->epoch(), a->epoch());
        const QString epoch = a->epoch();
        a.reset();
        b.reset();
        auto c = makeRedis(u"redis"_qs, m_prefix);
        QVERIFY(c->open(nullptr));
        QCOMPARE(c->epoch(), epoch);
    }

    void openRefusesSymbolsWithoutEpoch()
    {
        m_server->cli({u"SADD"_qs, m_prefix + u":symbols"_qs, u"X"_qs});
        auto store = makeRedis(u"redis"_qs, m_prefix);
        QString error;
        QVERIFY(!store->open(&error));
        QVERIFY2(error.contains(u"no epoch"_qs), qPrintable(error));
        QVERIFY2(error.contains(m_server->url().section(u'/', 0, 2)), qPrintable(error));
        QVERIFY(!store->isAvailable());
    }

    void aofRestartKeepsEveryAcknowledgedTick()
    {
        test::RedisServerProcess server({true, false});
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        auto store = RedisTickStore::fromUrl(server.url(), &error);
        QVERIFY2(store->open(&error), qPrintable(error));
        const QString epoch = store->epoch();
        TickList acknowledged;
        for (int b = 0; b < 20; ++b) {
            TickList batch;
            for (int i = 0; i < 100; ++i) {
                const int k = b * 100 + i;
                batch.append(tick(u"S%1"_qs.arg(k % 3), k, k * 0.1, 1.0 / (k + 1)));
            }
            QVERIFY2(store->append(batch, &error), qPrintable(error));
            acknowledged += batch;
        }
        server.kill(); // a crash: no shutdown, no final write
        QVERIFY2(server.start(&error), qPrintable(error));
        auto reopened = RedisTickStore::fromUrl(server.url(), &error);
        QVERIFY2(reopened->open(&error), qPrintable(error));
        QCOMPARE(reopened->epoch(), epoch);
        TickList back;
        for (int s = 0; s < 3; ++s)
            back += readAll(*reopened, u"S%1"_qs.arg(s));
        std::sort(back.begin(), back.end(),
                  [](const Tick &a, const Tick &b) { return a.timeUs < b.timeUs; });
        QCOMPARE(back, acknowledged);
        TickList next{tick(u"S0"_qs, 99999, 1.0)};
        QVERIFY2(reopened->append(next, &error), qPrintable(error));
        QCOMPARE(next.first().seq, 668); // 2000 ticks: S0 had k = 0, 3, ..., 1998
    }

    void twoStoresShareQ_data() { addBackends(); }
    void twoStoresShareQ()
    {
        QFETCH(QString, backend);
        // Two "servers" on one Redis: interleaved appends give each symbol one contiguous q.
        auto a = makeRedis(backend, m_prefix);
        auto b = makeRedis(backend, m_prefix);
        QVERIFY(a->open(nullptr));
        QVERIFY(b->open(nullptr));
        QVERIFY(a->writerId() != b->writerId());
        QHash<QString, QList<qint64>> seen; // symbol -> every q handed out
        QHash<qint64, Tick> byTime;
        qint64 t = 0;
        for (int round = 0; round < 40; ++round) {
            for (TickStore *store :
                 {static_cast<TickStore *>(a.get()), static_cast<TickStore *>(b.get())}) {
                TickList batch;
                for (int i = 0; i < 5; ++i) {
                    ++t;
                    batch.append(tick(i % 2 ? u"X"_qs : u"Y"_qs, t, double(t)));
                }
                QString error;
                QVERIFY2(store->append(batch, &error), qPrintable(error));
                for (const Tick &k : std::as_const(batch)) {
                    seen[k.symbol].append(k.seq);
                    byTime.insert(k.timeUs, k);
                }
            }
        }
        for (const QString &symbol : {u"X"_qs, u"Y"_qs}) {
            QList<qint64> qs = seen.value(symbol);
            std::sort(qs.begin(), qs.end());
            for (int i = 0; i < qs.size(); ++i)
                QCOMPARE(qs.at(i), qint64(i + 1)); // contiguous, none twice
            // Either store reads what both wrote.
            const TickList all = readAll(*a, symbol);
            QCOMPARE(all.size(), qs.size());
            for (const Tick &k : all)
                QCOMPARE(k, byTime.value(k.timeUs));
            QCOMPARE(b->symbol(symbol)->lastSeq, qint64(qs.size()));
        }
        QCOMPARE(a->symbols(), b->symbols());
    }

    void manyStoresOpeningTogetherAgreeOnEpoch()
    {
        std::vector<std::unique_ptr<RedisTickStore>> stores;
        for (int i = 0; i < 5; ++i)
            stores.push_back(makeRedis(u"redis"_qs, m_prefix));
        for (auto &store : stores)
            QVERIFY(store->open(nullptr));
        for (auto &store : stores)
            QCOMPARE(store->epoch(), stores.front()->epoch());
    }

    void redisDownFailsFastAndRecovers()
    {
        test::RedisServerProcess server({true, false});
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        qint64 now = 1'000'000; // an injected clock: the test never waits for a backoff
        RedisStoreOptions options;
        options.backoff = {100, 1000};
        options.breaker = {2, 5000, 1};
        options.clock = [&now] { return now; };
        auto store = RedisTickStore::fromUrl(server.url(), &error, options);
        QVERIFY2(store->open(&error), qPrintable(error));
        TickList first{tick(u"X"_qs, 1, 1.0)};
        QVERIFY2(store->append(first, &error), qPrintable(error));
        QVERIFY(store->isAvailable());
        QVERIFY(store->redisUp());

        server.kill();
        TickList batch{tick(u"X"_qs, 2, 2.0)};
        QVERIFY(!store->append(batch, &error));
        QVERIFY2(error.contains(u"redis unavailable"_qs), qPrintable(error));
        QVERIFY2(error.contains(u"retry in"_qs), qPrintable(error));
        QCOMPARE(batch.first().seq, 0);
        QVERIFY(!store->isAvailable());
        QVERIFY(!store->redisUp());
        // The breaker is open now: no connection attempt at all, an error at once.
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!store->append(batch, &error));
            QVERIFY2(error.contains(u"retry in"_qs), qPrintable(error));
            TickList out;
            QVERIFY(!store->read(u"X"_qs, 1, 10, &out, &error));
            QVERIFY2(error.contains(u"redis unavailable"_qs), qPrintable(error));
        }
        QVERIFY(!store->isAvailable());

        // Redis is back; the store tries again once the breaker lets it, by itself.
        QVERIFY2(server.start(&error), qPrintable(error));
        QVERIFY(!store->append(batch, &error)); // still within the open period
        now += 10'000;
        QVERIFY2(store->append(batch, &error), qPrintable(error));
        QCOMPARE(batch.first().seq, 2);
        QVERIFY(store->isAvailable());
        QVERIFY(store->redisUp());
        QCOMPARE(readAll(*store, u"X"_qs).size(), 2);
    }

    void partialFailureIsReportedAndRetryCompletesIt()
    {
        auto store = makeRedis(u"redis"_qs, m_prefix);
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        TickList start{tick(u"A"_qs, 1, 1.0), tick(u"B"_qs, 2, 1.0), tick(u"C"_qs, 3, 1.0)};
        QVERIFY2(store->append(start, &error), qPrintable(error));
        // B's script fails on its first command (a key of the wrong type), before any write.
        m_server->cli({u"SET"_qs, m_prefix + u":{B}:writers"_qs, u"junk"_qs});
        TickList batch{tick(u"A"_qs, 10, 2.0), tick(u"B"_qs, 11, 2.0), tick(u"C"_qs, 12, 2.0),
                       tick(u"A"_qs, 13, 3.0), tick(u"B"_qs, 14, 3.0), tick(u"C"_qs, 15, 3.0)};
        const TickList original = batch;
        QVERIFY(!store->append(batch, &error));
        QVERIFY2(error.contains(u"stored only part"_qs), qPrintable(error));
        QVERIFY2(error.contains(u"A q 2..3"_qs), qPrintable(error));
        QVERIFY2(error.contains(u"B: WRONGTYPE"_qs), qPrintable(error));
        QCOMPARE(batch, original); // no q handed out
        const QList<RedisTickStore::StoredRange> stored{{u"A"_qs, 2, 3}, {u"C"_qs, 2, 3}};
        QCOMPARE(store->lastPartialWrite(), stored);

        // Repaired, the same batch again: A and C are not written twice, B is written.
        m_server->cli({u"DEL"_qs, m_prefix + u":{B}:writers"_qs});
        QVERIFY2(store->append(batch, &error), qPrintable(error));
        QVERIFY(store->lastPartialWrite().isEmpty());
        const QList<qint64> seqs{2, 2, 2, 3, 3, 3};
        for (int i = 0; i < batch.size(); ++i)
            QCOMPARE(batch.at(i).seq, seqs.at(i));
        for (const QString &symbol : {u"A"_qs, u"B"_qs, u"C"_qs}) {
            const TickList all = readAll(*store, symbol);
            QCOMPARE(all.size(), 3);
            QCOMPARE(all.at(1).price, 2.0);
            QCOMPARE(all.at(2).price, 3.0);
        }
        // A new batch is a new batch, even right after a retry.
        TickList again = original;
        QVERIFY2(store->append(again, &error), qPrintable(error));
        QCOMPARE(again.first().seq, 4);
    }

    void readPagesLongHistories()
    {
        RedisStoreOptions options;
        options.readPageSize = 7;
        auto store = makeRedis(u"redis"_qs, m_prefix, options);
        QVERIFY(store->open(nullptr));
        QVERIFY(appendSeries(*store, u"X"_qs, 50, 1));
        const TickList all = readAll(*store, u"X"_qs);
        QCOMPARE(all.size(), 50);
        for (int i = 0; i < all.size(); ++i)
            QCOMPARE(all.at(i).seq, qint64(i + 1));
        TickList page;
        QVERIFY(store->read(u"X"_qs, 20, 13, &page, nullptr));
        QCOMPARE(page.size(), 13);
        QCOMPARE(page.first().seq, 20);
        QCOMPARE(page.last().seq, 32);
    }

    // A batch is stored as entries of up to TicksPerEntry ticks; reads start and end inside
    // them and page across them.
    void readsInsideEntries_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<qint64>("from");
        QTest::addColumn<int>("limit");
        for (const QString &backend : backends()) {
            const QByteArray b = backend.toUtf8();
            QTest::newRow(b + ": from inside the first entry")
                << backend << 300 << 100 << 5LL << 40;
            QTest::newRow(b + ": across two entries") << backend << 300 << 1000 << 250LL << 20;
            QTest::newRow(b + ": pages smaller than entries") << backend << 700 << 7 << 3LL << 600;
            QTest::newRow(b + ": to the end") << backend << 1000 << 64 << 990LL << 100;
            QTest::newRow(b + ": past the end") << backend << 1000 << 64 << 1500LL << 10;
            QTest::newRow(b + ": one-tick batches") << backend << 1 << 3 << 2LL << 6;
        }
    }
    void readsInsideEntries()
    {
        QFETCH(QString, backend);
        QFETCH(int, batch);
        QFETCH(int, pageSize);
        QFETCH(qint64, from);
        QFETCH(int, limit);
        RedisStoreOptions options;
        options.readPageSize = pageSize;
        auto store = makeRedis(backend, m_prefix, options);
        QVERIFY(store->open(nullptr));
        const int total = 1000;
        for (int start = 1; start <= total; start += batch) {
            TickList ticks;
            for (int i = start; i < std::min(total + 1, start + batch); ++i)
                ticks.append(tick(u"X"_qs, 1'000 + i, 100.0 + i / 8.0, i));
            QString error;
            QVERIFY2(store->append(ticks, &error), qPrintable(error));
        }
        TickList page;
        QString error;
        QVERIFY2(store->read(u"X"_qs, from, limit, &page, &error), qPrintable(error));
        const qint64 expected = std::clamp<qint64>(total - from + 1, 0, limit);
        QCOMPARE(page.size(), expected);
        for (qsizetype k = 0; k < page.size(); ++k) {
            const qint64 q = from + k;
            QCOMPARE(page.at(k).seq, q);
            QCOMPARE(page.at(k).timeUs, 1'000 + q);
            QCOMPARE(page.at(k).price, 100.0 + double(q) / 8.0);
            QCOMPARE(page.at(k).size, double(q));
        }
        if (backend == u"redis") {
            // One entry per batch, split at TicksPerEntry.
            const int perBatch = int((qMin(batch, total) + RedisTickStore::TicksPerEntry - 1) /
                                     RedisTickStore::TicksPerEntry);
            const int batches = (total + batch - 1) / batch;
            const int lastBatch = total - (batches - 1) * batch;
            const int entries =
                (batches - 1) * perBatch + int((lastBatch + RedisTickStore::TicksPerEntry - 1) /
                                               RedisTickStore::TicksPerEntry);
            QCOMPARE(m_server->cli({u"XLEN"_qs, m_prefix + u":{X}:ticks"_qs}).trimmed(),
                     QString::number(entries));
        }
    }

    // Batches of random sizes (entries of 1 to 256 ticks, batches split across entries),
    // times mostly rising and sometimes far back, trimmed by random policies: the cuts fall
    // anywhere inside entries. Every round is compared with the memory store.
    void randomBatchesTrimLikeMemoryStore_data() { addBackends(); }
    void randomBatchesTrimLikeMemoryStore()
    {
        QFETCH(QString, backend);
        RedisStoreOptions options;
        options.trimScanBudget = 256;
        options.readPageSize = 97;
        auto redis = makeRedis(backend, m_prefix, options);
        QVERIFY(redis->open(nullptr));
        MemoryTickStore memory;
        QVERIFY(memory.open(nullptr));
        QRandomGenerator random(7);
        qint64 now = 1'000'000;
        for (int round = 0; round < 40; ++round) {
            TickList batch;
            const int size = random.bounded(1, 700);
            for (int i = 0; i < size; ++i) {
                now += random.bounded(0, 5);
                const qint64 t = random.bounded(0, 20) == 0 ? now - random.bounded(0, 4000) : now;
                batch.append(tick(random.bounded(0, 3) ? u"X"_qs : u"Y"_qs, t, double(i) / 4));
            }
            TickList same = batch;
            QString error;
            QVERIFY2(redis->append(batch, &error), qPrintable(error));
            QVERIFY(memory.append(same, nullptr));
            const RetentionPolicy policy{random.bounded(0, 3) ? random.bounded(0, 900) : 0,
                                         random.bounded(0, 3) ? random.bounded(1, 3000) : 0};
            const qint64 removed = redis->trim(policy, now, &error);
            QVERIFY2(removed >= 0, qPrintable(error));
            QCOMPARE(removed, memory.trim(policy, now, nullptr));
            QCOMPARE(redis->symbols(), memory.symbols());
            for (const QString &symbol : {u"X"_qs, u"Y"_qs}) {
                QCOMPARE(readAll(*redis, symbol), readAll(memory, symbol));
                const auto state = memory.symbol(symbol);
                if (!state || state->firstSeq == 0)
                    continue;
                // A read from before the first retained q starts at it.
                TickList page;
                QVERIFY(redis->read(symbol, 1, 5, &page, nullptr));
                TickList expected;
                QVERIFY(memory.read(symbol, 1, 5, &expected, nullptr));
                QCOMPARE(page, expected);
            }
        }
    }

    // Histories of the two earlier layouts (docs/redis.md) are read, continued (in the
    // current one) and trimmed like new ones; checked against the memory store.
    void olderLayoutsStillWork_data()
    {
        QTest::addColumn<int>("ticksPerEntry");
        QTest::newRow("one tick per entry (t, p, v)") << 1;
        QTest::newRow("entries with whole times (d)") << 8;
    }
    void olderLayoutsStillWork()
    {
        QFETCH(int, ticksPerEntry);
        auto redis = makeRedis(u"redis"_qs, m_prefix);
        QVERIFY(redis->open(nullptr));
        MemoryTickStore memory;
        QVERIFY(memory.open(nullptr));
        const QString ticksKey = m_prefix + u":{X}:ticks"_qs;
        TickList old;
        qint64 maxT = 0;
        for (int q = 1; q <= 40; ++q) {
            const qint64 t = q % 5 == 0 ? 10 * q - 35 : 10 * q; // some go backwards
            old.append(tick(u"X"_qs, t, 1.0 + q / 4.0, q));
        }
        for (qsizetype start = 0; start < old.size(); start += ticksPerEntry) {
            const TickList entry = old.mid(start, ticksPerEntry);
            const qint64 before = maxT;
            qint64 largest = entry.first().timeUs;
            QStringList data;
            for (const Tick &t : entry) {
                largest = std::max(largest, t.timeUs);
                data << QString::number(t.timeUs) << QString::number(t.price, 'g', 17)
                     << QString::number(t.size);
            }
            maxT = std::max(maxT, largest);
            QStringList args{u"XADD"_qs, ticksKey, u"%1-0"_qs.arg(start + entry.size())};
            if (ticksPerEntry == 1) {
                args << u"t"_qs << data[0] << u"p"_qs << data[1] << u"v"_qs << data[2];
                if (maxT != entry.first().timeUs)
                    args << u"m"_qs << QString::number(maxT);
            } else {
                args << u"n"_qs << QString::number(entry.size());
                if (start > 0)
                    args << u"b"_qs << QString::number(before);
                args << u"x"_qs << QString::number(largest) << u"m"_qs << QString::number(maxT)
                     << u"d"_qs << data.join(u' ');
            }
            QVERIFY(!m_server->cli(args).isEmpty());
        }
        m_server->cli({u"HSET"_qs, m_prefix + u":{X}:meta"_qs, u"first_seq"_qs, u"1"_qs,
                       u"last_seq"_qs, u"40"_qs, u"last_t"_qs, QString::number(old.last().timeUs),
                       u"last_p"_qs, u"11"_qs, u"max_t"_qs, QString::number(maxT), u"epoch"_qs,
                       redis->epoch()});
        m_server->cli({u"SADD"_qs, m_prefix + u":symbols"_qs, u"X"_qs});
        QVERIFY(memory.append(old, nullptr));

        auto store = makeRedis(u"redis"_qs, m_prefix);
        QVERIFY(store->open(nullptr));
        QCOMPARE(readAll(*store, u"X"_qs), readAll(memory, u"X"_qs));
        TickList page;
        QVERIFY(store->read(u"X"_qs, 38, 10, &page, nullptr));
        QCOMPARE(page.size(), 3);
        QCOMPARE(page.first().seq, 38);

        qint64 now = 400;
        // The first age cut (t < 365) falls inside the last old entry (q 33-40).
        const QList<RetentionPolicy> policies{{0, 125}, {60, 0}, {45, 120}, {0, 60}};
        for (const RetentionPolicy &policy : policies) {
            TickList batch;
            for (int i = 0; i < 30; ++i) {
                now += 3;
                batch.append(tick(u"X"_qs, i % 7 == 0 ? now - 100 : now, double(i)));
            }
            TickList same = batch;
            QString error;
            QVERIFY2(store->append(batch, &error), qPrintable(error));
            QVERIFY(memory.append(same, nullptr));
            QCOMPARE(batch.first().seq, same.first().seq);
            const qint64 removed = store->trim(policy, now, &error);
            QVERIFY2(removed >= 0, qPrintable(error));
            QCOMPARE(removed, memory.trim(policy, now, nullptr));
            QCOMPARE(store->symbols(), memory.symbols());
            QCOMPARE(readAll(*store, u"X"_qs), readAll(memory, u"X"_qs));
        }
    }

    // An entry that is not what the layout says is reported with its id, not read as ticks.
    void malformedEntryIsAnError_data()
    {
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("fewer ticks than n") << QStringList{
            u"n"_qs, u"3"_qs, u"x"_qs, u"5"_qs, u"m"_qs, u"5"_qs, u"d"_qs, u"4 1.5 1 5 1.5 1"_qs};
        QTest::newRow("not a number") << QStringList{u"n"_qs, u"1"_qs, u"x"_qs, u"5"_qs,
                                                     u"m"_qs, u"5"_qs, u"d"_qs, u"5 one 1"_qs};
        QTest::newRow("empty data")
            << QStringList{u"n"_qs, u"1"_qs, u"x"_qs, u"5"_qs, u"m"_qs, u"5"_qs, u"d"_qs, u""_qs};
        QTest::newRow("cut inside a tick") << QStringList{
            u"n"_qs, u"2"_qs, u"x"_qs, u"5"_qs, u"m"_qs, u"5"_qs, u"d"_qs, u"4 1.5 1 5 "_qs};
        QTest::newRow("n is zero") << QStringList{u"n"_qs, u"0"_qs, u"d"_qs, u""_qs};
        QTest::newRow("e: fewer ticks than n") << QStringList{
            u"n"_qs, u"3"_qs, u"x"_qs, u"5"_qs, u"m"_qs, u"5"_qs, u"e"_qs, u"4 1.5 1 1 1.5 1"_qs};
        QTest::newRow("e: a step past the range of t")
            << QStringList{u"n"_qs, u"2"_qs, u"x"_qs, u"5"_qs,
                           u"m"_qs, u"5"_qs, u"e"_qs, u"9223372036854775807 1.5 1 1 1.5 1"_qs};
        QTest::newRow("no tick") << QStringList{u"a"_qs, u"b"_qs};
    }
    void malformedEntryIsAnError()
    {
        QFETCH(QStringList, fields);
        auto store = makeRedis(u"redis"_qs, m_prefix);
        QVERIFY(store->open(nullptr));
        QVERIFY(appendSeries(*store, u"X"_qs, 2, 1));
        m_server->cli(QStringList{u"XADD"_qs, m_prefix + u":{X}:ticks"_qs, u"9-0"_qs} + fields);
        m_server->cli({u"HSET"_qs, m_prefix + u":{X}:meta"_qs, u"last_seq"_qs, u"9"_qs});
        TickList page;
        QString error;
        QVERIFY(!store->read(u"X"_qs, 1, 100, &page, &error));
        QVERIFY2(error.contains(u"entry 9-0"_qs) && error.contains(u":{X}:ticks"_qs),
                 qPrintable(error));
        QVERIFY(page.isEmpty());
        QVERIFY(store->read(u"X"_qs, 1, 2, &page, &error)); // before it: fine
        QCOMPARE(page.size(), 2);
    }

    // The age cut when times go backwards, checked against the memory store: the binary search
    // on the running maximum, and the bounded scan when a young tick precedes the count cut.
    void trimMatchesMemoryStore_data() { addBackends(); }
    void trimMatchesMemoryStore()
    {
        QFETCH(QString, backend);
        RedisStoreOptions options;
        options.trimScanBudget = 256; // forces several scan rounds below
        auto redis = makeRedis(backend, m_prefix, options);
        QVERIFY(redis->open(nullptr));
        MemoryTickStore memory;
        QVERIFY(memory.open(nullptr));
        QRandomGenerator random(42);
        qint64 now = 10'000;
        // A tick from the future (young at every trim), then 700 old ones, then young ones:
        // once the count cut passes the first, only a scan of t finds the age cut.
        TickList opening{tick(u"X"_qs, 1'000'000'000, 1.0)};
        for (int i = 0; i < 700; ++i)
            opening.append(tick(u"X"_qs, i, 1.0));
        opening.append(tick(u"X"_qs, 9'800, 1.0));
        TickList copy = opening;
        QVERIFY(redis->append(opening, nullptr));
        QVERIFY(memory.append(copy, nullptr));
        const QList<RetentionPolicy> policies{{701, 1'000}, {0, 1'000}, {50, 0}, {0, 300}};
        for (int round = 0; round < 12; ++round) {
            TickList batch;
            for (int i = 0; i < 150; ++i) {
                now += random.bounded(0, 20);
                // Mostly in order, sometimes far back.
                const qint64 t = random.bounded(0, 10) == 0 ? now - random.bounded(0, 3000) : now;
                batch.append(tick(u"X"_qs, t, double(i)));
                batch.append(tick(u"Y"_qs, now - random.bounded(0, 50), double(i)));
            }
            TickList same = batch;
            QVERIFY(redis->append(batch, nullptr));
            QVERIFY(memory.append(same, nullptr));
            const RetentionPolicy policy = policies.at(round % policies.size());
            QString error;
            const qint64 removedRedis = redis->trim(policy, now, &error);
            QVERIFY2(removedRedis >= 0, qPrintable(error));
            QCOMPARE(removedRedis, memory.trim(policy, now, nullptr));
            QCOMPARE(redis->symbols(), memory.symbols());
            for (const QString &symbol : {u"X"_qs, u"Y"_qs})
                QCOMPARE(readAll(*redis, symbol), readAll(memory, symbol));
        }
    }

    void notifiesOnAppend()
    {
        // The publication side: one message per symbol per batch, "first last writer".
        auto store = makeRedis(u"redis"_qs, m_prefix);
        QVERIFY(store->open(nullptr));
        const auto url = RedisUrl::parse(m_server->url(), nullptr);
        RedisNotifier::Options options;
        options.keyPrefix = m_prefix;
        RedisNotifier notifier(*url, options);
        QList<std::tuple<QString, qint64, qint64>> got;
        connect(&notifier, &RedisNotifier::ticksAvailable, this,
                [&](const QString &s, qint64 f, qint64 l) {
                    got.append({s, f, l});
                });
        notifier.start();
        QTRY_VERIFY_WITH_TIMEOUT(notifier.isSubscribed(), 10'000);
        TickList batch{tick(u"A"_qs, 1, 1.0), tick(u"B"_qs, 2, 1.0), tick(u"A"_qs, 3, 1.0)};
        QVERIFY(store->append(batch, nullptr));
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 2, 10'000);
        QCOMPARE(got.at(0), std::make_tuple(u"A"_qs, qint64(1), qint64(2)));
        QCOMPARE(got.at(1), std::make_tuple(u"B"_qs, qint64(1), qint64(1)));
    }

    void wipedRedisIsNoticedNotRenumbered()
    {
        auto store = makeRedis(u"redis"_qs, m_prefix);
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        const QString epoch = store->epoch();
        QVERIFY(appendSeries(*store, u"X"_qs, 3, 1));
        // Everything of this history goes, the connection stays.
        const QString keys = m_server->cli({u"--scan"_qs, u"--pattern"_qs, m_prefix + u":*"_qs});
        for (const QString &key : keys.split(u'\n', Qt::SkipEmptyParts))
            m_server->cli({u"DEL"_qs, key});
        // A known symbol: its script sees the history gone and refuses.
        TickList next{tick(u"X"_qs, 9, 1.0)};
        QVERIFY(!store->append(next, &error));
        QVERIFY2(error.contains(u"lost"_qs), qPrintable(error));
        QCOMPARE(next.first().seq, 0);
        QVERIFY(!store->isAvailable());
        TickList other{tick(u"NEW"_qs, 9, 1.0)};
        QVERIFY(!store->append(other, &error)); // no append at all until reopened
        QCOMPARE(store->trim(RetentionPolicy{10, 0}, 0, &error), -1);
        // Reopened: a new epoch, and q from 1 again under it.
        store->close();
        QVERIFY2(store->open(&error), qPrintable(error));
        QVERIFY(store->epoch() != epoch);
        QVERIFY(store->isAvailable());
        QVERIFY2(store->append(next, &error), qPrintable(error));
        QCOMPARE(next.first().seq, 1);
    }

    void flushedRedisIsNoticedByTrim()
    {
        auto store = makeRedis(u"redis"_qs, m_prefix);
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        m_server->cli({u"DEL"_qs, m_prefix + u":epoch"_qs});
        QCOMPARE(store->trim(RetentionPolicy{10, 0}, 0, &error), -1);
        QVERIFY2(error.contains(u"epoch"_qs) && error.contains(u"gone"_qs), qPrintable(error));
        TickList next{tick(u"X"_qs, 9, 1.0)};
        QVERIFY(!store->append(next, &error));
        QVERIFY(!store->isAvailable());
    }
};

QTEST_GUILESS_MAIN(tst_RedisTickStore)
#include "tst_redistickstore.moc"
