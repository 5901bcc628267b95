// RedisClusterRouter: the key slot function, routing by the slot map of a real three-master
// cluster, MOVED / ASK / TRYAGAIN while a slot moves, and a store that keeps publishing while
// its symbol's slot is resharded.
#include "RedisServerProcess.h"
#include "redis/RedisClusterRouter.h"
#include "redis/RedisTickStore.h"

#include <QTest>

using namespace tickscope;

namespace {

RedisClusterRouter::Command command(const QByteArray &key, const QByteArrayList &args)
{
    return {key, args, {}};
}

} // namespace

class tst_RedisClusterRouter : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::RedisClusterProcess> m_cluster;

    RedisUrl clusterUrl() const { return *RedisUrl::parse(m_cluster->url(), nullptr); }

    // Moves `slot` from node `from` to node `to`, all keys at once (the deterministic steps).
    void setSlotState(int slot, int from, int to, const QString &step)
    {
        const QString s = QString::number(slot);
        if (step == u"importing") {
            m_cluster->node(to).cli(
                {u"CLUSTER"_qs, u"SETSLOT"_qs, s, u"IMPORTING"_qs, m_cluster->nodeId(from)});
            m_cluster->node(from).cli(
                {u"CLUSTER"_qs, u"SETSLOT"_qs, s, u"MIGRATING"_qs, m_cluster->nodeId(to)});
        } else if (step == u"node") {
            const QString target = m_cluster->nodeId(to);
            for (int i = 0; i < test::RedisClusterProcess::Masters; ++i)
                m_cluster->node(i).cli({u"CLUSTER"_qs, u"SETSLOT"_qs, s, u"NODE"_qs, target});
        }
    }

private slots:
    void keySlot_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<int>("slot");
        // The reference value of the Redis Cluster specification.
        QTest::newRow("spec") << QByteArray("123456789") << 12739;
        QTest::newRow("empty") << QByteArray() << 0;
        // A tag hashes only its content; an empty tag does not count.
        QTest::newRow("tag") << QByteArray("{123456789}.following") << 12739;
        QTest::newRow("tag in the middle") << QByteArray("x{123456789}y") << 12739;
        QTest::newRow("first tag wins") << QByteArray("{123456789}{zap}") << 12739;
        QTest::newRow("empty tag")
            << QByteArray("{}123456789") << int(RedisClusterRouter::crc16("{}123456789") & 16383);
        QTest::newRow("unclosed") << QByteArray("{123456789")
                                  << int(RedisClusterRouter::crc16("{123456789") & 16383);
    }
    void keySlot()
    {
        QFETCH(QByteArray, key);
        QFETCH(int, slot);
        QCOMPARE(int(RedisClusterRouter::keySlot(key)), slot);
    }

    void hashTagsShareASlot()
    {
        QCOMPARE(RedisClusterRouter::keySlot("{user1000}.following"),
                 RedisClusterRouter::keySlot("{user1000}.followers"));
        QCOMPARE(RedisClusterRouter::keySlot("foo{{bar}}zap"), RedisClusterRouter::keySlot("{bar"));
        QCOMPARE(RedisClusterRouter::keySlot("foo{bar}{zap}"), RedisClusterRouter::keySlot("bar"));
        // Every key of a symbol: one slot.
        const RedisKeys keys;
        const quint16 slot = RedisClusterRouter::keySlot(keys.meta(u"BTC-USD"_qs));
        QCOMPARE(RedisClusterRouter::keySlot(keys.ticks(u"BTC-USD"_qs)), slot);
        QCOMPARE(RedisClusterRouter::keySlot(keys.writers(u"BTC-USD"_qs)), slot);
        QCOMPARE(RedisClusterRouter::keySlot(keys.notify(u"BTC-USD"_qs)), slot);
        QCOMPARE(RedisClusterRouter::keySlot("BTC-USD"), slot);
    }

    void initTestCase()
    {
        if (!test::haveRedis())
            QSKIP("redis-server and redis-cli are not installed");
        m_cluster = std::make_unique<test::RedisClusterProcess>();
        QString error;
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
    }
    void cleanupTestCase() { m_cluster.reset(); }

    void agreesWithRedis()
    {
        // 500 keys, braces included, against CLUSTER KEYSLOT in one pipeline.
        RedisConnection connection(RedisNodeAddress{u"127.0.0.1"_qs, m_cluster->node(0).port()},
                                   {});
        QString error;
        QVERIFY2(connection.connect(&error), qPrintable(error));
        QRandomGenerator random(7);
        QByteArrayList keys;
        const QByteArray alphabet("ab{}-:XYZ0123456789");
        for (int i = 0; i < 500; ++i) {
            QByteArray key;
            for (int n = random.bounded(0, 12); n > 0; --n)
                key.append(alphabet.at(random.bounded(alphabet.size())));
            keys.append(key);
            connection.append({QByteArrayLiteral("CLUSTER"), QByteArrayLiteral("KEYSLOT"), key});
        }
        QVERIFY(connection.flush(&error));
        for (const QByteArray &key : std::as_const(keys)) {
            const RedisReply reply = connection.read(&error);
            QVERIFY2(reply.isInteger(), qPrintable(error));
            QCOMPARE(int(RedisClusterRouter::keySlot(key)), int(reply.integer()));
        }
    }

    void routesBySlotMap()
    {
        RedisClusterRouter router(clusterUrl());
        QString error;
        QVERIFY2(router.connect(&error), qPrintable(error));
        QVERIFY(router.isCluster());
        for (const int slot : {0, 5460, 5461, 10922, 10923, 16383}) {
            const int owner = m_cluster->ownerOf(slot);
            QVERIFY(owner >= 0);
            QCOMPARE(router.nodeForSlot(slot), m_cluster->node(owner).address());
        }
        // 300 keys in one call: one pipeline per node, and no redirection needed.
        QList<RedisClusterRouter::Command> sets;
        QList<RedisClusterRouter::Command> gets;
        for (int i = 0; i < 300; ++i) {
            const QByteArray key = "route:" + QByteArray::number(i);
            sets.append(command(key, {"SET", key, QByteArray::number(i * 7)}));
            gets.append(command(key, {"GET", key}));
        }
        for (const auto &result : router.execute(sets))
            QVERIFY2(result.ok(), qPrintable(result.message()));
        const auto results = router.execute(gets);
        for (int i = 0; i < 300; ++i)
            QCOMPARE(results[size_t(i)].reply.bytes(), QByteArray::number(i * 7));
        QCOMPARE(router.stats().moved, 0);
        QCOMPARE(router.stats().ask, 0);
        // Each key is on the node its slot says.
        const QByteArray key = "route:42";
        const int owner = m_cluster->ownerOf(RedisClusterRouter::keySlot(key));
        QCOMPARE(m_cluster->node(owner).cli({u"GET"_qs, QString::fromLatin1(key)}).trimmed(),
                 u"294"_qs);
    }

    // Two keys on different masters, for the prefetch tests.
    std::pair<QByteArray, QByteArray> keysOnTwoNodes(const QByteArray &prefix) const
    {
        const QByteArray first = prefix + ":0";
        const int owner = m_cluster->ownerOf(RedisClusterRouter::keySlot(first));
        for (int i = 1;; ++i) {
            const QByteArray other = prefix + ':' + QByteArray::number(i);
            if (m_cluster->ownerOf(RedisClusterRouter::keySlot(other)) != owner)
                return {first, other};
        }
    }

    void prefetchedRepliesComeBackInOrder()
    {
        RedisClusterRouter router(clusterUrl());
        QString error;
        QVERIFY2(router.connect(&error), qPrintable(error));
        const auto [a, b] = keysOnTwoNodes("prefetch");
        for (const auto &result :
             router.execute({command(a, {"DEL", a}), command(b, {"DEL", b}),
                             command(a, {"RPUSH", a, "1", "2"}), command(b, {"SET", b, "other"})}))
            QVERIFY2(result.ok(), qPrintable(result.message()));
        const auto range = command(a, {"LRANGE", a, "0", "-1"});
        router.prefetch(range);
        // Commands sent after it, on its node and on another, get their own replies.
        const auto results = router.execute({command(a, {"LLEN", a}), command(b, {"GET", b})});
        QCOMPARE(results[0].reply.integer(), 2);
        QCOMPARE(results[1].reply.bytes(), QByteArray("other"));
        // The prefetched reply is the list as it was when asked for.
        const auto taken = router.takePrefetched(range);
        QVERIFY(taken && taken->ok());
        QCOMPARE(RedisReply::size(taken->reply.get()), 2);
        QCOMPARE(RedisReply::bytes(RedisReply::element(taken->reply.get(), 1)), QByteArray("2"));
        QVERIFY(!router.takePrefetched(range)); // taken once
    }

    void prefetchIsTakenOnlyForTheSameCommand_data()
    {
        QTest::addColumn<QByteArrayList>("sent");
        QTest::addColumn<QByteArrayList>("asked");
        QTest::addColumn<bool>("taken");
        QTest::newRow("same") << QByteArrayList{"LRANGE", "{p}l", "0", "-1"}
                              << QByteArrayList{"LRANGE", "{p}l", "0", "-1"} << true;
        QTest::newRow("other argument") << QByteArrayList{"LRANGE", "{p}l", "0", "-1"}
                                        << QByteArrayList{"LRANGE", "{p}l", "0", "5"} << false;
        // An error reply (here WRONGTYPE; a MOVED alike) is left to execute().
        QTest::newRow("error reply")
            << QByteArrayList{"GET", "{p}l"} << QByteArrayList{"GET", "{p}l"} << false;
    }
    void prefetchIsTakenOnlyForTheSameCommand()
    {
        QFETCH(QByteArrayList, sent);
        QFETCH(QByteArrayList, asked);
        QFETCH(bool, taken);
        RedisClusterRouter router(clusterUrl());
        QString error;
        QVERIFY2(router.connect(&error), qPrintable(error));
        const QByteArray key = "{p}l";
        QVERIFY(router.execute(command(key, {"DEL", key})).ok());
        QVERIFY(router.execute(command(key, {"RPUSH", key, "x"})).ok());
        router.prefetch(command(key, sent));
        QCOMPARE(bool(router.takePrefetched(command(key, asked))), taken);
        // Whatever happened to it, the connection still pairs commands with their replies.
        QCOMPARE(router.execute(command(key, {"LLEN", key})).reply.integer(), 1);
    }

    void prefetchKeepsTheLatestFour()
    {
        RedisClusterRouter router(clusterUrl());
        QString error;
        QVERIFY2(router.connect(&error), qPrintable(error));
        const int sent = int(RedisClusterRouter::MaxPrefetches) + 2;
        for (int i = 0; i < sent; ++i) {
            const QByteArray key = "keep:" + QByteArray::number(i);
            QVERIFY(router.execute(command(key, {"SET", key, QByteArray::number(i)})).ok());
            router.prefetch(command(key, {"GET", key}));
        }
        for (int i = 0; i < sent; ++i) {
            const QByteArray key = "keep:" + QByteArray::number(i);
            const auto taken = router.takePrefetched(command(key, {"GET", key}));
            QCOMPARE(bool(taken), i >= 2);
            if (taken)
                QCOMPARE(taken->reply.bytes(), QByteArray::number(i));
        }
    }

    void prefetchLostWithItsConnection()
    {
        RedisClusterRouter router(clusterUrl());
        QString error;
        QVERIFY2(router.connect(&error), qPrintable(error));
        const QByteArray key = "lost:1";
        QVERIFY(router.execute(command(key, {"SET", key, "v"})).ok());
        const auto get = command(key, {"GET", key});
        router.prefetch(get);
        // The node drops every client (as on a restart) before the reply is read.
        const int owner = m_cluster->ownerOf(RedisClusterRouter::keySlot(key));
        m_cluster->node(owner).cli({u"CLIENT"_qs, u"KILL"_qs, u"TYPE"_qs, u"normal"_qs});
        const auto taken = router.takePrefetched(get);
        QVERIFY(!taken || taken->reply.bytes() == "v"); // the reply may have arrived first
        // The next command reconnects and gets its own reply, not a stale one.
        const auto again = router.execute(get);
        QVERIFY2(again.ok(), qPrintable(again.message()));
        QCOMPARE(again.reply.bytes(), QByteArray("v"));
        // A prefetch sent on the old connection is never awaited on the new one.
        router.prefetch(get);
        m_cluster->node(owner).cli({u"CLIENT"_qs, u"KILL"_qs, u"TYPE"_qs, u"normal"_qs});
        QVERIFY(router.execute(command(key, {"SET", key, "w"})).ok());
        QCOMPARE(router.execute(get).reply.bytes(), QByteArray("w"));
    }

    void followsAskThenMoved()
    {
        RedisClusterRouter router(clusterUrl());
        QVERIFY(router.connect(nullptr));
        const QByteArray key = "{ask-test}:a";
        const int slot = RedisClusterRouter::keySlot(key);
        const int from = m_cluster->ownerOf(slot);
        const int to = (from + 1) % test::RedisClusterProcess::Masters;
        QVERIFY(router.execute(command(key, {"SET", key, "1"})).ok());

        setSlotState(slot, from, to, u"importing"_qs);
        // The key moves; the slot still belongs to `from`, which answers ASK.
        m_cluster->node(from).cli({u"MIGRATE"_qs, u"127.0.0.1"_qs,
                                   QString::number(m_cluster->node(to).port()), QString(), u"0"_qs,
                                   u"5000"_qs, u"KEYS"_qs, QString::fromLatin1(key)});
        RedisClusterRouter::Result got = router.execute(command(key, {"GET", key}));
        QVERIFY2(got.ok(), qPrintable(got.message()));
        QCOMPARE(got.reply.bytes(), QByteArray("1"));
        QCOMPARE(router.stats().ask, 1);
        // A new key of a migrating slot is created on the target, through ASK as well.
        const QByteArray fresh = "{ask-test}:b";
        QVERIFY(router.execute(command(fresh, {"SET", fresh, "2"})).ok());
        QCOMPARE(router.stats().ask, 2);
        QCOMPARE(router.nodeForSlot(slot), m_cluster->node(from).address()); // ASK: no map change

        setSlotState(slot, from, to, u"node"_qs);
        got = router.execute(command(fresh, {"GET", fresh}));
        QCOMPARE(got.reply.bytes(), QByteArray("2"));
        QCOMPARE(router.stats().moved, 1);
        QCOMPARE(router.nodeForSlot(slot), m_cluster->node(to).address());
        got = router.execute(command(key, {"GET", key}));
        QCOMPARE(got.reply.bytes(), QByteArray("1"));
        QCOMPARE(router.stats().moved, 1); // the map is right now
    }

    void standaloneUrlOnAClusterNodeFollowsMoved()
    {
        // Pick a key that node 0 does not own.
        QByteArray key;
        for (int i = 0; key.isEmpty(); ++i) {
            const QByteArray candidate = "elsewhere:" + QByteArray::number(i);
            if (m_cluster->ownerOf(RedisClusterRouter::keySlot(candidate)) != 0)
                key = candidate;
        }
        RedisClusterRouter router(RedisUrl::single(u"127.0.0.1"_qs, m_cluster->node(0).port()));
        QVERIFY(router.connect(nullptr));
        QVERIFY(!router.isCluster());
        const RedisClusterRouter::Result set = router.execute(command(key, {"SET", key, "x"}));
        QVERIFY2(set.ok(), qPrintable(set.message()));
        QVERIFY(router.isCluster());
        QCOMPARE(router.stats().moved, 1);
        QCOMPARE(router.execute(command(key, {"GET", key})).reply.bytes(), QByteArray("x"));
    }

    void unreachableClusterFailsWithReason()
    {
        RedisClusterRouter router(RedisUrl::single(u"127.0.0.1"_qs, test::freePort(false)));
        QString error;
        QVERIFY(!router.connect(&error));
        QVERIFY2(error.contains(u"unreachable"_qs), qPrintable(error));
        const RedisClusterRouter::Result result = router.execute(command("k", {"GET", "k"}));
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains(u"retry in"_qs), qPrintable(result.error));
        QVERIFY(!router.isUp());
        QVERIFY(router.retryAfterMs() > 0);
    }

    // The slot of {BTC-USD} moves to another master, key by key, while a store appends to it:
    // no acknowledged tick is lost or doubled, q stays contiguous.
    void reshardWhilePublishing()
    {
        QString error;
        RedisStoreOptions options;
        options.keyPrefix = u"reshard"_qs;
        auto store = RedisTickStore::fromUrl(m_cluster->url(), &error, options);
        QVERIFY2(store->open(&error), qPrintable(error));
        const RedisKeys keys(options.keyPrefix);
        const int slot = RedisClusterRouter::keySlot(keys.ticks(u"BTC-USD"_qs));
        const int from = m_cluster->ownerOf(slot);
        const int to = (from + 2) % test::RedisClusterProcess::Masters;
        qint64 t = 0;
        auto batchOf = [&t](int n) {
            TickList batch;
            for (int i = 0; i < n; ++i) {
                ++t;
                batch.append(Tick{i % 3 == 2 ? u"ETH-USD"_qs : u"BTC-USD"_qs, 0, t, t * 0.5, 1.0});
            }
            return batch;
        };
        TickList first = batchOf(30);
        QVERIFY2(store->append(first, &error), qPrintable(error));

        // The migration, by redis-cli, one key at a time with pauses, in a process of its own.
        QStringList ports;
        for (int i = 0; i < test::RedisClusterProcess::Masters; ++i)
            ports.append(QString::number(m_cluster->node(i).port()));
        const QString src = QString::number(m_cluster->node(from).port());
        const QString dst = QString::number(m_cluster->node(to).port());
        const QString script =
            u"set -e\n"
            "redis-cli -p %1 cluster setslot %3 importing %4 >/dev/null\n"
            "redis-cli -p %2 cluster setslot %3 migrating %5 >/dev/null\n"
            "sleep 0.2\n"
            "for k in $(redis-cli -p %2 cluster getkeysinslot %3 100); do\n"
            "  redis-cli -p %2 migrate 127.0.0.1 %1 '' 0 5000 keys \"$k\" >/dev/null\n"
            "  sleep 0.1\n"
            "done\n"
            "sleep 0.3\n"
            "for p in %6; do redis-cli -p $p cluster setslot %3 node %5 >/dev/null; done\n"_qs.arg(
                dst, src, QString::number(slot), m_cluster->nodeId(from), m_cluster->nodeId(to),
                ports.join(u' '));
        QProcess migration;
        migration.start(u"sh"_qs, {u"-c"_qs, script});
        QVERIFY(migration.waitForStarted());

        TickList acknowledged = first;
        int failures = 0;
        int after = 0;
        while (after < 20) {
            if (migration.state() == QProcess::NotRunning)
                ++after;
            TickList batch = batchOf(12);
            // A failed batch is sent again, as it is: the store completes it without doubles.
            int tries = 0;
            while (!store->append(batch, &error)) {
                ++failures;
                QVERIFY2(++tries < 50, qPrintable(error));
                QTest::qWait(20);
            }
            acknowledged += batch;
            QTest::qWait(5);
        }
        QCOMPARE(migration.exitCode(), 0);
        QCOMPARE(m_cluster->ownerOf(slot), to);

        const RedisClusterRouter::Stats &stats = store->router().stats();
        qInfo("appends that failed and were resent: %d; MOVED %lld, ASK %lld, TRYAGAIN %lld",
              failures, stats.moved, stats.ask, stats.tryAgain);
        QVERIFY(stats.moved + stats.ask >= 1);
        QCOMPARE(store->router().nodeForSlot(slot), m_cluster->node(to).address());

        for (const QString &symbol : {u"BTC-USD"_qs, u"ETH-USD"_qs}) {
            QHash<qint64, Tick> expected; // by t, unique
            for (const Tick &tick : std::as_const(acknowledged)) {
                if (tick.symbol == symbol)
                    expected.insert(tick.timeUs, tick);
            }
            TickList stored;
            QVERIFY2(store->read(symbol, 1, 1'000'000, &stored, &error), qPrintable(error));
            QCOMPARE(stored.size(), expected.size());
            for (int i = 0; i < stored.size(); ++i) {
                QCOMPARE(stored.at(i).seq, qint64(i + 1));
                QCOMPARE(stored.at(i), expected.value(stored.at(i).timeUs));
            }
            QCOMPARE(store->symbol(symbol)->lastSeq, qint64(stored.size()));
        }
    }
};

QTEST_GUILESS_MAIN(tst_RedisClusterRouter)
#include "tst_redisclusterrouter.moc"
