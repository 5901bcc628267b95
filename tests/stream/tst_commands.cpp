// The stream commands of PROTOCOL.md sections 3-5, 7 and 10 through real sockets to the
// real binary: every reply, error code, limit and close code a client can observe.

#include "ServerProcess.h"
#include "Wait.h"
#include "WsClient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <memory>

using namespace tickscope;
using namespace tickscope::test;

namespace {

QJsonObject op(const QString &name, QJsonObject fields = {})
{
    fields.insert(u"op"_qs, name);
    return fields;
}

QJsonObject subscribe(const QStringList &symbols, const std::optional<QJsonObject> &since = {})
{
    QJsonObject command =
        op(u"subscribe"_qs, {{u"symbols"_qs, QJsonArray::fromStringList(symbols)}});
    if (since)
        command.insert(u"since"_qs, *since);
    return command;
}

QJsonObject sinceObject(const QString &epoch, const QHash<QString, qint64> &seq)
{
    QJsonObject seqs;
    for (auto it = seq.cbegin(); it != seq.cend(); ++it)
        seqs.insert(it.key(), it.value());
    return {{u"epoch"_qs, epoch}, {u"seq"_qs, seqs}};
}

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

} // namespace

class tst_Commands : public QObject
{
    Q_OBJECT
private:
    ServerProcess m_server;
    QString m_producerToken;
    QString m_viewerToken;
    std::unique_ptr<WsClient> m_producer;
    QString m_epoch;

    // A connected client, or nullptr (the reason is in the test log).
    std::unique_ptr<WsClient> connectWith(const QString &token, ServerProcess *server = nullptr)
    {
        auto client = std::make_unique<WsClient>();
        if (!client->open((server ? server : &m_server)->url(), token)) {
            qWarning("connect failed: %s", qPrintable(client->errorString()));
            return nullptr;
        }
        return client;
    }

    // Publishes `count` ticks of `symbol` (t omitted) and returns [first, last] q, or {0, 0}.
    std::pair<qint64, qint64> publish(WsClient &producer, const QString &symbol, int count)
    {
        QJsonArray ticks;
        for (int i = 0; i < count; ++i)
            ticks.append(WsClient::tick(symbol, 10.0 + i, 1.0));
        const auto reply = producer.publish(ticks);
        if (!reply || reply->op() != u"published") {
            qWarning("publish failed: %s", reply ? reply->raw.constData() : "no reply");
            return {0, 0};
        }
        const QJsonArray range = reply->json.value(u"seq").toObject().value(symbol).toArray();
        return {range.at(0).toInteger(), range.at(1).toInteger()};
    }

    // Round trip on `client`: every frame the server sent before the pong has arrived.
    bool sync(WsClient &client)
    {
        const auto pong = client.request(op(u"ping"_qs));
        return pong && pong->op() == u"pong";
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!ServerProcess::binary().isEmpty(), "TICKSCOPE_BINARY is not set");
        QVERIFY2(m_server.start({u"--handshake-limit"_qs, u"0"_qs, u"--token-leeway"_qs, u"0"_qs}),
                 qPrintable(m_server.error()));
        m_producerToken =
            m_server.mintToken(u"producer"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        m_viewerToken = m_server.mintToken(u"viewer"_qs, u"read"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        QVERIFY2(!m_producerToken.isEmpty() && !m_viewerToken.isEmpty(),
                 qPrintable(m_server.error()));
        m_producer = connectWith(m_producerToken);
        QVERIFY(m_producer);
        m_epoch = m_producer->epoch();
    }

    void cleanupTestCase() { m_producer.reset(); }

    void hello()
    {
        const auto a = connectWith(m_viewerToken);
        const auto b = connectWith(m_viewerToken);
        QVERIFY(a && b);
        const QJsonObject hello = a->hello();
        QCOMPARE(hello.value(u"op").toString(), u"hello"_qs);
        QCOMPARE(hello.value(u"version").toInteger(-1), 1);
        QVERIFY(hello.value(u"version").isDouble());
        QCOMPARE(hello.value(u"server").toString(),
                 u"tickscope/"_qs + QStringLiteral(TICKSCOPE_VERSION));
        QVERIFY(!hello.value(u"epoch").toString().isEmpty());
        QVERIFY(!hello.value(u"session").toString().isEmpty());
        QCOMPARE(hello.value(u"heartbeat_ms").toInteger(), 15000);
        // One epoch per store, one session per connection.
        QCOMPARE(b->epoch(), a->epoch());
        QVERIFY(b->hello().value(u"session").toString() != hello.value(u"session").toString());
    }

    void subscribeAndUnsubscribe()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        QVERIFY(publish(*m_producer, u"SU-OLD"_qs, 3).second == 3);
        auto reply = viewer->request(subscribe({u"SU-OLD"_qs, u"SU-NEW"_qs, u"SU-OLD"_qs}));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"subscribed"_qs);
        QCOMPARE(reply->json.value(u"epoch").toString(), m_epoch);
        const QJsonObject symbols = reply->json.value(u"symbols").toObject();
        QCOMPARE(symbols.keys(), (QStringList{u"SU-NEW"_qs, u"SU-OLD"_qs}));
        QCOMPARE(symbols.value(u"SU-OLD").toObject().value(u"recovered").toBool(false), true);
        QCOMPARE(symbols.value(u"SU-OLD").toObject().value(u"next").toInteger(), 4);
        QCOMPARE(symbols.value(u"SU-NEW").toObject().value(u"recovered").toBool(false), true);
        QCOMPARE(symbols.value(u"SU-NEW").toObject().value(u"next").toInteger(), 1);

        // Live ticks from `next` on; a symbol with no ticks yet gets them when they exist.
        QCOMPARE(publish(*m_producer, u"SU-OLD"_qs, 2), std::make_pair(qint64(4), qint64(5)));
        QCOMPARE(publish(*m_producer, u"SU-NEW"_qs, 2), std::make_pair(qint64(1), qint64(2)));
        QVERIFY(viewer->waitForTicks(u"SU-OLD"_qs, 2));
        QVERIFY(viewer->waitForTicks(u"SU-NEW"_qs, 2));
        QVERIFY(sync(*viewer));
        QCOMPARE(viewer->checkSequence(u"SU-OLD"_qs, 4, 5), QString());
        QCOMPARE(viewer->checkSequence(u"SU-NEW"_qs, 1, 2), QString());

        // unsubscribed echoes the names given, without duplicates, subscribed or not.
        reply = viewer->request(
            op(u"unsubscribe"_qs,
               {{u"symbols"_qs, QJsonArray{u"SU-OLD"_qs, u"SU-OLD"_qs, u"SU-NEVER"_qs}}}));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"unsubscribed"_qs);
        QCOMPARE(reply->json.value(u"symbols").toArray(),
                 (QJsonArray{u"SU-OLD"_qs, u"SU-NEVER"_qs}));
        publish(*m_producer, u"SU-OLD"_qs, 1);
        publish(*m_producer, u"SU-NEW"_qs, 1);
        QVERIFY(viewer->waitForTicks(u"SU-NEW"_qs, 3));
        QVERIFY(sync(*viewer));
        QCOMPARE(viewer->tickCount(u"SU-OLD"_qs), 2);
        // Only invalid symbols are refused.
        reply =
            viewer->request(op(u"unsubscribe"_qs, {{u"symbols"_qs, QJsonArray{u"bad sym"_qs}}}));
        QVERIFY(reply);
        QCOMPARE(reply->errorCode(), u"invalid_symbol"_qs);
    }

    // The `subscribed` reply comes before any tick the subscription brings, live or replayed.
    void subscribedBeforeTicks()
    {
        QVERIFY(publish(*m_producer, u"SB-1"_qs, 50).second == 50);
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        // Ticks keep coming while the viewer subscribes.
        const QString symbol = u"SB-1"_qs;
        QJsonArray batch;
        for (int i = 0; i < 20; ++i)
            batch.append(WsClient::tick(symbol, 1.0 + i));
        for (int i = 0; i < 5; ++i)
            m_producer->sendCommand(op(u"publish"_qs, {{u"ticks"_qs, batch}}));
        const qint64 id =
            viewer->sendCommand(subscribe({symbol}, sinceObject(m_epoch, {{symbol, 10}})));
        for (int i = 0; i < 5; ++i)
            m_producer->sendCommand(op(u"publish"_qs, {{u"ticks"_qs, batch}}));
        QVERIFY(viewer->waitForTicks(symbol, 240));
        const auto all = viewer->takeAll();
        qint64 subscribedAt = -1;
        for (const auto &message : all) {
            if (message.id() == id) {
                QCOMPARE(message.op(), u"subscribed"_qs);
                subscribedAt = message.index;
                QCOMPARE(message.json.value(u"symbols")
                             .toObject()
                             .value(symbol)
                             .toObject()
                             .value(u"next")
                             .toInteger(),
                         11);
            }
        }
        QVERIFY(subscribedAt >= 0);
        QVERIFY(viewer->firstTicksIndex(symbol) > subscribedAt);
        QCOMPARE(viewer->checkSequence(symbol, 11, 250), QString());
    }

    void allOrNothing_data()
    {
        QTest::addColumn<QStringList>("claim");
        QTest::addColumn<QStringList>("symbols");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("named");
        QTest::newRow("invalid symbol") << QStringList{} << QStringList{u"AN-1"_qs, u"bad sym"_qs}
                                        << u"invalid_symbol"_qs << u"bad sym"_qs;
        QTest::newRow("invalid first") << QStringList{} << QStringList{u"-X"_qs, u"AN-1"_qs}
                                       << u"invalid_symbol"_qs << u"-X"_qs;
        QTest::newRow("outside the claim")
            << QStringList{u"AN-*"_qs} << QStringList{u"AN-1"_qs, u"NO-1"_qs} << u"forbidden"_qs
            << u"NO-1"_qs;
        QTest::newRow("outside, exact claim")
            << QStringList{u"AN-1"_qs} << QStringList{u"AN-1"_qs, u"AN-10"_qs} << u"forbidden"_qs
            << u"AN-10"_qs;
    }

    void allOrNothing()
    {
        QFETCH(QStringList, claim);
        QFETCH(QStringList, symbols);
        QFETCH(QString, code);
        QFETCH(QString, named);
        const QString token =
            m_server.mintToken(u"aon"_qs, u"read"_qs, u"1h"_qs, claim, u"unlimited"_qs);
        QVERIFY(!token.isEmpty());
        const auto viewer = connectWith(token);
        QVERIFY(viewer);
        const auto reply = viewer->request(subscribe(symbols));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"error"_qs);
        QCOMPARE(reply->errorCode(), code);
        QVERIFY2(reply->json.value(u"message").toString().contains(named), reply->raw.constData());
        // Nothing was subscribed: a tick of the valid symbol does not arrive.
        QVERIFY(publish(*m_producer, u"AN-1"_qs, 1).first > 0);
        QVERIFY(sync(*viewer));
        QCOMPARE(viewer->totalTicks(), 0);
        QVERIFY(viewer->isConnected());
    }

    void tooManySymbols()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        const auto names = [](int from, int count) {
            QStringList list;
            for (int i = from; i < from + count; ++i)
                list.append(u"TM-%1"_qs.arg(i));
            return list;
        };
        auto reply = viewer->request(subscribe(names(0, 257)));
        QVERIFY(reply);
        QCOMPARE(reply->errorCode(), u"too_many_symbols"_qs);
        // 4 x 256 = 1024 per connection; re-subscribing a symbol does not count twice.
        for (int i = 0; i < 4; ++i) {
            reply = viewer->request(subscribe(names(i * 256, 256)));
            QVERIFY(reply);
            QCOMPARE(reply->op(), u"subscribed"_qs);
            QCOMPARE(reply->json.value(u"symbols").toObject().size(), 256);
        }
        reply = viewer->request(subscribe(names(0, 10)));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"subscribed"_qs);
        reply = viewer->request(subscribe(names(1020, 5)));
        QVERIFY(reply);
        QCOMPARE(reply->errorCode(), u"too_many_symbols"_qs);
        // All or nothing: TM-1023 was already subscribed and stays; TM-1024 never was.
        publish(*m_producer, u"TM-1024"_qs, 1);
        publish(*m_producer, u"TM-1023"_qs, 1);
        QVERIFY(viewer->waitForTicks(u"TM-1023"_qs, 1));
        QVERIFY(sync(*viewer));
        QCOMPARE(viewer->tickCount(u"TM-1024"_qs), 0);
        // After an unsubscribe there is room again.
        viewer->request(op(u"unsubscribe"_qs, {{u"symbols"_qs, QJsonArray{u"TM-0"_qs}}}));
        reply = viewer->request(subscribe({u"TM-1024"_qs}));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"subscribed"_qs);
    }

    void history_data()
    {
        QTest::addColumn<QByteArray>("command"); // without id
        QTest::addColumn<QString>("code");       // empty: a history reply
        QTest::addColumn<qint64>("first");
        QTest::addColumn<int>("count");
        QTest::addColumn<qint64>("next"); // 0: null
        const auto row = [](const char *name, const char *command, const char *code, qint64 first,
                            int count, qint64 next) {
            QTest::newRow(name) << QByteArray(command) << QString::fromLatin1(code) << first
                                << count << next;
        };
        row("defaults", "{\"op\":\"history\",\"symbol\":\"HI-1\"}", "", 1, 100, 101);
        row("from", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":101}", "", 101, 100, 201);
        row("last page", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":201,\"limit\":1000}", "",
            201, 50, 0);
        row("limit 1000", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"limit\":1000}", "", 1, 250, 0);
        row("limit 1", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":250,\"limit\":1}", "", 250,
            1, 0);
        row("limit 1 mid", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":7,\"limit\":1}", "", 7,
            1, 8);
        row("beyond", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":251}", "", 0, 0, 0);
        row("far beyond", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":99999}", "", 0, 0, 0);
        row("unknown field", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"limit\":2,\"x\":[1]}", "",
            1, 2, 3);
        row("from 0", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":0}", "bad_request", 0, 0,
            0);
        row("from -1", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":-1}", "bad_request", 0, 0,
            0);
        row("from 1.5", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":1.5}", "bad_request", 0,
            0, 0);
        row("from text", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"from\":\"1\"}", "bad_request",
            0, 0, 0);
        row("limit 0", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"limit\":0}", "bad_request", 0, 0,
            0);
        row("limit 1001", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"limit\":1001}", "bad_request",
            0, 0, 0);
        row("limit x", "{\"op\":\"history\",\"symbol\":\"HI-1\",\"limit\":\"x\"}", "bad_request", 0,
            0, 0);
        row("no symbol", "{\"op\":\"history\"}", "bad_request", 0, 0, 0);
        row("invalid symbol", "{\"op\":\"history\",\"symbol\":\"a b\"}", "invalid_symbol", 0, 0, 0);
        row("unknown symbol", "{\"op\":\"history\",\"symbol\":\"HI-NEVER\"}", "unknown_symbol", 0,
            0, 0);
        row("outside the claim", "{\"op\":\"history\",\"symbol\":\"HX-1\"}", "forbidden", 0, 0, 0);
    }

    void history()
    {
        QFETCH(QByteArray, command);
        QFETCH(QString, code);
        QFETCH(qint64, first);
        QFETCH(int, count);
        QFETCH(qint64, next);
        static bool published = false;
        if (!published) {
            QCOMPARE(publish(*m_producer, u"HI-1"_qs, 250), std::make_pair(qint64(1), qint64(250)));
            QCOMPARE(publish(*m_producer, u"HX-1"_qs, 1), std::make_pair(qint64(1), qint64(1)));
            published = true;
        }
        const QString token =
            m_server.mintToken(u"hist"_qs, u"read"_qs, u"1h"_qs, {u"HI-*"_qs}, u"unlimited"_qs);
        const auto viewer = connectWith(token);
        QVERIFY(viewer);
        command.insert(1, "\"id\":42,");
        viewer->sendText(command);
        const auto reply = viewer->nextWithId(42);
        QVERIFY(reply);
        if (!code.isEmpty()) {
            QCOMPARE(reply->op(), u"error"_qs);
            QCOMPARE(reply->errorCode(), code);
            return;
        }
        QCOMPARE(reply->op(), u"history"_qs);
        QCOMPARE(reply->json.value(u"symbol").toString(), u"HI-1"_qs);
        const QJsonArray ticks = reply->json.value(u"ticks").toArray();
        QCOMPARE(ticks.size(), count);
        for (qsizetype i = 0; i < ticks.size(); ++i) {
            const QJsonObject tick = ticks.at(i).toObject();
            QCOMPARE(tick.value(u"q").toInteger(), first + i);
            QCOMPARE(tick.value(u"s").toString(), u"HI-1"_qs);
            QCOMPARE(tick.value(u"p").toDouble(), 10.0 + double(first + i - 1));
        }
        QVERIFY(reply->json.contains(u"next"));
        if (next == 0)
            QVERIFY(reply->json.value(u"next").isNull());
        else
            QCOMPARE(reply->json.value(u"next").toInteger(), next);
    }

    void publishScope()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        auto reply = viewer->publish({WsClient::tick(u"PS-1"_qs, 1.0)});
        QVERIFY(reply);
        QCOMPARE(reply->errorCode(), u"forbidden"_qs);
        // Publish needs publish, not read; the symbols claim applies to it too.
        const QString limited = m_server.mintToken(u"limited-producer"_qs, u"read publish"_qs,
                                                   u"1h"_qs, {u"PS-*"_qs}, u"unlimited"_qs);
        const auto producer = connectWith(limited);
        QVERIFY(producer);
        reply =
            producer->publish({WsClient::tick(u"PS-1"_qs, 1.0), WsClient::tick(u"QQ-1"_qs, 1.0)});
        QVERIFY(reply);
        QCOMPARE(reply->errorCode(), u"forbidden"_qs);
        QVERIFY(reply->json.value(u"message").toString().contains(u"QQ-1"_qs));
        // Nothing of the refused publish went in.
        reply = producer->request(op(u"history"_qs, {{u"symbol"_qs, u"PS-1"_qs}}));
        QVERIFY(reply);
        QCOMPARE(reply->errorCode(), u"unknown_symbol"_qs);
        reply = producer->publish({WsClient::tick(u"PS-1"_qs, 1.0)});
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"published"_qs);
    }

    // q is contiguous per symbol within one publish and across publishes.
    void publishRanges()
    {
        const QString a = u"PR-A"_qs;
        const QString b = u"PR-B"_qs;
        auto reply =
            m_producer->publish({WsClient::tick(a, 1), WsClient::tick(b, 2), WsClient::tick(a, 3),
                                 WsClient::tick(a, 4), WsClient::tick(b, 5)});
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"published"_qs);
        QVERIFY(reply->id());
        QJsonObject seq = reply->json.value(u"seq").toObject();
        QCOMPARE(seq.size(), 2);
        QCOMPARE(seq.value(a).toArray(), (QJsonArray{1, 3}));
        QCOMPARE(seq.value(b).toArray(), (QJsonArray{1, 2}));
        reply = m_producer->publish({WsClient::tick(b, 6), WsClient::tick(a, 7)});
        QVERIFY(reply);
        seq = reply->json.value(u"seq").toObject();
        QCOMPARE(seq.value(a).toArray(), (QJsonArray{4, 4}));
        QCOMPARE(seq.value(b).toArray(), (QJsonArray{3, 3}));
        // The prices are stored in q order.
        reply = m_producer->request(op(u"history"_qs, {{u"symbol"_qs, a}}));
        QVERIFY(reply);
        QJsonArray prices;
        for (const QJsonValue &tick : reply->json.value(u"ticks").toArray())
            prices.append(tick.toObject().value(u"p"));
        QCOMPARE(prices, (QJsonArray{1, 3, 4, 7}));
    }

    void publishDefaults()
    {
        const qint64 before = nowUs();
        auto reply = m_producer->request(
            op(u"publish"_qs,
               {{u"ticks"_qs, QJsonArray{QJsonObject{{u"s"_qs, u"PD-1"_qs}, {u"p"_qs, 5.5}}}}}));
        const qint64 after = nowUs();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"published"_qs);
        reply = m_producer->request(op(u"history"_qs, {{u"symbol"_qs, u"PD-1"_qs}}));
        QVERIFY(reply);
        const QJsonObject tick = reply->json.value(u"ticks").toArray().at(0).toObject();
        QCOMPARE(tick.value(u"v").toDouble(-1), 0.0);
        QCOMPARE(tick.value(u"p").toDouble(), 5.5);
        const qint64 t = tick.value(u"t").toInteger();
        // The server's clock is this machine's; allow for a noisy scheduler.
        QVERIFY2(t >= before - 5'000'000 && t <= after + 5'000'000,
                 qPrintable(u"t %1 not within [%2, %3]"_qs.arg(t).arg(before).arg(after)));
        QVERIFY(reply->raw.contains(",\"t\":" + QByteArray::number(t) + ","));
    }

    void publishBadTicks_data()
    {
        QTest::addColumn<QByteArray>("tick");
        QTest::addColumn<QString>("code");
        QTest::newRow("t 1.5") << QByteArray("{\"s\":\"PB-1\",\"p\":1,\"t\":1.5}")
                               << u"bad_request"_qs;
        QTest::newRow("t 2^53") << QByteArray("{\"s\":\"PB-1\",\"p\":1,\"t\":9007199254740992}")
                                << u"bad_request"_qs;
        QTest::newRow("t 1e3") << QByteArray("{\"s\":\"PB-1\",\"p\":1,\"t\":1e3}")
                               << u"bad_request"_qs;
        QTest::newRow("t 1.0") << QByteArray("{\"s\":\"PB-1\",\"p\":1,\"t\":1.0}")
                               << u"bad_request"_qs;
        QTest::newRow("t -1") << QByteArray("{\"s\":\"PB-1\",\"p\":1,\"t\":-1}")
                              << u"bad_request"_qs;
        QTest::newRow("t text") << QByteArray("{\"s\":\"PB-1\",\"p\":1,\"t\":\"5\"}")
                                << u"bad_request"_qs;
        QTest::newRow("t null") << QByteArray("{\"s\":\"PB-1\",\"p\":1,\"t\":null}")
                                << u"bad_request"_qs;
        QTest::newRow("no p") << QByteArray("{\"s\":\"PB-1\",\"v\":1}") << u"bad_request"_qs;
        QTest::newRow("p text") << QByteArray("{\"s\":\"PB-1\",\"p\":\"1\"}") << u"bad_request"_qs;
        QTest::newRow("p huge") << QByteArray("{\"s\":\"PB-1\",\"p\":1e400}") << u"bad_request"_qs;
        QTest::newRow("v negative")
            << QByteArray("{\"s\":\"PB-1\",\"p\":1,\"v\":-0.5}") << u"bad_request"_qs;
        QTest::newRow("no s") << QByteArray("{\"p\":1}") << u"bad_request"_qs;
        QTest::newRow("bad s") << QByteArray("{\"s\":\"PB 1\",\"p\":1}") << u"invalid_symbol"_qs;
        QTest::newRow("not an object") << QByteArray("5") << u"bad_request"_qs;
    }

    // A publish with one bad tick is refused whole.
    void publishBadTicks()
    {
        QFETCH(QByteArray, tick);
        QFETCH(QString, code);
        // A connection of its own: bad frames count towards the close at 20 in 10 s.
        const auto producer = connectWith(m_producerToken);
        QVERIFY(producer);
        producer->sendText("{\"op\":\"publish\",\"id\":77,\"ticks\":[{\"s\":\"PB-1\",\"p\":2}," +
                           tick + "]}");
        // The first reply is this one's; a frame the server cannot parse has no id it trusts.
        const auto reply = producer->next();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"error"_qs);
        QCOMPARE(reply->errorCode(), code);
        QVERIFY(reply->id().value_or(77) == 77);
        const auto history = producer->request(op(u"history"_qs, {{u"symbol"_qs, u"PB-1"_qs}}));
        QVERIFY(history);
        QCOMPARE(history->errorCode(), u"unknown_symbol"_qs);
    }

    void publishLimits()
    {
        // The largest t, and t = 0, are taken as given.
        m_producer->sendText("{\"op\":\"publish\",\"id\":78,\"ticks\":[{\"s\":\"PL-1\",\"p\":1,"
                             "\"t\":9007199254740991},{\"s\":\"PL-1\",\"p\":2,\"t\":0}]}");
        auto reply = m_producer->nextWithId(78);
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"published"_qs);
        reply = m_producer->request(op(u"history"_qs, {{u"symbol"_qs, u"PL-1"_qs}}));
        QVERIFY(reply);
        QVERIFY2(reply->raw.contains("\"q\":1,\"t\":9007199254740991,"), reply->raw.constData());
        QVERIFY2(reply->raw.contains("\"q\":2,\"t\":0,"), reply->raw.constData());
    }

    // p and v come back as the shortest text that reads back as the same double.
    void priceEcho_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("echo");
        QTest::newRow("0.1+0.2") << QByteArray("0.30000000000000004")
                                 << QByteArray("0.30000000000000004");
        QTest::newRow("1e-7") << QByteArray("1e-7") << QByteArray();
        QTest::newRow("0.1") << QByteArray("0.1") << QByteArray("0.1");
        QTest::newRow("integer") << QByteArray("64123") << QByteArray("64123");
        QTest::newRow("negative") << QByteArray("-2.5") << QByteArray("-2.5");
        QTest::newRow("max") << QByteArray("1.7976931348623157e308") << QByteArray();
        QTest::newRow("min subnormal") << QByteArray("5e-324") << QByteArray();
        QTest::newRow("long input")
            << QByteArray("0.100000000000000000000001") << QByteArray("0.1");
    }

    void priceEcho()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, echo);
        static int n = 0;
        const QByteArray symbol = "PE-" + QByteArray::number(++n);
        m_producer->sendText("{\"op\":\"publish\",\"id\":79,\"ticks\":[{\"s\":\"" + symbol +
                             "\",\"p\":" + text + ",\"v\":" + (text.startsWith('-') ? "1" : text) +
                             ",\"t\":1}]}");
        auto reply = m_producer->nextWithId(79);
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"published"_qs);
        reply =
            m_producer->request(op(u"history"_qs, {{u"symbol"_qs, QString::fromLatin1(symbol)}}));
        QVERIFY(reply);
        const QByteArray raw = reply->raw;
        const qsizetype p = raw.indexOf(",\"p\":");
        const qsizetype v = raw.indexOf(",\"v\":");
        QVERIFY(p > 0 && v > p);
        const QByteArray price = raw.mid(p + 5, v - p - 5);
        bool ok = false;
        QCOMPARE(price.toDouble(&ok), text.toDouble());
        QVERIFY(ok);
        if (!echo.isEmpty())
            QCOMPARE(price, echo);
        // Shortest: no text with fewer significant digits reads back as the same double.
        QByteArray digits = price;
        if (digits.contains('e'))
            digits.truncate(digits.indexOf('e'));
        digits.replace("-", "").replace(".", "");
        while (digits.startsWith('0'))
            digits.remove(0, 1);
        while (digits.endsWith('0'))
            digits.chop(1);
        const int significant = int(digits.size());
        if (significant > 1) {
            const QByteArray shorter = QByteArray::number(text.toDouble(), 'g', significant - 1);
            QVERIFY2(shorter.toDouble() != text.toDouble(), price.constData());
        }
    }

    void ping()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        const qint64 before = nowUs();
        viewer->sendText("{\"op\":\"ping\",\"id\":5}");
        const auto reply = viewer->next();
        const qint64 after = nowUs();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"pong"_qs);
        QCOMPARE(reply->id().value_or(-1), 5);
        const qint64 time = reply->json.value(u"time").toInteger();
        QVERIFY2(time >= before - 5'000'000 && time <= after + 5'000'000, reply->raw.constData());
        // Without an id the reply has none.
        viewer->sendText("{\"op\":\"ping\"}");
        const auto plain = viewer->next();
        QVERIFY(plain);
        QCOMPARE(plain->op(), u"pong"_qs);
        QVERIFY(!plain->json.contains(u"id"));
    }

    void badCommands_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("hasId");
        QTest::newRow("unknown op")
            << QByteArray("{\"op\":\"dance\",\"id\":7}") << u"unknown_op"_qs << true;
        QTest::newRow("no op") << QByteArray("{\"id\":7}") << u"bad_request"_qs << true;
        QTest::newRow("op not a string")
            << QByteArray("{\"op\":5,\"id\":7}") << u"bad_request"_qs << true;
        QTest::newRow("not JSON") << QByteArray("{\"op\":") << u"bad_request"_qs << false;
        QTest::newRow("array") << QByteArray("[1,2]") << u"bad_request"_qs << false;
        QTest::newRow("symbols not array")
            << QByteArray("{\"op\":\"subscribe\",\"id\":7,\"symbols\":\"X\"}") << u"bad_request"_qs
            << true;
        QTest::newRow("empty symbols")
            << QByteArray("{\"op\":\"subscribe\",\"id\":7,\"symbols\":[]}") << u"bad_request"_qs
            << true;
        QTest::newRow("since not object")
            << QByteArray("{\"op\":\"subscribe\",\"id\":7,\"symbols\":[\"X\"],\"since\":5}")
            << u"bad_request"_qs << true;
    }

    void badCommands()
    {
        QFETCH(QByteArray, frame);
        QFETCH(QString, code);
        QFETCH(bool, hasId);
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        viewer->sendText(frame);
        const auto reply = viewer->next();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"error"_qs);
        QCOMPARE(reply->errorCode(), code);
        QVERIFY(!reply->json.value(u"message").toString().isEmpty());
        if (hasId)
            QCOMPARE(reply->id().value_or(-1), 7);
        QVERIFY(sync(*viewer));
    }

    // Fields a command does not know are ignored (forward compatibility).
    void unknownFieldsIgnored()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        viewer->sendText("{\"op\":\"ping\",\"id\":9,\"future\":{\"a\":[1,2]},\"x\":null}");
        auto reply = viewer->next();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"pong"_qs);
        viewer->sendText(
            "{\"op\":\"subscribe\",\"id\":10,\"symbols\":[\"UF-1\"],\"mode\":\"fast\"}");
        reply = viewer->next();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"subscribed"_qs);
    }

    // Replies leave in the order the commands came, even when the store answers some later.
    void replyOrder()
    {
        const auto producer = connectWith(m_producerToken);
        QVERIFY(producer);
        QByteArray burst;
        const QList<QByteArray> frames = {
            "{\"op\":\"publish\",\"id\":1,\"ticks\":[{\"s\":\"RO-1\",\"p\":1},{\"s\":\"RO-1\","
            "\"p\":2}]}",
            "{\"op\":\"ping\",\"id\":2}",
            "{\"op\":\"history\",\"id\":3,\"symbol\":\"RO-1\"}",
            "{\"op\":\"publish\",\"id\":4,\"ticks\":[{\"s\":\"RO-1\",\"p\":3}]}",
            "{\"op\":\"dance\",\"id\":5}",
            "{\"op\":\"publish\",\"id\":6,\"ticks\":[{\"s\":\"RO-1\",\"p\":4}]}",
            "{\"op\":\"subscribe\",\"id\":7,\"symbols\":[\"RO-1\"]}",
            "{\"op\":\"history\",\"id\":8,\"symbol\":\"RO-1\",\"from\":3}",
            "{\"op\":\"ping\",\"id\":9}",
        };
        for (const QByteArray &frame : frames)
            producer->sendText(frame);
        QList<WsClient::Message> replies;
        QVERIFY(waitUntil([&] {
            while (auto message = producer->next(0))
                replies.append(*message);
            return replies.size() >= frames.size();
        }));
        QStringList ops;
        for (qsizetype i = 0; i < replies.size(); ++i) {
            QCOMPARE(replies[i].id().value_or(-1), qint64(i + 1));
            ops.append(replies[i].op());
        }
        QCOMPARE(ops, (QStringList{u"published"_qs, u"pong"_qs, u"history"_qs, u"published"_qs,
                                   u"error"_qs, u"published"_qs, u"subscribed"_qs, u"history"_qs,
                                   u"pong"_qs}));
        // Each command saw the effects of those before it.
        QCOMPARE(replies[2].json.value(u"ticks").toArray().size(), 2);
        QCOMPARE(replies[6]
                     .json.value(u"symbols")
                     .toObject()
                     .value(u"RO-1")
                     .toObject()
                     .value(u"next")
                     .toInteger(),
                 5);
        QCOMPARE(replies[7].json.value(u"ticks").toArray().size(), 2);
    }

    void refresh()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        QVERIFY(viewer->request(subscribe({u"RF-1"_qs})));
        // A valid token: refreshed, with the new expiry.
        const QString fresh = m_server.mintToken(u"viewer"_qs, u"read"_qs, u"2h"_qs);
        auto reply = viewer->request(op(u"refresh"_qs, {{u"token"_qs, fresh}}));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"refreshed"_qs);
        const qint64 exp =
            QJsonDocument::fromJson(QByteArray::fromBase64(fresh.section(u'.', 1, 1).toLatin1(),
                                                           QByteArray::Base64UrlEncoding))
                .object()
                .value(u"exp")
                .toInteger();
        QCOMPARE(reply->json.value(u"exp").toInteger(-1), exp);
        // A bad token: invalid_token, and the session is as it was.
        for (const QString &bad : {u"garbage"_qs, fresh.left(fresh.size() - 2) + u"xx"_qs}) {
            reply = viewer->request(op(u"refresh"_qs, {{u"token"_qs, bad}}));
            QVERIFY(reply);
            QCOMPARE(reply->errorCode(), u"invalid_token"_qs);
        }
        publish(*m_producer, u"RF-1"_qs, 2);
        QVERIFY(viewer->waitForTicks(u"RF-1"_qs, 2));
        QVERIFY(viewer->isConnected());
    }

    void refreshNarrowsSymbols()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        auto reply = viewer->request(subscribe({u"RN-KEEP"_qs, u"RX-DROP"_qs, u"RX-ALSO"_qs}));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"subscribed"_qs);
        const QString narrow =
            m_server.mintToken(u"viewer"_qs, u"read"_qs, u"1h"_qs, {u"RN-*"_qs}, u"unlimited"_qs);
        const qint64 id = viewer->sendCommand(op(u"refresh"_qs, {{u"token"_qs, narrow}}));
        reply = viewer->next();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"refreshed"_qs);
        QCOMPARE(reply->id().value_or(-1), id);
        reply = viewer->next();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"unsubscribed"_qs);
        QVERIFY(!reply->json.contains(u"id"));
        QStringList dropped;
        for (const QJsonValue &value : reply->json.value(u"symbols").toArray())
            dropped.append(value.toString());
        dropped.sort();
        QCOMPARE(dropped, (QStringList{u"RX-ALSO"_qs, u"RX-DROP"_qs}));
        publish(*m_producer, u"RX-DROP"_qs, 1);
        publish(*m_producer, u"RN-KEEP"_qs, 1);
        QVERIFY(viewer->waitForTicks(u"RN-KEEP"_qs, 1));
        QVERIFY(sync(*viewer));
        QCOMPARE(viewer->tickCount(u"RX-DROP"_qs), 0);
        // And the new claim holds for new commands.
        reply = viewer->request(subscribe({u"RX-DROP"_qs}));
        QVERIFY(reply);
        QCOMPARE(reply->errorCode(), u"forbidden"_qs);
    }

    void refreshWithoutRead()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        const QString publishOnly = m_server.mintToken(u"viewer"_qs, u"publish"_qs);
        viewer->sendCommand(op(u"refresh"_qs, {{u"token"_qs, publishOnly}}));
        QVERIFY(viewer->waitForDisconnected());
        QCOMPARE(viewer->closeCode(), 4003);
    }

    void tokenExpiry()
    {
        // The server runs with --token-leeway 0, so a 4 s token ends 4 s from now.
        const QString shortLived =
            m_server.mintToken(u"short"_qs, u"read"_qs, u"4s"_qs, {}, u"unlimited"_qs);
        const QString renewed =
            m_server.mintToken(u"short"_qs, u"read"_qs, u"4s"_qs, {}, u"unlimited"_qs);
        const QString longLived =
            m_server.mintToken(u"short"_qs, u"read"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        const auto expiring = connectWith(shortLived);
        const auto refreshed = connectWith(renewed);
        QVERIFY2(expiring && refreshed, "a 4 s token expired before the handshake");
        auto reply = refreshed->request(op(u"refresh"_qs, {{u"token"_qs, longLived}}));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"refreshed"_qs);
        QVERIFY(expiring->waitForDisconnected(30000));
        QCOMPARE(expiring->closeCode(), 4001);
        // The refreshed one outlives its first token.
        QVERIFY(sync(*refreshed));
        QVERIFY(refreshed->isConnected());
    }

    void badFrames()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        for (int i = 0; i < 20; ++i)
            viewer->sendText("not json");
        for (int i = 0; i < 20; ++i) {
            const auto reply = viewer->next();
            QVERIFY(reply);
            QCOMPARE(reply->errorCode(), u"bad_request"_qs);
        }
        // 20 within 10 s are tolerated; the 21st is not.
        QVERIFY(sync(*viewer));
        viewer->sendBinary("\x01\x02");
        QVERIFY(viewer->waitForDisconnected());
        QCOMPARE(viewer->closeCode(), 1008);
    }

    void messageTooLarge()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        // Exactly 65,536 bytes is allowed.
        const QByteArray head = "{\"op\":\"ping\",\"id\":3,\"pad\":\"";
        const QByteArray tail = "\"}";
        QByteArray frame = head + QByteArray(65536 - head.size() - tail.size(), 'x') + tail;
        QCOMPARE(frame.size(), 65536);
        viewer->sendText(frame);
        const auto reply = viewer->next();
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"pong"_qs);
        frame.insert(head.size(), 'x');
        viewer->sendText(frame);
        QVERIFY(viewer->waitForDisconnected());
        QCOMPARE(viewer->closeCode(), 1009);
    }

    // Also after reassembly: fragments that add up to more than 65,536 bytes.
    void fragmentedMessageTooLarge()
    {
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        viewer->socket()->setOutgoingFrameSize(16 * 1024);
        viewer->sendText("{\"op\":\"ping\",\"pad\":\"" + QByteArray(70000, 'y') + "\"}");
        QVERIFY(viewer->waitForDisconnected());
        QCOMPARE(viewer->closeCode(), 1009);
    }

    void commandRateLimit()
    {
        // 0.01 per second: the bucket does not refill while the test runs.
        ServerProcess server;
        QVERIFY2(server.start({u"--tier.default.commands-per-second"_qs, u"0.01"_qs,
                               u"--tier.default.commands-burst"_qs, u"3"_qs}),
                 qPrintable(server.error()));
        const QString limited = server.mintToken(u"limited"_qs);
        const QString other = server.mintToken(u"other"_qs);
        const QString unlimited =
            server.mintToken(u"limited"_qs, u"read"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        const auto first = connectWith(limited, &server);
        const auto second = connectWith(limited, &server);
        const auto third = connectWith(other, &server);
        const auto free = connectWith(unlimited, &server);
        QVERIFY(first && second && third && free);
        for (int i = 0; i < 3; ++i) {
            const auto reply = first->request(op(u"ping"_qs));
            QVERIFY(reply);
            QCOMPARE(reply->op(), u"pong"_qs);
        }
        auto reply = first->request(op(u"ping"_qs));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"error"_qs);
        QCOMPARE(reply->errorCode(), u"rate_limited"_qs);
        QVERIFY2(reply->json.value(u"retry_after_ms").toInteger() > 0, reply->raw.constData());
        // Per subject: another connection of the same subject shares the bucket.
        reply = second->request(op(u"subscribe"_qs, {{u"symbols"_qs, QJsonArray{u"X"_qs}}}));
        QVERIFY(reply);
        QCOMPARE(reply->errorCode(), u"rate_limited"_qs);
        // Another subject has its own; the unlimited tier has none.
        reply = third->request(op(u"ping"_qs));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"pong"_qs);
        for (int i = 0; i < 10; ++i) {
            reply = free->request(op(u"ping"_qs));
            QVERIFY(reply);
            QCOMPARE(reply->op(), u"pong"_qs);
        }
        QCOMPARE(server.metric(u"tickscope_rate_limited_total{scope=\"command\"}"_qs), 2.0);
        QVERIFY(first->isConnected());
    }

    void commandRateLimitPerAddress()
    {
        // Each subject may send 2 commands; the address, 4 times that: 8. Five subjects
        // from one address sending 2 each stay within their own buckets, but the ninth
        // and tenth command from the address are refused.
        ServerProcess server;
        QVERIFY2(server.start({u"--tier.default.commands-per-second"_qs, u"0.01"_qs,
                               u"--tier.default.commands-burst"_qs, u"2"_qs}),
                 qPrintable(server.error()));
        int refused = 0;
        for (int subject = 0; subject < 5; ++subject) {
            const auto client =
                connectWith(server.mintToken(u"subject-%1"_qs.arg(subject)), &server);
            QVERIFY(client);
            for (int i = 0; i < 2; ++i) {
                const auto reply = client->request(op(u"ping"_qs));
                QVERIFY(reply);
                if (reply->op() == u"error") {
                    QCOMPARE(reply->errorCode(), u"rate_limited"_qs);
                    ++refused;
                }
            }
        }
        QCOMPARE(refused, 2);
    }

    void since_data()
    {
        // Symbol SI-TEN has q 1..10 when the rows run; SI-NONE never had a tick.
        QTest::addColumn<QString>("symbol");
        QTest::addColumn<bool>("sameEpoch");
        QTest::addColumn<qint64>("seq"); // -1: not named in since.seq
        QTest::addColumn<bool>("recovered");
        QTest::addColumn<qint64>("next");
        const QString ten = u"SI-TEN"_qs;
        const QString none = u"SI-NONE"_qs;
        QTest::newRow("same epoch, middle") << ten << true << qint64(4) << true << qint64(5);
        QTest::newRow("same epoch, zero") << ten << true << qint64(0) << true << qint64(1);
        QTest::newRow("same epoch, newest") << ten << true << qint64(10) << true << qint64(11);
        QTest::newRow("above newest") << ten << true << qint64(11) << false << qint64(1);
        QTest::newRow("far above newest") << ten << true << qint64(999) << false << qint64(1);
        QTest::newRow("wrong epoch") << ten << false << qint64(4) << false << qint64(1);
        QTest::newRow("wrong epoch, newest") << ten << false << qint64(10) << false << qint64(1);
        QTest::newRow("not named") << ten << true << qint64(-1) << true << qint64(11);
        QTest::newRow("not named, wrong epoch") << ten << false << qint64(-1) << true << qint64(11);
        QTest::newRow("never traded, zero") << none << true << qint64(0) << true << qint64(1);
        QTest::newRow("never traded, above") << none << true << qint64(5) << false << qint64(1);
        QTest::newRow("never traded, wrong epoch")
            << none << false << qint64(0) << false << qint64(1);
    }

    // since semantics of sections 5 and 10; afterwards the viewer gets exactly the ticks
    // from `next` on, the retained ones and then live ones.
    void since()
    {
        QFETCH(QString, symbol);
        QFETCH(bool, sameEpoch);
        QFETCH(qint64, seq);
        QFETCH(bool, recovered);
        QFETCH(qint64, next);
        static bool published = false;
        if (!published) {
            QCOMPARE(publish(*m_producer, u"SI-TEN"_qs, 10), std::make_pair(qint64(1), qint64(10)));
            published = true;
        }
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        QHash<QString, qint64> seqs;
        if (seq >= 0)
            seqs.insert(symbol, seq);
        const QString epoch = sameEpoch ? m_epoch : u"not-"_qs + m_epoch;
        const auto reply = viewer->request(subscribe({symbol}, sinceObject(epoch, seqs)));
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"subscribed"_qs);
        QCOMPARE(reply->json.value(u"epoch").toString(), m_epoch);
        const QJsonObject state = reply->json.value(u"symbols").toObject().value(symbol).toObject();
        QCOMPARE(state.value(u"recovered").toBool(!recovered), recovered);
        QCOMPARE(state.value(u"next").toInteger(), next);
        const qint64 newest = symbol == u"SI-TEN" ? 10 : 0;
        if (next <= newest)
            QVERIFY(viewer->waitForTicks(symbol, newest - next + 1));
        QVERIFY(sync(*viewer));
        QCOMPARE(viewer->checkSequence(symbol, next, newest), QString());
        QCOMPARE(viewer->gaps().size(), 0);
    }

    void sinceSeveralSymbols()
    {
        QVERIFY(publish(*m_producer, u"SS-A"_qs, 6).second == 6);
        QVERIFY(publish(*m_producer, u"SS-B"_qs, 4).second == 4);
        const auto viewer = connectWith(m_viewerToken);
        QVERIFY(viewer);
        const auto reply =
            viewer->request(subscribe({u"SS-A"_qs, u"SS-B"_qs, u"SS-C"_qs},
                                      sinceObject(m_epoch, {{u"SS-A"_qs, 2}, {u"SS-B"_qs, 9}})));
        QVERIFY(reply);
        const QJsonObject symbols = reply->json.value(u"symbols").toObject();
        QCOMPARE(symbols.value(u"SS-A").toObject(),
                 (QJsonObject{{u"recovered"_qs, true}, {u"next"_qs, 3}}));
        QCOMPARE(symbols.value(u"SS-B").toObject(),
                 (QJsonObject{{u"recovered"_qs, false}, {u"next"_qs, 1}}));
        QCOMPARE(symbols.value(u"SS-C").toObject(),
                 (QJsonObject{{u"recovered"_qs, true}, {u"next"_qs, 1}}));
        // Replay, then live, without a hole or a repeat.
        publish(*m_producer, u"SS-A"_qs, 3);
        publish(*m_producer, u"SS-B"_qs, 3);
        publish(*m_producer, u"SS-C"_qs, 2);
        QVERIFY(viewer->waitForTicks(u"SS-A"_qs, 7));
        QVERIFY(viewer->waitForTicks(u"SS-B"_qs, 7));
        QVERIFY(viewer->waitForTicks(u"SS-C"_qs, 2));
        QVERIFY(sync(*viewer));
        QCOMPARE(viewer->checkSequence(u"SS-A"_qs, 3, 9), QString());
        QCOMPARE(viewer->checkSequence(u"SS-B"_qs, 1, 7), QString());
        QCOMPARE(viewer->checkSequence(u"SS-C"_qs, 1, 2), QString());
    }

    // One batch of two symbols reaches a viewer of both (the batch's shared frame), a viewer
    // of one (its own frame), and a viewer that caught up from history meanwhile: each gets
    // exactly its ticks, in order.
    void fanOutToWholeAndPartialSubscribers()
    {
        const QString a = u"FO-A"_qs;
        const QString b = u"FO-B"_qs;
        QJsonArray batch;
        for (int i = 0; i < 10; ++i) {
            batch.append(WsClient::tick(a, 1.0 + i));
            batch.append(WsClient::tick(b, 2.0 + i));
        }
        const auto both = connectWith(m_viewerToken);
        const auto one = connectWith(m_viewerToken);
        const auto late = connectWith(m_viewerToken);
        QVERIFY(both && one && late);
        QVERIFY(both->request(subscribe({a, b})));
        QVERIFY(one->request(subscribe({a})));
        for (int i = 0; i < 20; ++i)
            QVERIFY(m_producer->request(op(u"publish"_qs, {{u"ticks"_qs, batch}})));
        late->sendCommand(subscribe({a, b}, sinceObject(m_epoch, {{a, 55}, {b, 5}})));
        for (int i = 0; i < 20; ++i)
            m_producer->sendCommand(op(u"publish"_qs, {{u"ticks"_qs, batch}}));
        QVERIFY(both->waitForTicks(a, 400) && both->waitForTicks(b, 400));
        QVERIFY(one->waitForTicks(a, 400));
        QVERIFY(late->waitForTicks(a, 345) && late->waitForTicks(b, 395));
        // The viewer of both got live frames that hold both symbols: the batch's frame.
        bool shared = false;
        for (const auto &message : both->takeAll())
            shared = shared || (message.op() == u"ticks" && message.raw.contains("\"FO-A\"") &&
                                message.raw.contains("\"FO-B\""));
        QVERIFY(shared);
        QVERIFY(sync(*both) && sync(*one) && sync(*late));
        QCOMPARE(both->checkSequence(a, 1, 400), QString());
        QCOMPARE(both->checkSequence(b, 1, 400), QString());
        QCOMPARE(one->checkSequence(a, 1, 400), QString());
        QVERIFY(one->ticks(b).isEmpty());
        QCOMPARE(late->checkSequence(a, 56, 400), QString());
        QCOMPARE(late->checkSequence(b, 6, 400), QString());
    }

    // With retention: ticks after the given seq that are gone make recovered false and
    // next the oldest retained q; nothing retained makes next the newest q + 1.
    void sinceAfterTrim()
    {
        ServerProcess server;
        QVERIFY2(server.start({u"--retention-ticks"_qs, u"10"_qs, u"--retention-age"_qs, u"1h"_qs,
                               u"--trim-interval"_qs, u"1s"_qs, u"--handshake-limit"_qs, u"0"_qs}),
                 qPrintable(server.error()));
        const QString token =
            server.mintToken(u"p"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        const auto producer = connectWith(token, &server);
        QVERIFY(producer);
        const QString epoch = producer->epoch();
        // TR-KEEP: 30 ticks of now, 10 stay. TR-GONE: 5 ticks of 1970, none stay.
        QCOMPARE(publish(*producer, u"TR-KEEP"_qs, 30), std::make_pair(qint64(1), qint64(30)));
        QJsonArray old;
        for (int i = 1; i <= 5; ++i)
            old.append(WsClient::tick(u"TR-GONE"_qs, i, 1, i));
        auto reply = producer->publish(old);
        QVERIFY(reply && reply->op() == u"published");
        const auto firstRetained = [&](const QString &symbol) -> qint64 {
            const auto history = producer->request(op(u"history"_qs, {{u"symbol"_qs, symbol}}));
            if (!history || history->op() != u"history")
                return -1;
            const QJsonArray ticks = history->json.value(u"ticks").toArray();
            return ticks.isEmpty() ? 0 : ticks.at(0).toObject().value(u"q").toInteger();
        };
        QTRY_COMPARE_WITH_TIMEOUT(firstRetained(u"TR-KEEP"_qs), 21, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(firstRetained(u"TR-GONE"_qs), 0, 30000);

        struct Case
        {
            QString symbol;
            qint64 seq;
            bool recovered;
            qint64 next;
            qint64 newest;
        };
        const QList<Case> cases = {
            {u"TR-KEEP"_qs, 5, false, 21, 30},  {u"TR-KEEP"_qs, 0, false, 21, 30},
            {u"TR-KEEP"_qs, 19, false, 21, 30}, {u"TR-KEEP"_qs, 20, true, 21, 30},
            {u"TR-KEEP"_qs, 25, true, 26, 30},  {u"TR-KEEP"_qs, 31, false, 21, 30},
            {u"TR-GONE"_qs, 2, false, 6, 5},    {u"TR-GONE"_qs, 5, true, 6, 5},
            {u"TR-GONE"_qs, 8, false, 6, 5},
        };
        for (const Case &c : cases) {
            const auto viewer = connectWith(token, &server);
            QVERIFY(viewer);
            reply = viewer->request(subscribe({c.symbol}, sinceObject(epoch, {{c.symbol, c.seq}})));
            QVERIFY(reply);
            const QJsonObject state =
                reply->json.value(u"symbols").toObject().value(c.symbol).toObject();
            const QByteArray where =
                c.symbol.toLatin1() + " since " + QByteArray::number(c.seq) + ": " + reply->raw;
            QVERIFY2(state.value(u"recovered").toBool(!c.recovered) == c.recovered,
                     where.constData());
            QVERIFY2(state.value(u"next").toInteger() == c.next, where.constData());
            if (c.next <= c.newest)
                QVERIFY(viewer->waitForTicks(c.symbol, c.newest - c.next + 1));
            QVERIFY(sync(*viewer));
            QCOMPARE(viewer->checkSequence(c.symbol, c.next, c.newest), QString());
            // recovered:false already said it; no gap repeats the loss.
            QCOMPARE(viewer->gaps().size(), 0);
        }
        // /api/v1/ticks agrees: from 1 starts at the oldest retained q.
        const HttpReply rest =
            server.httpGet("/api/v1/ticks?symbol=TR-KEEP", HttpClient::bearer(token));
        QCOMPARE(rest.status, 200);
        QCOMPARE(rest.json().value(u"ticks").toArray().at(0).toObject().value(u"q").toInteger(),
                 21);
    }
};

QTEST_GUILESS_MAIN(tst_Commands)
#include "tst_commands.moc"
