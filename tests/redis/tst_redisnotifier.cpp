// RedisNotifier: every append of a RedisTickStore reaches every subscribed notifier, on one
// Redis and across the nodes of a cluster; a server can skip its own; a restarted Redis is
// subscribed to again.
#include "RedisServerProcess.h"
#include "redis/RedisNotifier.h"
#include "redis/RedisTickStore.h"

#include <QSignalSpy>
#include <QTest>

using namespace tickscope;

namespace {

using Notice = std::tuple<QString, qint64, qint64>;

Tick tick(const QString &symbol, qint64 t)
{
    return Tick{symbol, 0, t, 1.5, 2.0};
}

} // namespace

class tst_RedisNotifier : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::RedisServerProcess> m_server;
    int m_testNumber = 0;
    QString m_prefix;

    std::unique_ptr<RedisNotifier> notifier(const QString &url)
    {
        RedisNotifier::Options options;
        options.keyPrefix = m_prefix;
        options.retry.backoff = {20, 200};
        options.retry.breaker = {50, 200, 1};
        return std::make_unique<RedisNotifier>(*RedisUrl::parse(url, nullptr), options);
    }

    std::unique_ptr<RedisTickStore> store(const QString &url)
    {
        RedisStoreOptions options;
        options.keyPrefix = m_prefix;
        auto store = RedisTickStore::fromUrl(url, nullptr, options);
        QString error;
        if (!store->open(&error))
            qWarning("open failed: %s", qPrintable(error));
        return store;
    }

    static QList<Notice> *record(RedisNotifier &n, QObject *context)
    {
        auto *list = new QList<Notice>;
        connect(&n, &RedisNotifier::ticksAvailable, context,
                [list](const QString &s, qint64 f, qint64 l) {
                    list->append({s, f, l});
                });
        connect(&n, &QObject::destroyed, context, [list] { delete list; });
        return list;
    }

private slots:
    void initTestCase()
    {
        if (!test::haveRedis())
            QSKIP("redis-server and redis-cli are not installed");
        m_server =
            std::make_unique<test::RedisServerProcess>(test::RedisServerOptions{true, false});
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
    }
    void cleanupTestCase() { m_server.reset(); }
    void init() { m_prefix = u"n%1"_qs.arg(++m_testNumber); }

    void twoNotifiersGetEveryAppend()
    {
        auto a = notifier(m_server->url());
        auto b = notifier(m_server->url());
        QList<Notice> *gotA = record(*a, this);
        QList<Notice> *gotB = record(*b, this);
        QSignalSpy subscribedA(a.get(), &RedisNotifier::subscribed);
        a->start();
        b->start();
        QTRY_VERIFY_WITH_TIMEOUT(a->isSubscribed() && b->isSubscribed(), 10'000);
        QCOMPARE(subscribedA.size(), 1);
        QCOMPARE(a->node(), m_server->address());

        auto writer = store(m_server->url());
        QList<Notice> expected;
        qint64 t = 0;
        for (int round = 0; round < 5; ++round) {
            TickList batch;
            for (int i = 0; i < 3 + round; ++i)
                batch.append(tick(i % 2 ? u"ETH-USD"_qs : u"BTC-USD"_qs, ++t));
            QVERIFY(writer->append(batch, nullptr));
            // One notice per symbol per batch, in the order the symbols first appear.
            for (const QString &symbol : {u"BTC-USD"_qs, u"ETH-USD"_qs}) {
                qint64 first = 0;
                qint64 last = 0;
                for (const Tick &k : std::as_const(batch)) {
                    if (k.symbol == symbol) {
                        first = first ? first : k.seq;
                        last = k.seq;
                    }
                }
                expected.append({symbol, first, last});
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(gotA->size(), expected.size(), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(gotB->size(), expected.size(), 10'000);
        QCOMPARE(*gotA, expected);
        QCOMPARE(*gotB, expected);
        // Another prefix is another history: not heard.
        m_prefix += u"-other"_qs;
        auto other = store(m_server->url());
        TickList foreign{tick(u"BTC-USD"_qs, 1)};
        QVERIFY(other->append(foreign, nullptr));
        QTest::qWait(100);
        QCOMPARE(gotA->size(), expected.size());
    }

    void skipsItsOwnWriter()
    {
        auto mine = store(m_server->url());
        auto theirs = store(m_server->url());
        auto n = notifier(m_server->url());
        n->setIgnoredWriter(mine->writerId());
        QList<Notice> *got = record(*n, this);
        n->start();
        QTRY_VERIFY_WITH_TIMEOUT(n->isSubscribed(), 10'000);
        TickList a{tick(u"X"_qs, 1), tick(u"X"_qs, 2)};
        QVERIFY(mine->append(a, nullptr));
        TickList b{tick(u"X"_qs, 3)};
        QVERIFY(theirs->append(b, nullptr));
        QTRY_COMPARE_WITH_TIMEOUT(got->size(), 1, 10'000);
        QCOMPARE(got->first(), Notice(u"X"_qs, 3, 3));
        QTRY_COMPARE_WITH_TIMEOUT(n->notificationsReceived(), 2, 10'000);
    }

    void resubscribesAfterRedisRestarts()
    {
        auto n = notifier(m_server->url());
        QList<Notice> *got = record(*n, this);
        QSignalSpy subscribed(n.get(), &RedisNotifier::subscribed);
        QSignalSpy unsubscribed(n.get(), &RedisNotifier::unsubscribed);
        n->start();
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, 10'000);

        m_server->kill();
        QTRY_COMPARE_WITH_TIMEOUT(unsubscribed.size(), 1, 10'000);
        QVERIFY(!n->isSubscribed());
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 20'000);
        auto writer = store(m_server->url());
        TickList batch{tick(u"Z"_qs, 1)};
        QVERIFY(writer->append(batch, nullptr));
        QTRY_COMPARE_WITH_TIMEOUT(got->size(), 1, 10'000);
        QCOMPARE(std::get<0>(got->first()), u"Z"_qs);
    }

    void unreachableKeepsRetrying()
    {
        auto n = notifier(u"redis://127.0.0.1:%1"_qs.arg(test::freePort(false)));
        n->start();
        QTRY_VERIFY_WITH_TIMEOUT(n->retryLoop().consecutiveFailures() >= 2, 10'000);
        QVERIFY(!n->isSubscribed());
        QVERIFY2(n->retryLoop().lastError().contains(u"unreachable"_qs) ||
                     n->retryLoop().lastError().contains(u"refused"_qs),
                 qPrintable(n->retryLoop().lastError()));
        n->stop();
    }

    void clusterSubscriptionHearsEveryNode()
    {
        test::RedisClusterProcess cluster;
        QString error;
        QVERIFY2(cluster.start(&error), qPrintable(error));
        auto n = notifier(cluster.url());
        QList<Notice> *got = record(*n, this);
        n->start();
        QTRY_VERIFY_WITH_TIMEOUT(n->isSubscribed(), 10'000);
        auto writer = store(cluster.url());
        // Symbols on every master; the subscription is on one of them.
        TickList batch;
        QSet<int> owners;
        for (int i = 0; i < 12; ++i) {
            const QString symbol = u"SYM-%1"_qs.arg(i);
            batch.append(tick(symbol, i));
            owners.insert(cluster.ownerOf(RedisClusterRouter::keySlot(symbol.toUtf8())));
        }
        QCOMPARE(owners.size(), test::RedisClusterProcess::Masters);
        QVERIFY2(writer->append(batch, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(got->size(), 12, 10'000);
        QSet<QString> symbols;
        for (const Notice &notice : std::as_const(*got))
            symbols.insert(std::get<0>(notice));
        QCOMPARE(symbols.size(), 12);
    }
};

QTEST_GUILESS_MAIN(tst_RedisNotifier)
#include "tst_redisnotifier.moc"
