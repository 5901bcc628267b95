// Protocol 6.5 with real processes: two tickscope servers on one Redis (a single server or a
// Redis Cluster of three masters) serve the same ticks with the same q and epoch, whichever
// server they were published on, and a viewer may move from one server to the other with
// `since` and lose nothing.

#include "Producer.h"
#include "RedisServerProcess.h"
#include "Scaleout.h"
#include "ServerProcess.h"
#include "Wait.h"
#include "WsClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace tickscope;
using namespace tickscope::test;

namespace {

// One Redis deployment for the duration of a test.
class SharedRedis
{
public:
    bool start(bool cluster, QString *error)
    {
        if (cluster) {
            m_cluster = std::make_unique<RedisClusterProcess>();
            return m_cluster->start(error);
        }
        m_single = std::make_unique<RedisServerProcess>();
        return m_single->start(error);
    }
    QString url() const { return m_cluster ? m_cluster->url() : m_single->url(); }

private:
    std::unique_ptr<RedisServerProcess> m_single;
    std::unique_ptr<RedisClusterProcess> m_cluster;
};

// Empty when a `subscribed` reply resumes every symbol at `next` (recovered).
QString checkSubscribed(const QJsonObject &reply, const QHash<QString, qint64> &next)
{
    const QJsonObject symbols = reply.value(u"symbols").toObject();
    for (auto it = next.cbegin(); it != next.cend(); ++it) {
        const QJsonObject entry = symbols.value(it.key()).toObject();
        if (!entry.value(u"recovered").toBool() || entry.value(u"next").toInteger() != it.value()) {
            return u"%1: expected recovered true, next %2 in %3"_qs.arg(it.key())
                .arg(it.value())
                .arg(QString::fromUtf8(QJsonDocument(reply).toJson(QJsonDocument::Compact)));
        }
    }
    return {};
}

QHash<QString, qint64> allAt(const QStringList &symbols, qint64 next)
{
    QHash<QString, qint64> result;
    for (const QString &symbol : symbols)
        result.insert(symbol, next);
    return result;
}

} // namespace

class tst_SharedHistory : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(!ServerProcess::binary().isEmpty(), "TICKSCOPE_BINARY is not set");
        if (!haveRedis())
            QSKIP("redis-server and redis-cli are not installed");
    }

    // Producers on A; viewers on A and on B get every tick once, in order, with the same q
    // and values; a viewer that moves from A to B with `since` loses nothing and gets
    // nothing twice.
    void twoServersOneStream_data()
    {
        QTest::addColumn<bool>("cluster");
        QTest::newRow("redis") << false;
        QTest::newRow("cluster") << true;
    }
    void twoServersOneStream()
    {
        QFETCH(bool, cluster);
        SharedRedis redis;
        QString error;
        QVERIFY2(redis.start(cluster, &error), qPrintable(error));
        ServerProcess a;
        ServerProcess b;
        QVERIFY2(Scaleout::start(a, redis.url(), &error), qPrintable(error));
        QVERIFY2(Scaleout::start(b, redis.url(), &error), qPrintable(error));
        // Minted with A's command line, accepted by B: the servers share the secret.
        const QString token = Scaleout::token(a);
        QVERIFY2(!token.isEmpty(), qPrintable(a.error()));

        const QStringList symbols{u"SH-BTC"_qs, u"SH-ETH"_qs, u"SH-SOL"_qs, u"SH-XRP"_qs,
                                  u"SH-ADA"_qs};
        const auto viewerA = Scaleout::connect(a, token, &error);
        QVERIFY2(viewerA, qPrintable(error));
        const auto viewerB = Scaleout::connect(b, token, &error);
        QVERIFY2(viewerB, qPrintable(error));
        const auto moverOnA = Scaleout::connect(a, token, &error);
        QVERIFY2(moverOnA, qPrintable(error));
        const QString epoch = viewerA->epoch();
        QVERIFY(!epoch.isEmpty());
        QCOMPARE(viewerB->epoch(), epoch);
        QCOMPARE(moverOnA->epoch(), epoch);
        for (WsClient *viewer : {viewerA.get(), viewerB.get(), moverOnA.get()}) {
            const auto reply = Scaleout::subscribe(*viewer, symbols, &error);
            QVERIFY2(reply, qPrintable(error));
            const QString wrong = checkSubscribed(*reply, allAt(symbols, 1));
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }

        const auto connection1 = Scaleout::connect(a, token, &error);
        QVERIFY2(connection1, qPrintable(error));
        const auto connection2 = Scaleout::connect(a, token, &error);
        QVERIFY2(connection2, qPrintable(error));
        TickLedger ledger;
        QStringList reversed = symbols;
        std::reverse(reversed.begin(), reversed.end());
        Producer producer1(connection1.get(), &ledger, {symbols, 7, 12, -1, 1e6});
        Producer producer2(connection2.get(), &ledger, {reversed, 5, 12, -1, 2e6});
        producer1.start();
        producer2.start();

        // The move, mid-stream: the producers keep going while the viewer leaves A and joins B.
        QVERIFY2(waitUntil(
                     [&] {
                         for (const QString &symbol : symbols) {
                             if (moverOnA->tickCount(symbol) < 3)
                                 return false;
                         }
                         return true;
                     },
                     60000),
                 "the viewer on A got no ticks");
        moverOnA->close();
        QVERIFY(moverOnA->waitForDisconnected());
        const QHash<QString, qint64> seen = Scaleout::lastSeen(*moverOnA, symbols);
        const auto moverOnB = Scaleout::connect(b, token, &error);
        QVERIFY2(moverOnB, qPrintable(error));
        QCOMPARE(moverOnB->epoch(), epoch);
        {
            const auto reply = Scaleout::subscribe(*moverOnB, symbols, &error, epoch, seen);
            QVERIFY2(reply, qPrintable(error));
            QHash<QString, qint64> next;
            for (auto it = seen.cbegin(); it != seen.cend(); ++it)
                next.insert(it.key(), it.value() + 1);
            const QString wrong = checkSubscribed(*reply, next);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }
        QVERIFY2(
            waitUntil(
                [&] {
                    for (const QString &symbol : symbols) {
                        if (moverOnB->tickCount(symbol) < 3)
                            return false;
                    }
                    return ledger.total() >= 2000;
                },
                120000),
            qPrintable(u"the producers stalled at %1 acknowledged ticks"_qs.arg(ledger.total())));
        producer1.stop();
        producer2.stop();
        QVERIFY(waitUntil([&] { return producer1.finished() && producer2.finished(); }, 60000));
        QVERIFY2(producer1.problem().isEmpty(), qPrintable(producer1.problem()));
        QVERIFY2(producer2.problem().isEmpty(), qPrintable(producer2.problem()));
        QVERIFY(producer1.errors().isEmpty() && producer2.errors().isEmpty());
        QCOMPARE(producer1.acked(), producer1.sent());
        QCOMPARE(producer2.acked(), producer2.sent());

        for (const QString &symbol : symbols) {
            const qint64 last = ledger.last(symbol);
            QVERIFY2(ledger.checkComplete(symbol).isEmpty(),
                     qPrintable(ledger.checkComplete(symbol)));
            QVERIFY(seen.value(symbol) < last);
            // Exactly once, in order, with the acknowledged values, on both servers; the
            // mover's two connections together hold everything once.
            QString wrong =
                Scaleout::awaitTicks(*viewerA, u"viewer on A"_qs, ledger, symbol, 1, last, true);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            wrong =
                Scaleout::awaitTicks(*viewerB, u"viewer on B"_qs, ledger, symbol, 1, last, true);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            wrong = ledger.check(symbol, moverOnA->ticks(symbol), 1, seen.value(symbol), true);
            QVERIFY2(wrong.isEmpty(), qPrintable(u"mover on A: "_qs + wrong));
            wrong = Scaleout::awaitTicks(*moverOnB, u"mover on B"_qs, ledger, symbol,
                                         seen.value(symbol) + 1, last, true);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            for (const ServerProcess *server : {&a, &b}) {
                wrong = Scaleout::checkStored(*server, token, ledger, symbol, last, true);
                QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            }
        }
        QVERIFY(viewerA->gaps().isEmpty() && viewerB->gaps().isEmpty());
        QVERIFY(moverOnA->gaps().isEmpty() && moverOnB->gaps().isEmpty());
    }

    // A server learns of ticks stored by another one asynchronously. A viewer that moves to
    // a server which has not heard of them yet must still resume exactly where it was: the
    // shared store, not that server's view of it, decides whether `since` is recovered. B is
    // made to lag by taking the pub/sub channels away from its Redis user (Redis drops its
    // subscription and refuses a new one) while its reads keep working; as B may still poll
    // the store now and then, A publishes until the viewer is ahead of what B knows.
    void viewerMovesToLaggingServer()
    {
        RedisServerProcess redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        ServerProcess a;
        ServerProcess b;
        QVERIFY2(Scaleout::startWithOwnUsers(redis, a, b, &error), qPrintable(error));
        const QString token = Scaleout::token(a);
        QVERIFY2(!token.isEmpty(), qPrintable(a.error()));
        const QString symbol = u"SH-LAG"_qs;

        const auto viewer = Scaleout::connect(a, token, &error);
        QVERIFY2(viewer, qPrintable(error));
        const QString epoch = viewer->epoch();
        QVERIFY2(Scaleout::subscribe(*viewer, {symbol}, &error), qPrintable(error));
        const auto onA = Scaleout::connect(a, token, &error);
        QVERIFY2(onA, qPrintable(error));
        TickLedger ledger;
        double base = 1e6;
        const auto publish = [&](int commands) {
            Producer producer(onA.get(), &ledger, {{symbol}, 5, 4, commands, base});
            base += 1e6;
            producer.start();
            return waitUntil([&] { return producer.finished(); }, 60000) &&
                   producer.acked() == commands;
        };
        QVERIFY(publish(2));
        QVERIFY(waitUntil([&] { return Scaleout::lastSeq(b, token, symbol) == 10; }, 60000));

        // B's notifications stop; A's publishes go on.
        QVERIFY2(Scaleout::setRedisUser(redis, u"server-b"_qs, {u"resetchannels"_qs}, &error),
                 qPrintable(error));
        qint64 seen = 0;
        for (int attempt = 0; attempt < 10; ++attempt) {
            QVERIFY(publish(2));
            seen = ledger.last(symbol);
            const QString wrong =
                Scaleout::awaitTicks(*viewer, u"viewer on A"_qs, ledger, symbol, 1, seen, true);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            if (Scaleout::lastSeq(b, token, symbol).value_or(0) < seen)
                break;
            seen = 0;
        }
        QVERIFY2(seen > 0, "B always knew the newest ticks: the lagging case did not happen");

        const auto moved = Scaleout::connect(b, token, &error);
        QVERIFY2(moved, qPrintable(error));
        QCOMPARE(moved->epoch(), epoch);
        const auto reply = Scaleout::subscribe(*moved, {symbol}, &error, epoch, {{symbol, seen}});
        QVERIFY2(reply, qPrintable(error));
        const QJsonObject entry = reply->value(u"symbols").toObject().value(symbol).toObject();
        QVERIFY2(
            entry.value(u"recovered").toBool() && entry.value(u"next").toInteger() == seen + 1,
            qPrintable(u"resuming after q %1, B answered "_qs.arg(seen) +
                       QString::fromUtf8(QJsonDocument(*reply).toJson(QJsonDocument::Compact))));

        // B's notifications come back; the moved viewer gets what follows, once.
        QVERIFY2(Scaleout::setRedisUser(redis, u"server-b"_qs, {u"&*"_qs}, &error),
                 qPrintable(error));
        QVERIFY(publish(1));
        const QString wrong = Scaleout::awaitTicks(*moved, u"moved viewer"_qs, ledger, symbol,
                                                   seen + 1, ledger.last(symbol), true);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    }

    // Producers on A and on B write into the same symbols at the same time: the store hands
    // out q once, contiguous, and every server and viewer agrees on what each q holds.
    void bothServersPublishOneSymbol()
    {
        SharedRedis redis;
        QString error;
        QVERIFY2(redis.start(false, &error), qPrintable(error));
        ServerProcess a;
        ServerProcess b;
        QVERIFY2(Scaleout::start(a, redis.url(), &error), qPrintable(error));
        QVERIFY2(Scaleout::start(b, redis.url(), &error), qPrintable(error));
        const QString token = Scaleout::token(a);
        QVERIFY2(!token.isEmpty(), qPrintable(a.error()));

        const QStringList symbols{u"SH-BOTH"_qs, u"SH-BOTH.2"_qs};
        const auto viewerA = Scaleout::connect(a, token, &error);
        QVERIFY2(viewerA, qPrintable(error));
        const auto viewerB = Scaleout::connect(b, token, &error);
        QVERIFY2(viewerB, qPrintable(error));
        for (WsClient *viewer : {viewerA.get(), viewerB.get()})
            QVERIFY2(Scaleout::subscribe(*viewer, symbols, &error), qPrintable(error));

        const auto onA = Scaleout::connect(a, token, &error);
        QVERIFY2(onA, qPrintable(error));
        const auto onB = Scaleout::connect(b, token, &error);
        QVERIFY2(onB, qPrintable(error));
        TickLedger ledger; // shared: a q acknowledged by both servers is caught on record
        constexpr int Commands = 80;
        Producer producerA(onA.get(), &ledger, {symbols, 6, 8, Commands, 1e6});
        Producer producerB(onB.get(), &ledger, {symbols, 4, 8, Commands, 2e6});
        producerA.start();
        producerB.start();
        QVERIFY(waitUntil([&] { return producerA.finished() && producerB.finished(); }, 120000));
        QVERIFY2(producerA.problem().isEmpty(), qPrintable(producerA.problem()));
        QVERIFY2(producerB.problem().isEmpty(), qPrintable(producerB.problem()));
        QCOMPARE(producerA.acked(), Commands);
        QCOMPARE(producerB.acked(), Commands);

        const qint64 perSymbol = (Commands * 6 + Commands * 4) / 2;
        for (const QString &symbol : symbols) {
            QCOMPARE(ledger.last(symbol), perSymbol);
            QVERIFY2(ledger.checkComplete(symbol).isEmpty(),
                     qPrintable(ledger.checkComplete(symbol)));
            for (const auto &[who, viewer] : {std::pair{u"viewer on A"_qs, viewerA.get()},
                                              std::pair{u"viewer on B"_qs, viewerB.get()}}) {
                const QString wrong =
                    Scaleout::awaitTicks(*viewer, who, ledger, symbol, 1, perSymbol, true);
                QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            }
            for (const ServerProcess *server : {&a, &b}) {
                const QString wrong =
                    Scaleout::checkStored(*server, token, ledger, symbol, perSymbol, true);
                QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            }
        }
        QVERIFY(viewerA->gaps().isEmpty() && viewerB->gaps().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_SharedHistory)
#include "tst_sharedhistory.moc"
