// Faults around a shared Redis, with real processes: Redis killed under load and brought back
// on the same port and data (tickscope is not restarted), and a tickscope server killed while
// it publishes through Redis. Acknowledged ticks survive both, q never repeats or skips, the
// epoch stays, and viewers end up with every tick once and in order.

#include "Producer.h"
#include "RedisServerProcess.h"
#include "Scaleout.h"
#include "ServerProcess.h"
#include "Wait.h"
#include "WsClient.h"

#include <QJsonArray>
#include <QTest>

using namespace tickscope;
using namespace tickscope::test;

namespace {

const QString RedisUp = u"tickscope_redis_up"_qs;

bool readyzIs(const ServerProcess &server, int status)
{
    return server.httpGet("/readyz", {}, 10000).status == status;
}

bool metricIs(const ServerProcess &server, const QString &series, double value)
{
    const auto sample = server.metric(series);
    return sample && *sample == value;
}

QString describeMetric(const ServerProcess &server, const QString &series)
{
    const auto sample = server.metric(series);
    return sample ? QString::number(*sample) : u"absent"_qs;
}

} // namespace

class tst_RedisFaults : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(!ServerProcess::binary().isEmpty(), "TICKSCOPE_BINARY is not set");
        if (!haveRedis())
            QSKIP("redis-server and redis-cli are not installed");
    }

    void redisKilledAndRestarted()
    {
        // appendfsync always: every tick Redis accepted is on disk before the reply.
        RedisServerProcess redis(RedisServerProcess::Options{true, false});
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        ServerProcess a;
        ServerProcess b;
        QVERIFY2(Scaleout::start(a, redis.url(), &error), qPrintable(error));
        QVERIFY2(Scaleout::start(b, redis.url(), &error), qPrintable(error));
        const QString token = Scaleout::token(a);
        QVERIFY2(!token.isEmpty(), qPrintable(a.error()));
        QVERIFY(metricIs(a, RedisUp, 1));

        const QStringList symbols{u"RF-1"_qs, u"RF-2"_qs, u"RF-3"_qs};
        const auto viewerA = Scaleout::connect(a, token, &error);
        QVERIFY2(viewerA, qPrintable(error));
        const auto viewerB = Scaleout::connect(b, token, &error);
        QVERIFY2(viewerB, qPrintable(error));
        const QString epoch = viewerA->epoch();
        QCOMPARE(viewerB->epoch(), epoch);
        for (WsClient *viewer : {viewerA.get(), viewerB.get()})
            QVERIFY2(Scaleout::subscribe(*viewer, symbols, &error), qPrintable(error));
        // Opened before the outage: one publish during it, checked by hand.
        const auto single = Scaleout::connect(a, token, &error);
        QVERIFY2(single, qPrintable(error));
        const auto connection = Scaleout::connect(a, token, &error);
        QVERIFY2(connection, qPrintable(error));
        TickLedger ledger;
        Producer producer(connection.get(), &ledger, {symbols, 6, 4, -1, 1e6});
        producer.start();
        QVERIFY2(waitUntil([&] { return ledger.total() >= 300; }, 60000),
                 qPrintable(u"only %1 ticks acknowledged"_qs.arg(ledger.total())));

        // --- the outage ---
        redis.kill();
        QVERIFY2(waitUntil([&] { return readyzIs(a, 503) && readyzIs(b, 503); }, 60000),
                 "/readyz did not turn 503");
        {
            const HttpReply ready = a.httpGet("/readyz");
            QCOMPARE(ready.status, 503);
            QVERIFY2(ready.header("content-type").value_or(QByteArray()).contains("json"),
                     ready.describe().constData());
            QCOMPARE(ready.errorCode(), u"unavailable"_qs);
            QVERIFY(
                !ready.json().value(u"error").toObject().value(u"message").toString().isEmpty());
        }
        QVERIFY2(
            waitUntil([&] { return metricIs(a, RedisUp, 0) && metricIs(b, RedisUp, 0); }, 60000),
            qPrintable(u"tickscope_redis_up: A %1, B %2"_qs.arg(describeMetric(a, RedisUp),
                                                                describeMetric(b, RedisUp))));
        {
            const auto reply = single->publish(
                QJsonArray{WsClient::tick(symbols.first(), 42.5, 1, 1'700'000'000'000'000)}, 60000);
            QVERIFY(reply);
            QCOMPARE(reply->op(), u"error"_qs);
            QCOMPARE(reply->errorCode(), u"unavailable"_qs);
            QVERIFY2(reply->json.value(u"retry_after_ms").toInteger() > 0, reply->raw.constData());
        }
        QVERIFY2(waitUntil([&] { return !producer.errors().isEmpty(); }, 60000),
                 "the producer was never refused during the outage");
        const qint64 ackedInOutage = ledger.total();
        spin(2000); // the outage lasts; viewers stay, nothing gets acknowledged
        QCOMPARE(ledger.total(), ackedInOutage);
        QVERIFY(viewerA->isConnected() && viewerB->isConnected());
        QVERIFY(!viewerA->isDisconnected() && !viewerB->isDisconnected());
        for (const QJsonObject &refusal : producer.errors()) {
            QCOMPARE(refusal.value(u"code").toString(), u"unavailable"_qs);
            QVERIFY(refusal.value(u"retry_after_ms").toInteger() > 0);
        }
        QHash<QString, qint64> lastBefore;
        for (const QString &symbol : symbols)
            lastBefore.insert(symbol, ledger.last(symbol));

        // --- Redis comes back on the same port with the same data; tickscope stays up ---
        QVERIFY2(redis.start(&error), qPrintable(error));
        QVERIFY2(waitUntil([&] { return readyzIs(a, 200) && readyzIs(b, 200); }, 60000),
                 qPrintable(QString::fromLatin1(a.httpGet("/readyz").describe())));
        QVERIFY2(
            waitUntil([&] { return metricIs(a, RedisUp, 1) && metricIs(b, RedisUp, 1); }, 60000),
            qPrintable(u"tickscope_redis_up: A %1, B %2"_qs.arg(describeMetric(a, RedisUp),
                                                                describeMetric(b, RedisUp))));
        const qint64 ackedAtReturn = producer.ackedTicks();
        QVERIFY2(waitUntil([&] { return producer.ackedTicks() >= ackedAtReturn + 300; }, 60000),
                 "publishing did not resume after Redis returned");
        producer.stop();
        QVERIFY(waitUntil([&] { return producer.finished(); }, 60000));
        QVERIFY2(producer.problem().isEmpty(), qPrintable(producer.problem()));
        QVERIFY(connection->isConnected());

        for (const QString &symbol : symbols) {
            // q continues after the acknowledged ticks of before the outage.
            QVERIFY(ledger.last(symbol) > lastBefore.value(symbol));
            // Ticks stored but not acknowledged (a reply lost in the kill) may exist: what is
            // stored is 1..last with each q once, and every acknowledged tick is there.
            const auto stored = Scaleout::lastSeq(a, token, symbol);
            QVERIFY(stored);
            QVERIFY(*stored >= ledger.last(symbol));
            const qint64 last = *stored;
            for (const ServerProcess *server : {&a, &b}) {
                const QString wrong =
                    Scaleout::checkStored(*server, token, ledger, symbol, last, false);
                QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            }
            // The viewers came back by themselves: everything, once, in order.
            for (const auto &[who, viewer] : {std::pair{u"viewer on A"_qs, viewerA.get()},
                                              std::pair{u"viewer on B"_qs, viewerB.get()}}) {
                const QString wrong =
                    Scaleout::awaitTicks(*viewer, who, ledger, symbol, 1, last, false);
                QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            }
        }
        QVERIFY(viewerA->gaps().isEmpty() && viewerB->gaps().isEmpty());
        QVERIFY(viewerA->isConnected() && viewerB->isConnected());
        // The epoch survived the Redis restart (its data came back from the append-only file).
        const auto late = Scaleout::connect(b, token, &error);
        QVERIFY2(late, qPrintable(error));
        QCOMPARE(late->epoch(), epoch);
    }

    // B's subscription to Redis notifications breaks while Redis itself is fine (here: its
    // Redis user loses the pub/sub channels, so the subscription is dropped and refused). B's
    // live viewers must still get the ticks A stores, from the store, without waiting for the
    // subscription to come back; and once it is back, nothing comes twice.
    void notificationsLostStoreUp()
    {
        RedisServerProcess redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        ServerProcess a;
        ServerProcess b;
        QVERIFY2(Scaleout::startWithOwnUsers(redis, a, b, &error), qPrintable(error));
        const QString token = Scaleout::token(a);
        QVERIFY2(!token.isEmpty(), qPrintable(a.error()));
        const QString symbol = u"RN-1"_qs;

        const auto viewerB = Scaleout::connect(b, token, &error);
        QVERIFY2(viewerB, qPrintable(error));
        QVERIFY2(Scaleout::subscribe(*viewerB, {symbol}, &error), qPrintable(error));
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
        QString wrong =
            Scaleout::awaitTicks(*viewerB, u"viewer on B"_qs, ledger, symbol, 1, 10, true);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));

        QVERIFY2(Scaleout::setRedisUser(redis, u"server-b"_qs, {u"resetchannels"_qs}, &error),
                 qPrintable(error));
        QVERIFY(publish(4));
        QCOMPARE(ledger.last(symbol), 30);
        wrong = Scaleout::awaitTicks(*viewerB, u"viewer on B, notifications cut"_qs, ledger, symbol,
                                     1, 30, true);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        QVERIFY(readyzIs(b, 200));

        QVERIFY2(Scaleout::setRedisUser(redis, u"server-b"_qs, {u"&*"_qs}, &error),
                 qPrintable(error));
        QVERIFY(publish(2));
        wrong = Scaleout::awaitTicks(*viewerB, u"viewer on B, notifications back"_qs, ledger,
                                     symbol, 1, 40, true);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        spin(1500); // a late resync or poll must not send anything again
        wrong = ledger.check(symbol, viewerB->ticks(symbol), 1, 40, true);
        QVERIFY2(wrong.isEmpty(), qPrintable(u"viewer on B: "_qs + wrong));
    }

    void serverKilledWhilePublishing()
    {
        RedisServerProcess redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        ServerProcess a;
        ServerProcess b;
        QVERIFY2(Scaleout::start(a, redis.url(), &error), qPrintable(error));
        QVERIFY2(Scaleout::start(b, redis.url(), &error), qPrintable(error));
        const QString token = Scaleout::token(a);
        QVERIFY2(!token.isEmpty(), qPrintable(a.error()));

        const QStringList symbols{u"RK-1"_qs, u"RK-2"_qs};
        const auto viewerA = Scaleout::connect(a, token, &error);
        QVERIFY2(viewerA, qPrintable(error));
        const auto viewerB = Scaleout::connect(b, token, &error);
        QVERIFY2(viewerB, qPrintable(error));
        const QString epoch = viewerA->epoch();
        for (WsClient *viewer : {viewerA.get(), viewerB.get()})
            QVERIFY2(Scaleout::subscribe(*viewer, symbols, &error), qPrintable(error));

        TickLedger ledger;
        const auto connection = Scaleout::connect(a, token, &error);
        QVERIFY2(connection, qPrintable(error));
        Producer producer(connection.get(), &ledger, {symbols, 6, 16, -1, 1e6});
        producer.start();
        QVERIFY2(waitUntil([&] { return ledger.total() >= 400; }, 60000),
                 qPrintable(u"only %1 ticks acknowledged"_qs.arg(ledger.total())));
        a.kill(); // SIGKILL with publishes in flight
        producer.stop();
        QVERIFY(connection->waitForDisconnected());
        QVERIFY(viewerA->waitForDisconnected());
        QVERIFY(waitUntil([&] { return producer.finished(); }));
        QVERIFY2(producer.problem().isEmpty(), qPrintable(producer.problem()));
        qInfo("publish commands unanswered at the kill: %lld", qint64(producer.outstanding()));
        const QHash<QString, qint64> seenOnA = Scaleout::lastSeen(*viewerA, symbols);

        QVERIFY2(a.restart(60000), qPrintable(a.error()));
        const auto resumed = Scaleout::connect(a, token, &error);
        QVERIFY2(resumed, qPrintable(error));
        QCOMPARE(resumed->epoch(), epoch);
        {
            const auto reply = Scaleout::subscribe(*resumed, symbols, &error, epoch, seenOnA);
            QVERIFY2(reply, qPrintable(error));
            for (const QString &symbol : symbols) {
                const QJsonObject entry =
                    reply->value(u"symbols").toObject().value(symbol).toObject();
                QVERIFY(entry.value(u"recovered").toBool());
                QCOMPARE(entry.value(u"next").toInteger(), seenOnA.value(symbol) + 1);
            }
        }
        // Written before the kill, acknowledged or not: the next q follows the stored ones.
        QHash<QString, qint64> storedBefore;
        for (const QString &symbol : symbols) {
            const auto stored = Scaleout::lastSeq(a, token, symbol);
            QVERIFY(stored);
            QVERIFY2(
                *stored >= ledger.last(symbol),
                qPrintable(
                    u"%1: stored up to %2, acknowledged up to %3"_qs.arg(symbol).arg(*stored).arg(
                        ledger.last(symbol))));
            storedBefore.insert(symbol, *stored);
        }
        const auto again = Scaleout::connect(a, token, &error);
        QVERIFY2(again, qPrintable(error));
        {
            Producer first(again.get(), &ledger,
                           {symbols, int(symbols.size()), 1, 1, 5e6}); // one tick per symbol
            first.start();
            QVERIFY(waitUntil([&] { return first.finished(); }, 60000));
            QCOMPARE(first.acked(), 1);
            for (const QString &symbol : symbols)
                QCOMPARE(ledger.last(symbol), storedBefore.value(symbol) + 1);
        }
        Producer more(again.get(), &ledger, {symbols, 6, 8, 40, 6e6});
        more.start();
        QVERIFY(waitUntil([&] { return more.finished(); }, 60000));
        QVERIFY2(more.problem().isEmpty(), qPrintable(more.problem()));
        QCOMPARE(more.acked(), 40);

        for (const QString &symbol : symbols) {
            const qint64 last = ledger.last(symbol);
            QCOMPARE(Scaleout::lastSeq(a, token, symbol), std::optional<qint64>(last));
            for (const ServerProcess *server : {&a, &b}) {
                const QString wrong =
                    Scaleout::checkStored(*server, token, ledger, symbol, last, false);
                QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            }
            QString wrong =
                Scaleout::awaitTicks(*viewerB, u"viewer on B"_qs, ledger, symbol, 1, last, false);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
            wrong = ledger.check(symbol, viewerA->ticks(symbol), 1, seenOnA.value(symbol), false);
            QVERIFY2(wrong.isEmpty(), qPrintable(u"viewer on A before the kill: "_qs + wrong));
            wrong = Scaleout::awaitTicks(*resumed, u"viewer resumed on A"_qs, ledger, symbol,
                                         seenOnA.value(symbol) + 1, last, false);
            QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        }
        QVERIFY(viewerB->gaps().isEmpty() && resumed->gaps().isEmpty());
        QVERIFY(viewerB->isConnected());
    }
};

QTEST_GUILESS_MAIN(tst_RedisFaults)
#include "tst_redisfaults.moc"
