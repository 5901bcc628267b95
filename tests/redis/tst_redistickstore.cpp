// The TickStore contract (the cases of tests/store/tst_tickstore.cpp) run against Redis, on
// one server ("redis") and on a three-master Redis Cluster ("redis-cluster"), then what only a
// shared store has: restarts of Redis, several writers, outages, partial failures.
#include "RedisServerProcess.h"
#include "redis/RedisNotifier.h"
#include "redis/RedisTickStore.h"
#include "store/MemoryTickStore.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

using namespace tickscope;

Q_DECLARE_METATYPE(tickscope::Tick)

namespace tickscope {
// Readable QCOMPARE failures.
char *toString(const Tick &t)
{
    return qstrdup(QStringLiteral("Tick(%1, q %2, t %3, p %4, v %5)")
                       .arg(t.symbol)
                       .arg(t.seq)
                       .arg(t.timeUs)
                       .arg(t.price, 0, 'g', 17)
                       .arg(t.size, 0, 'g', 17)
                       .toUtf8()
                       .constData());
}
char *toString(const SymbolState &s)
{
    return qstrdup(QStringLiteral("SymbolState(%1, first %2, last %3, t %4, p %5)")
                       .arg(s.symbol)
                       .arg(s.firstSeq)
                       .arg(s.lastSeq)
                       .arg(s.lastTimeUs)
                       .arg(s.lastPrice, 0, 'g', 17)
                       .toUtf8()
                       .constData());
}
} // namespace tickscope

namespace {

Tick tick(const QString &symbol, qint64 timeUs, double price, double size = 1.0)
{
    return Tick{symbol, 0, timeUs, price, size};
}

} // namespace

class tst_RedisTickStore : public QObject
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

    std::unique_ptr<TickStore> make(const QString &backend) { return makeRedis(backend, m_prefix); }

    std::unique_ptr<TickStore> opened(const QString &backend)
    {
        auto store = make(backend);
        QString error;
        if (!store->open(&error))
            qWarning("open failed: %s", qPrintable(error));
        return store;
    }

    static void addBackends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("redis") << u"redis"_qs;
        QTest::newRow("redis-cluster") << u"redis-cluster"_qs;
    }

    static TickList readAll(TickStore &store, const QString &symbol)
    {
        TickList out;
        QString error;
        if (!store.read(symbol, 0, std::numeric_limits<int>::max(), &out, &error))
            qWarning("read failed: %s", qPrintable(error));
        return out;
    }

    // Appends `count` ticks of `symbol` with times base, base+1, ...
    static bool appendSeries(TickStore &store, const QString &symbol, int count, qint64 base)
    {
        TickList ticks;
        for (int i = 0; i < count; ++i)
            ticks.append(tick(symbol, base + i, 100.0 + i));
        QString error;
        const bool ok = store.append(ticks, &error);
        if (!ok)
            qWarning("append failed: %s", qPrintable(error));
        return ok;
    }

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

    void openGivesEpoch_data() { addBackends(); }
    void openGivesEpoch()
    {
        QFETCH(QString, backend);
        auto store = make(backend);
        QCOMPARE(store->kind(), u"redis"_qs);
        QVERIFY(!store->isAvailable());
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        QVERIFY(store->isAvailable());
        // A UUID without braces: 36 characters, 128 bits.
        QCOMPARE(store->epoch().size(), 36);
        QVERIFY(!store->epoch().startsWith(u'{'));
        QVERIFY(store->symbols().isEmpty());
        QVERIFY(!store->symbol(u"BTC-USD"_qs).has_value());
        // Opening twice is harmless.
        const QString epoch = store->epoch();
        QVERIFY(store->open(&error));
        QCOMPARE(store->epoch(), epoch);
    }

    void epochsDiffer_data() { addBackends(); }
    void epochsDiffer()
    {
        QFETCH(QString, backend);
        auto first = opened(backend);
        // Another key prefix is another history.
        std::unique_ptr<TickStore> second = makeRedis(backend, m_prefix + u"-other"_qs);
        QVERIFY(second->open(nullptr));
        QVERIFY(first->epoch() != second->epoch());
    }

    void notOpen_data() { addBackends(); }
    void notOpen()
    {
        QFETCH(QString, backend);
        auto store = make(backend);
        TickList ticks{tick(u"A"_qs, 1, 1.0)};
        QString error;
        QVERIFY(!store->append(ticks, &error));
        QVERIFY2(error.contains(u"not open"_qs), qPrintable(error));
        QCOMPARE(ticks.first().seq, 0);
        TickList out{tick(u"junk"_qs, 1, 1.0)};
        QVERIFY(!store->read(u"A"_qs, 1, 10, &out, &error));
        QVERIFY(out.isEmpty());
        QCOMPARE(store->trim(RetentionPolicy{10, 0}, 0, &error), -1);
    }

    void appendAssignsContiguousQ_data() { addBackends(); }
    void appendAssignsContiguousQ()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        TickList ticks{tick(u"A"_qs, 10, 1.5), tick(u"B"_qs, 11, 2.5), tick(u"A"_qs, 12, 1.6),
                       tick(u"A"_qs, 13, 1.7), tick(u"B"_qs, 14, 2.6, 0.0)};
        QString error;
        QVERIFY2(store->append(ticks, &error), qPrintable(error));
        const QList<qint64> seqs{1, 1, 2, 3, 2};
        for (int i = 0; i < ticks.size(); ++i)
            QCOMPARE(ticks.at(i).seq, seqs.at(i));

        TickList more{tick(u"B"_qs, 20, 2.7), tick(u"A"_qs, 21, 1.8), tick(u"C"_qs, 22, 9.0)};
        QVERIFY2(store->append(more, &error), qPrintable(error));
        QCOMPARE(more.at(0).seq, 3);
        QCOMPARE(more.at(1).seq, 4);
        QCOMPARE(more.at(2).seq, 1);

        const QList<SymbolState> expected{
            SymbolState{u"A"_qs, 1, 4, 21, 1.8},
            SymbolState{u"B"_qs, 1, 3, 20, 2.7},
            SymbolState{u"C"_qs, 1, 1, 22, 9.0},
        };
        QCOMPARE(store->symbols(), expected); // sorted by symbol
        QCOMPARE(store->symbol(u"B"_qs), std::optional<SymbolState>(expected.at(1)));

        const TickList a = readAll(*store, u"A"_qs);
        const TickList expectedA{Tick{u"A"_qs, 1, 10, 1.5, 1.0}, Tick{u"A"_qs, 2, 12, 1.6, 1.0},
                                 Tick{u"A"_qs, 3, 13, 1.7, 1.0}, Tick{u"A"_qs, 4, 21, 1.8, 1.0}};
        QCOMPARE(a, expectedA);
        const TickList b = readAll(*store, u"B"_qs);
        QCOMPARE(b.size(), 3);
        QCOMPARE(b.at(1), (Tick{u"B"_qs, 2, 14, 2.6, 0.0}));
    }

    void appendEmpty_data() { addBackends(); }
    void appendEmpty()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        TickList none;
        QString error;
        QVERIFY2(store->append(none, &error), qPrintable(error));
        QVERIFY(store->symbols().isEmpty());
    }

    void appendRejectsBadTicks_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<Tick>("bad");
        QTest::addColumn<QString>("message");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        for (const QString &backend : {u"redis"_qs, u"redis-cluster"_qs}) {
            const QByteArray b = backend.toLatin1();
            QTest::addRow("%s: empty symbol", b.data())
                << backend << tick(QString(), 1, 1.0) << u"symbol ''"_qs;
            QTest::addRow("%s: bad symbol", b.data())
                << backend << tick(u"BTC USD"_qs, 1, 1.0) << u"symbol 'BTC USD'"_qs;
            QTest::addRow("%s: NaN price", b.data())
                << backend << tick(u"X"_qs, 1, nan) << u"price nan is not a finite"_qs;
            QTest::addRow("%s: infinite price", b.data())
                << backend << tick(u"X"_qs, 1, -inf) << u"price -inf is not a finite"_qs;
            QTest::addRow("%s: infinite size", b.data())
                << backend << tick(u"X"_qs, 1, 1.0, inf) << u"size inf is not a finite"_qs;
        }
    }
    void appendRejectsBadTicks()
    {
        QFETCH(QString, backend);
        QFETCH(Tick, bad);
        QFETCH(QString, message);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 2, 1));
        const QList<SymbolState> before = store->symbols();

        // The bad tick is the third: the two good ones before it must not get a q.
        TickList ticks{tick(u"X"_qs, 5, 1.0), tick(u"Y"_qs, 6, 1.0), bad, tick(u"X"_qs, 7, 1.0)};
        QString error;
        QVERIFY(!store->append(ticks, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(error.contains(u"tick 2"_qs), qPrintable(error));
        for (const Tick &t : ticks)
            QCOMPARE(t.seq, 0);
        QCOMPARE(store->symbols(), before);
        QVERIFY(store->isAvailable()); // bad input is not a store failure

        TickList good{tick(u"X"_qs, 8, 1.0)};
        QVERIFY(store->append(good, &error));
        QCOMPARE(good.first().seq, 3);
        QCOMPARE(readAll(*store, u"X"_qs).size(), 3);
        QCOMPARE(readAll(*store, u"Y"_qs).size(), 0);
    }

    void exactDoubles_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<double>("price");
        QTest::addColumn<double>("size");
        QTest::addColumn<qint64>("timeUs");
        const QList<std::tuple<const char *, double, double, qint64>> values{
            {"0.1+0.2", 0.1 + 0.2, 0.1, 1},
            {"tiny", 1e-300, 1e-300, 2},
            {"denormal", 5e-324, 4.9406564584124654e-324, 3},
            {"max", DBL_MAX, DBL_MAX, 4},
            {"lowest", -DBL_MAX, 0.0, 5},
            {"2^53+2", 9007199254740994.0, 9007199254740992.0, (qint64(1) << 53) - 1},
            {"integral", 123.0, 1e18, 0},
            {"above int64", 1e19, 9.3e18, 7},
            {"negative", -1.5, 2.5, 8},
            {"pi", 3.141592653589793, 2.718281828459045, 1'763'790'000'123'456},
        };
        for (const QString &backend : {u"redis"_qs, u"redis-cluster"_qs}) {
            for (const auto &[name, price, size, time] : values) {
                QTest::addRow("%s: %s", qPrintable(backend), name)
                    << backend << price << size << time;
            }
        }
    }
    void exactDoubles()
    {
        QFETCH(QString, backend);
        QFETCH(double, price);
        QFETCH(double, size);
        QFETCH(qint64, timeUs);
        auto store = opened(backend);
        TickList ticks{Tick{u"X"_qs, 0, timeUs, price, size}};
        QString error;
        QVERIFY2(store->append(ticks, &error), qPrintable(error));
        const TickList back = readAll(*store, u"X"_qs);
        QCOMPARE(back.size(), 1);
        // Bitwise: QCOMPARE on doubles is fuzzy.
        QVERIFY(std::memcmp(&back.first().price, &price, sizeof price) == 0);
        QVERIFY(std::memcmp(&back.first().size, &size, sizeof size) == 0);
        QCOMPARE(back.first().timeUs, timeUs);
        QVERIFY(std::memcmp(&store->symbol(u"X"_qs)->lastPrice, &price, sizeof price) == 0);

        // And after a reopen (the memory store keeps its content across close/open).
        store->close();
        QVERIFY2(store->open(&error), qPrintable(error));
        const TickList again = readAll(*store, u"X"_qs);
        QCOMPARE(again.size(), 1);
        QVERIFY(std::memcmp(&again.first().price, &price, sizeof price) == 0);
        QVERIFY(std::memcmp(&again.first().size, &size, sizeof size) == 0);
    }

    void negativeZeroIsZero_data() { addBackends(); }
    void negativeZeroIsZero()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        TickList ticks{tick(u"X"_qs, 1, -0.0, -0.0)};
        QVERIFY(store->append(ticks, nullptr));
        QVERIFY(!std::signbit(ticks.first().price)); // written back as stored
        QVERIFY(!std::signbit(ticks.first().size));
        const TickList back = readAll(*store, u"X"_qs);
        QCOMPARE(back.size(), 1);
        QVERIFY(!std::signbit(back.first().price));
        QVERIFY(!std::signbit(back.first().size));
    }

    void read_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<qint64>("from");
        QTest::addColumn<int>("limit");
        QTest::addColumn<qint64>("firstQ"); // of the result
        QTest::addColumn<int>("count");
        for (const QString &backend : {u"redis"_qs, u"redis-cluster"_qs}) {
            const QByteArray b = backend.toLatin1();
            // 10 ticks, q 1..10.
            QTest::addRow("%s: from 0", b.data()) << backend << qint64(0) << 100 << qint64(1) << 10;
            QTest::addRow("%s: negative from", b.data())
                << backend << qint64(-5) << 3 << qint64(1) << 3;
            QTest::addRow("%s: from 1 limit 1", b.data())
                << backend << qint64(1) << 1 << qint64(1) << 1;
            QTest::addRow("%s: middle", b.data()) << backend << qint64(4) << 3 << qint64(4) << 3;
            QTest::addRow("%s: to the end", b.data())
                << backend << qint64(8) << 100 << qint64(8) << 3;
            QTest::addRow("%s: last", b.data()) << backend << qint64(10) << 5 << qint64(10) << 1;
            QTest::addRow("%s: after last", b.data())
                << backend << qint64(11) << 5 << qint64(0) << 0;
            QTest::addRow("%s: far after", b.data())
                << backend << qint64(1'000'000) << 5 << qint64(0) << 0;
            QTest::addRow("%s: limit 0", b.data()) << backend << qint64(1) << 0 << qint64(0) << 0;
            QTest::addRow("%s: negative limit", b.data())
                << backend << qint64(1) << -1 << qint64(0) << 0;
        }
    }
    void read()
    {
        QFETCH(QString, backend);
        QFETCH(qint64, from);
        QFETCH(int, limit);
        QFETCH(qint64, firstQ);
        QFETCH(int, count);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 10, 1000));
        QVERIFY(appendSeries(*store, u"Y"_qs, 3, 5000));
        TickList out{tick(u"stale"_qs, 1, 1.0)}; // replaced, not appended to
        QString error;
        QVERIFY2(store->read(u"X"_qs, from, limit, &out, &error), qPrintable(error));
        QCOMPARE(out.size(), count);
        for (int i = 0; i < out.size(); ++i) {
            const qint64 q = firstQ + i;
            QCOMPARE(out.at(i), (Tick{u"X"_qs, q, 1000 + q - 1, 100.0 + double(q - 1), 1.0}));
        }
    }

    void readUnknownSymbol_data() { addBackends(); }
    void readUnknownSymbol()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 3, 1));
        TickList out{tick(u"stale"_qs, 1, 1.0)};
        QString error;
        QVERIFY(store->read(u"NOPE"_qs, 1, 10, &out, &error));
        QVERIFY(out.isEmpty());
    }

    void trimByCount_data() { addBackends(); }
    void trimByCount()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 10, 1));
        QVERIFY(appendSeries(*store, u"Y"_qs, 3, 1));
        QString error;
        QCOMPARE(store->trim(RetentionPolicy{4, 0}, 1'000'000, &error), 6);
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 7);
        QCOMPARE(store->symbol(u"X"_qs)->lastSeq, 10);
        QCOMPARE(store->symbol(u"Y"_qs)->firstSeq, 1); // under the limit
        // Reading from before the retained range starts at firstSeq.
        TickList out;
        QVERIFY(store->read(u"X"_qs, 1, 2, &out, &error));
        QCOMPARE(out.size(), 2);
        QCOMPARE(out.at(0).seq, 7);
        QCOMPARE(out.at(1).seq, 8);
        QCOMPARE(out.at(0).timeUs, 7);
        // Nothing more to drop.
        QCOMPARE(store->trim(RetentionPolicy{4, 0}, 1'000'000, &error), 0);
        // No limit at all.
        QCOMPARE(store->trim(RetentionPolicy{}, 1'000'000, &error), 0);
        // New ticks continue q; the count window slides.
        QVERIFY(appendSeries(*store, u"X"_qs, 2, 100));
        QCOMPARE(store->trim(RetentionPolicy{4, 0}, 1'000'000, &error), 2);
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 9);
        QCOMPARE(store->symbol(u"X"_qs)->lastSeq, 12);
        QCOMPARE(readAll(*store, u"X"_qs).size(), 4);
    }

    void trimByAge_data() { addBackends(); }
    void trimByAge()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 10, 100)); // t 100..109
        QString error;
        // now 110, max age 5: t < 105 goes.
        QCOMPARE(store->trim(RetentionPolicy{0, 5}, 110, &error), 5);
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 6);
        const TickList rest = readAll(*store, u"X"_qs);
        QCOMPARE(rest.size(), 5);
        QCOMPARE(rest.first().timeUs, 105);
        QCOMPARE(store->trim(RetentionPolicy{0, 5}, 110, &error), 0);
    }

    void trimByAgeKeepsHistoryContiguous_data() { addBackends(); }
    void trimByAgeKeepsHistoryContiguous()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        // An old tick after a young one stays until the young one expires: no holes.
        TickList ticks{tick(u"X"_qs, 1, 1.0), tick(u"X"_qs, 100, 1.0), tick(u"X"_qs, 2, 1.0),
                       tick(u"X"_qs, 200, 1.0)};
        QVERIFY(store->append(ticks, nullptr));
        QString error;
        QCOMPARE(store->trim(RetentionPolicy{0, 100}, 150, &error), 1); // cutoff 50
        const TickList rest = readAll(*store, u"X"_qs);
        QCOMPARE(rest.size(), 3);
        QCOMPARE(rest.at(0).seq, 2);
        QCOMPARE(rest.at(1).seq, 3);
        QCOMPARE(rest.at(1).timeUs, 2);
        QCOMPARE(store->trim(RetentionPolicy{0, 100}, 250, &error), 2); // cutoff 150
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 4);
    }

    void trimBothAxes_data() { addBackends(); }
    void trimBothAxes()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"A"_qs, 10, 100)); // count cuts more
        QVERIFY(appendSeries(*store, u"B"_qs, 10, 0));   // age cuts more
        QString error;
        // Keep at most 6 per symbol, and t >= 105.
        QCOMPARE(store->trim(RetentionPolicy{6, 5}, 110, &error), 5 + 10);
        QCOMPARE(store->symbol(u"A"_qs)->firstSeq, 6);
        QCOMPARE(store->symbol(u"B"_qs)->firstSeq, 0);
        QCOMPARE(store->symbol(u"B"_qs)->lastSeq, 10);
    }

    void trimEverything_data() { addBackends(); }
    void trimEverything()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 5, 1));
        QString error;
        QCOMPARE(store->trim(RetentionPolicy{0, 10}, 1000, &error), 5);
        const SymbolState emptied = *store->symbol(u"X"_qs);
        QCOMPARE(emptied.firstSeq, 0);
        QCOMPARE(emptied.lastSeq, 5); // q is never reused
        QCOMPARE(emptied.lastTimeUs, 5);
        QVERIFY(readAll(*store, u"X"_qs).isEmpty());
        QCOMPARE(store->trim(RetentionPolicy{0, 10}, 1000, &error), 0);

        store->close();
        QVERIFY2(store->open(&error), qPrintable(error));
        QCOMPARE(store->symbol(u"X"_qs), std::optional<SymbolState>(emptied));

        TickList next{tick(u"X"_qs, 2000, 7.0)};
        QVERIFY(store->append(next, &error));
        QCOMPARE(next.first().seq, 6);
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 6);
        QCOMPARE(readAll(*store, u"X"_qs).size(), 1);
    }

    void trimRejectsNegativePolicy_data() { addBackends(); }
    void trimRejectsNegativePolicy()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 5, 1));
        QString error;
        QCOMPARE(store->trim(RetentionPolicy{-1, 0}, 1000, &error), -1);
        QVERIFY2(error.contains(u"-1"_qs), qPrintable(error));
        QCOMPARE(store->trim(RetentionPolicy{0, -7}, 1000, &error), -1);
        QVERIFY2(error.contains(u"-7"_qs), qPrintable(error));
        QCOMPARE(readAll(*store, u"X"_qs).size(), 5);
    }

    void reopenKeepsHistory_data() { addBackends(); }
    void reopenKeepsHistory()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 5, 1));
        const QString epoch = store->epoch();
        const QList<SymbolState> symbols = store->symbols();
        store->close();
        QVERIFY(!store->isAvailable());
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        QCOMPARE(store->epoch(), epoch);
        QCOMPARE(store->symbols(), symbols);
        TickList next{tick(u"X"_qs, 9, 1.0)};
        QVERIFY(store->append(next, &error));
        QCOMPARE(next.first().seq, 6);
    }

    void manySymbols_data() { addBackends(); }
    void manySymbols()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        // 1000 symbols, 3 ticks each, interleaved in one batch.
        TickList ticks;
        for (int round = 0; round < 3; ++round) {
            for (int s = 0; s < 1000; ++s)
                ticks.append(tick(u"S%1"_qs.arg(s, 4, 10, QChar(u'0')), round, s + round / 10.0));
        }
        QString error;
        QVERIFY2(store->append(ticks, &error), qPrintable(error));
        for (int i = 0; i < ticks.size(); ++i)
            QCOMPARE(ticks.at(i).seq, i / 1000 + 1);
        const QList<SymbolState> symbols = store->symbols();
        QCOMPARE(symbols.size(), 1000);
        QCOMPARE(symbols.first().symbol, u"S0000"_qs);
        QCOMPARE(symbols.last().symbol, u"S0999"_qs);
        for (const SymbolState &state : symbols) {
            QCOMPARE(state.firstSeq, 1);
            QCOMPARE(state.lastSeq, 3);
            QCOMPARE(state.lastTimeUs, 2);
        }
        const TickList s500 = readAll(*store, u"S0500"_qs);
        QCOMPARE(s500.size(), 3);
        QCOMPARE(s500.at(2).price, 500.2);
    }

    void batchesOf5000_data() { addBackends(); }
    void batchesOf5000()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        constexpr int Symbols = 20;
        constexpr int Batches = 10;
        constexpr int BatchSize = 5000;
        qint64 k = 0;
        for (int b = 0; b < Batches; ++b) {
            TickList ticks;
            ticks.reserve(BatchSize);
            for (int i = 0; i < BatchSize; ++i, ++k)
                ticks.append(tick(u"SYM-%1"_qs.arg(k % Symbols), k, double(k), 0.5));
            QString error;
            QVERIFY2(store->append(ticks, &error), qPrintable(error));
            QCOMPARE(ticks.last().seq, (k - 1) / Symbols + 1);
        }
        // Replay in pages: every q once, in order, with the values it was given.
        constexpr qint64 PerSymbol = qint64(Batches) * BatchSize / Symbols;
        for (int s = 0; s < Symbols; ++s) {
            const QString symbol = u"SYM-%1"_qs.arg(s);
            QCOMPARE(store->symbol(symbol)->lastSeq, PerSymbol);
            qint64 next = 1;
            TickList page;
            while (true) {
                QString error;
                QVERIFY2(store->read(symbol, next, 999, &page, &error), qPrintable(error));
                if (page.isEmpty())
                    break;
                for (const Tick &t : page) {
                    QCOMPARE(t.seq, next);
                    QCOMPARE(t.timeUs, (next - 1) * Symbols + s);
                    QCOMPARE(t.price, double(t.timeUs));
                    ++next;
                }
            }
            QCOMPARE(next, PerSymbol + 1);
        }
    }

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
