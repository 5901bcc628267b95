// Durability of PROTOCOL.md sections 5, 6 and 9 with the real binary: restarts keep the
// epoch and q, SIGTERM is graceful, and a SIGKILL in the middle of a stream loses no
// acknowledged tick and never gives a q two meanings.

#include "ServerProcess.h"
#include "Wait.h"
#include "WsClient.h"

#include <QJsonArray>
#include <QTest>
#include <map>
#include <memory>

using namespace tickscope;
using namespace tickscope::test;

namespace {

QJsonObject op(const QString &name, QJsonObject fields = {})
{
    fields.insert(u"op"_qs, name);
    return fields;
}

// A tick's identity for comparison: p, v and t (q is the key it is stored under).
struct TickValues
{
    double p = 0;
    double v = 0;
    qint64 t = 0;
    friend bool operator==(const TickValues &, const TickValues &) = default;
};

TickValues valuesOf(const QJsonObject &tick)
{
    return {tick.value(u"p").toDouble(), tick.value(u"v").toDouble(), tick.value(u"t").toInteger()};
}

} // namespace

class tst_Durability : public QObject
{
    Q_OBJECT
private:
    // Every stored tick of `symbol`, following `next` through /api/v1/ticks; empty with
    // *error set when a page fails.
    static QList<QJsonObject> storedTicks(const ServerProcess &server, const QString &token,
                                          const QString &symbol, QString *error)
    {
        QList<QJsonObject> all;
        qint64 from = 1;
        for (;;) {
            const HttpReply reply =
                server.httpGet("/api/v1/ticks?limit=1000&symbol=" + symbol.toLatin1() +
                                   "&from=" + QByteArray::number(from),
                               HttpClient::bearer(token));
            if (reply.status != 200) {
                *error = QString::fromLatin1(reply.describe());
                return {};
            }
            for (const QJsonValue &tick : reply.json().value(u"ticks").toArray())
                all.append(tick.toObject());
            const QJsonValue next = reply.json().value(u"next");
            if (next.isNull())
                return all;
            from = next.toInteger();
        }
    }

    static std::unique_ptr<WsClient> connectTo(const ServerProcess &server, const QString &token)
    {
        auto client = std::make_unique<WsClient>();
        if (!client->open(server.url(), token)) {
            qWarning("connect failed: %s", qPrintable(client->errorString()));
            return nullptr;
        }
        return client;
    }

    static std::pair<qint64, qint64> publish(WsClient &producer, const QString &symbol, int count,
                                             double base = 1.0)
    {
        QJsonArray ticks;
        for (int i = 0; i < count; ++i)
            ticks.append(WsClient::tick(symbol, base + i, 0.5, 1'700'000'000'000'000 + i));
        const auto reply = producer.publish(ticks);
        if (!reply || reply->op() != u"published")
            return {0, 0};
        const QJsonArray range = reply->json.value(u"seq").toObject().value(symbol).toArray();
        return {range.at(0).toInteger(), range.at(1).toInteger()};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!ServerProcess::binary().isEmpty(), "TICKSCOPE_BINARY is not set");
    }

    void restartKeepsEpochAndSeq()
    {
        ServerProcess server;
        QVERIFY2(server.start({u"--store"_qs, u"sqlite"_qs}), qPrintable(server.error()));
        const QString token =
            server.mintToken(u"p"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        QString epoch;
        {
            const auto producer = connectTo(server, token);
            QVERIFY(producer);
            epoch = producer->epoch();
            QCOMPARE(publish(*producer, u"RS-1"_qs, 20), std::make_pair(qint64(1), qint64(20)));
        }
        server.terminate();
        QCOMPARE(server.waitForExit(), 0);
        QVERIFY2(server.restart(), qPrintable(server.error()));
        const auto producer = connectTo(server, token);
        QVERIFY(producer);
        QCOMPARE(producer->epoch(), epoch);
        QCOMPARE(publish(*producer, u"RS-1"_qs, 1, 100.0), std::make_pair(qint64(21), qint64(21)));
        QString error;
        const QList<QJsonObject> ticks = storedTicks(server, token, u"RS-1"_qs, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(ticks.size(), 21);
        for (qsizetype i = 0; i < 20; ++i) {
            QCOMPARE(ticks[i].value(u"q").toInteger(), i + 1);
            QCOMPARE(ticks[i].value(u"p").toDouble(), 1.0 + double(i));
        }
        QCOMPARE(ticks[20].value(u"p").toDouble(), 100.0);
        // The REST API agrees on the epoch.
        const HttpReply reply =
            server.httpGet("/api/v1/ticks?symbol=RS-1&from=21", HttpClient::bearer(token));
        QCOMPARE(reply.json().value(u"epoch").toString(), epoch);
    }

    // The memory store starts empty after a restart: a new epoch, q from 1 again.
    void memoryStoreRestartChangesEpoch()
    {
        ServerProcess server;
        QVERIFY2(server.start({u"--store"_qs, u"memory"_qs}), qPrintable(server.error()));
        const QString token =
            server.mintToken(u"p"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        QString epoch;
        {
            const auto producer = connectTo(server, token);
            QVERIFY(producer);
            epoch = producer->epoch();
            QCOMPARE(publish(*producer, u"MS-1"_qs, 5), std::make_pair(qint64(1), qint64(5)));
        }
        server.terminate();
        QCOMPARE(server.waitForExit(), 0);
        QVERIFY2(server.restart(), qPrintable(server.error()));
        const auto producer = connectTo(server, token);
        QVERIFY(producer);
        QVERIFY(producer->epoch() != epoch);
        QCOMPARE(publish(*producer, u"MS-1"_qs, 1), std::make_pair(qint64(1), qint64(1)));
    }

    // A viewer that reconnects with `since` after a restart gets exactly what it missed.
    void reconnectWithSinceAfterRestart()
    {
        ServerProcess server;
        QVERIFY2(server.start(), qPrintable(server.error()));
        const QString producerToken =
            server.mintToken(u"p"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        const QString viewerToken =
            server.mintToken(u"v"_qs, u"read"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        const QString symbol = u"RC-1"_qs;
        QString epoch;
        qint64 lastSeen = 0;
        {
            const auto producer = connectTo(server, producerToken);
            const auto viewer = connectTo(server, viewerToken);
            QVERIFY(producer && viewer);
            epoch = viewer->epoch();
            const auto reply =
                viewer->request(op(u"subscribe"_qs, {{u"symbols"_qs, QJsonArray{symbol}}}));
            QVERIFY(reply && reply->op() == u"subscribed");
            QCOMPARE(publish(*producer, symbol, 10), std::make_pair(qint64(1), qint64(10)));
            QVERIFY(viewer->waitForTicks(symbol, 10));
            lastSeen = viewer->seqs(symbol).constLast();
            server.terminate();
            QVERIFY(viewer->waitForDisconnected());
            QCOMPARE(viewer->closeCode(), 1001);
            QVERIFY(producer->waitForDisconnected());
            QCOMPARE(producer->closeCode(), 1001);
        }
        QCOMPARE(server.waitForExit(), 0);
        QCOMPARE(lastSeen, 10);

        QVERIFY2(server.restart(), qPrintable(server.error()));
        const auto producer = connectTo(server, producerToken);
        QVERIFY(producer);
        QCOMPARE(publish(*producer, symbol, 5, 11.0), std::make_pair(qint64(11), qint64(15)));
        const auto viewer = connectTo(server, viewerToken);
        QVERIFY(viewer);
        QCOMPARE(viewer->epoch(), epoch);
        const auto reply = viewer->request(
            op(u"subscribe"_qs,
               {{u"symbols"_qs, QJsonArray{symbol}},
                {u"since"_qs, QJsonObject{{u"epoch"_qs, epoch},
                                          {u"seq"_qs, QJsonObject{{symbol, lastSeen}}}}}}));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"subscribed"_qs);
        const QJsonObject state = reply->json.value(u"symbols").toObject().value(symbol).toObject();
        QCOMPARE(state.value(u"recovered").toBool(false), true);
        QCOMPARE(state.value(u"next").toInteger(), 11);
        QVERIFY(viewer->waitForTicks(symbol, 5));
        QCOMPARE(publish(*producer, symbol, 2, 16.0), std::make_pair(qint64(16), qint64(17)));
        QVERIFY(viewer->waitForTicks(symbol, 7));
        QVERIFY(viewer->request(op(u"ping"_qs)));
        QCOMPARE(viewer->checkSequence(symbol, 11, 17), QString());
        const QList<QJsonObject> got = viewer->ticks(symbol);
        for (qsizetype i = 0; i < got.size(); ++i)
            QCOMPARE(got[i].value(u"p").toDouble(), 11.0 + double(i));
    }

    // SIGTERM while producers stream: exit 0, viewers closed with 1001, everything
    // acknowledged is there after a restart. With kill = true, SIGKILL: no goodbye, and
    // still nothing acknowledged is lost and no q has two meanings.
    void stopMidStream_data()
    {
        QTest::addColumn<bool>("kill");
        QTest::newRow("SIGTERM") << false;
        QTest::newRow("SIGKILL") << true;
    }

    void stopMidStream()
    {
        QFETCH(bool, kill);
        ServerProcess server;
        QVERIFY2(server.start({u"--store"_qs, u"sqlite"_qs}), qPrintable(server.error()));
        const QString producerToken =
            server.mintToken(u"p"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        const QString viewerToken =
            server.mintToken(u"v"_qs, u"read"_qs, u"1h"_qs, {}, u"unlimited"_qs);

        constexpr int Producers = 3;
        constexpr int TicksPerCommand = 40;
        constexpr int Window = 8; // publishes in flight per connection
        constexpr qint64 AckedBeforeStop = 30'000;
        const QStringList shared{u"KT-SHARED-1"_qs, u"KT-SHARED-2"_qs};

        struct Producer
        {
            std::unique_ptr<WsClient> client;
            QString own;
            std::map<qint64, QList<QJsonObject>> inFlight; // by command id
            qint64 counter = 0;
        };
        std::vector<Producer> producers(Producers);
        QStringList symbols = shared;
        for (int i = 0; i < Producers; ++i) {
            producers[i].client = connectTo(server, producerToken);
            QVERIFY(producers[i].client);
            producers[i].own = u"KT-OWN-%1"_qs.arg(i);
            symbols.append(producers[i].own);
        }
        const QString epoch = producers[0].client->epoch();
        const auto viewer = connectTo(server, viewerToken);
        QVERIFY(viewer);
        const auto subscribed = viewer->request(
            op(u"subscribe"_qs, {{u"symbols"_qs, QJsonArray::fromStringList(symbols)}}));
        QVERIFY(subscribed && subscribed->op() == u"subscribed");

        // What the acknowledgements promise: symbol -> q -> values.
        QHash<QString, std::map<qint64, TickValues>> acked;
        qint64 ackedCount = 0;
        QString problem;
        const auto handleReplies = [&](Producer &producer) {
            while (auto reply = producer.client->next(0)) {
                if (reply->op() != u"published") {
                    if (reply->op() == u"error")
                        problem = QString::fromUtf8(reply->raw);
                    continue;
                }
                const auto it = producer.inFlight.find(reply->id().value_or(-1));
                if (it == producer.inFlight.end())
                    continue;
                const QJsonObject seq = reply->json.value(u"seq").toObject();
                // Ticks of one symbol got consecutive q in the order they were sent.
                QHash<QString, qint64> nextQ;
                for (auto s = seq.begin(); s != seq.end(); ++s)
                    nextQ.insert(s.key(), s.value().toArray().at(0).toInteger());
                for (const QJsonObject &tick : std::as_const(it->second)) {
                    const QString symbol = tick.value(u"s").toString();
                    const qint64 q = nextQ[symbol]++;
                    if (acked[symbol].count(q))
                        problem = u"q %1 of %2 acknowledged twice"_qs.arg(q).arg(symbol);
                    acked[symbol][q] = valuesOf(tick);
                    ++ackedCount;
                }
                for (auto s = seq.begin(); s != seq.end(); ++s) {
                    if (nextQ.value(s.key()) != s.value().toArray().at(1).toInteger() + 1)
                        problem = u"range does not match the ticks sent: "_qs +
                                  QString::fromUtf8(reply->raw);
                }
                producer.inFlight.erase(it);
            }
        };
        const auto sendMore = [&](Producer &producer, int index) {
            while (producer.client->isConnected() && int(producer.inFlight.size()) < Window) {
                QJsonArray ticks;
                QList<QJsonObject> sent;
                for (int i = 0; i < TicksPerCommand; ++i) {
                    const qint64 n = ++producer.counter;
                    const QString symbol = i % 2 ? producer.own : shared[(n / 2) % 2];
                    // Values unique per producer and tick, so a tick cannot pass for another.
                    const QJsonObject tick =
                        WsClient::tick(symbol, double(index * 10'000'000 + n) + 0.25,
                                       double(n % 1000) / 8, 1'000'000 * index + n);
                    ticks.append(tick);
                    sent.append(tick);
                }
                const qint64 id =
                    producer.client->sendCommand(op(u"publish"_qs, {{u"ticks"_qs, ticks}}));
                producer.inFlight.emplace(id, sent);
            }
        };
        const bool streamed = waitUntil(
            [&] {
                for (int i = 0; i < Producers; ++i) {
                    handleReplies(producers[i]);
                    sendMore(producers[i], i);
                }
                return ackedCount >= AckedBeforeStop || !problem.isEmpty();
            },
            120000);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(streamed, qPrintable(u"only %1 ticks acknowledged"_qs.arg(ackedCount)));

        // Stop while publishes are still in flight.
        if (kill) {
            server.kill();
            QCOMPARE(server.exitStatus(), QProcess::CrashExit);
        } else {
            server.terminate();
            QCOMPARE(server.waitForExit(), 0);
        }
        // Take in every acknowledgement and tick that made it out before the end.
        for (Producer &producer : producers) {
            QVERIFY(producer.client->waitForDisconnected());
            handleReplies(producer);
            if (!kill)
                QCOMPARE(producer.client->closeCode(), 1001);
        }
        QVERIFY(viewer->waitForDisconnected());
        if (!kill)
            QCOMPARE(viewer->closeCode(), 1001);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        qint64 inFlight = 0;
        for (const Producer &producer : producers)
            inFlight += qint64(producer.inFlight.size());
        qInfo("%lld ticks acknowledged, %lld publishes unanswered when the server stopped",
              ackedCount, inFlight);

        QVERIFY2(server.restart(), qPrintable(server.error()));
        const auto producer = connectTo(server, producerToken);
        QVERIFY(producer);
        QCOMPARE(producer->epoch(), epoch);
        qint64 checked = 0;
        for (const QString &symbol : std::as_const(symbols)) {
            QString error;
            const QList<QJsonObject> stored = storedTicks(server, producerToken, symbol, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            // q runs 1..newest without a hole or a repeat.
            for (qsizetype i = 0; i < stored.size(); ++i) {
                QVERIFY2(stored[i].value(u"q").toInteger() == i + 1,
                         qPrintable(u"%1: stored tick #%2 has q %3"_qs.arg(symbol).arg(i).arg(
                             stored[i].value(u"q").toInteger())));
            }
            // Every acknowledged tick is there with its q and its values.
            const std::map<qint64, TickValues> &promised = acked[symbol];
            QVERIFY(!promised.empty());
            QVERIFY2(promised.rbegin()->first <= stored.size(),
                     qPrintable(u"%1: q %2 acknowledged, only %3 stored"_qs.arg(symbol)
                                    .arg(promised.rbegin()->first)
                                    .arg(stored.size())));
            for (const auto &[q, values] : promised) {
                QVERIFY2(valuesOf(stored[q - 1]) == values,
                         qPrintable(u"%1 q %2 changed meaning"_qs.arg(symbol).arg(q)));
                ++checked;
            }
            // Durable before visible: what the viewer saw is stored, as it saw it.
            for (const QJsonObject &seen : viewer->ticks(symbol)) {
                const qint64 q = seen.value(u"q").toInteger();
                QVERIFY2(
                    q >= 1 && q <= stored.size() && valuesOf(stored[q - 1]) == valuesOf(seen),
                    qPrintable(
                        u"%1 q %2 seen by a viewer is not stored as seen"_qs.arg(symbol).arg(q)));
            }
            QCOMPARE(viewer->checkSequence(symbol, 1, viewer->tickCount(symbol)), QString());
            // And q continues where the store is.
            QCOMPARE(publish(*producer, symbol, 1),
                     std::make_pair(qint64(stored.size() + 1), qint64(stored.size() + 1)));
        }
        QCOMPARE(checked, ackedCount);
    }
};

QTEST_GUILESS_MAIN(tst_Durability)
#include "tst_durability.moc"
