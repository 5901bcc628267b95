// How the viewer reports what the server says it could not deliver: a `gap`, and a resume
// that came back with recovered:false. The peer is a scripted WebSocket server on a real
// socket, so that these rare answers come exactly when the test wants them.
#include "StreamClient.h"
#include "Wait.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace tickscope;
using tickscope::test::waitUntil;

namespace {
QString ticksFrame(qint64 from, qint64 to)
{
    QString out = u"{\"op\":\"ticks\",\"ticks\":["_qs;
    for (qint64 q = from; q <= to; ++q) {
        if (q > from)
            out += u","_qs;
        out += u"{\"s\":\"BTC-USD\",\"q\":%1,\"t\":%2,\"p\":%3,\"v\":1}"_qs.arg(q)
                   .arg(1'700'000'000'000'000 + q * 1000)
                   .arg(100 + q);
    }
    return out + u"]}"_qs;
}
} // namespace

class tst_StreamClientEvents : public QObject
{
    Q_OBJECT
private slots:
    void gapAndLossOnResumeAreReported()
    {
        QWebSocketServer server(u"scripted"_qs, QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        int connection = 0;
        QList<QJsonObject> commands;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *socket = server.nextPendingConnection();
            socket->setParent(&server); // the caller owns accepted sockets
            const int n = ++connection;
            socket->sendTextMessage(
                u"{\"op\":\"hello\",\"version\":1,\"server\":\"scripted/1\","
                "\"epoch\":\"E1\",\"session\":\"s%1\",\"heartbeat_ms\":15000}"_qs.arg(n));
            connect(socket, &QWebSocket::textMessageReceived, socket,
                    [&, socket, n](const QString &text) {
                        const QJsonObject command = QJsonDocument::fromJson(text.toUtf8()).object();
                        commands.append(command);
                        if (command.value(u"op").toString() != u"subscribe")
                            return;
                        const int id = command.value(u"id").toInt();
                        if (n == 1) {
                            socket->sendTextMessage(
                                u"{\"op\":\"subscribed\",\"id\":%1,\"epoch\":\"E1\",\"symbols\":"
                                "{\"BTC-USD\":{\"recovered\":false,\"next\":1}}}"_qs.arg(id));
                            socket->sendTextMessage(ticksFrame(1, 5));
                            socket->sendTextMessage(u"{\"op\":\"gap\",\"symbol\":\"BTC-USD\","
                                                    "\"from\":6,\"to\":9}"_qs);
                            socket->sendTextMessage(ticksFrame(10, 12));
                            QTimer::singleShot(100, socket, [socket] {
                                socket->close(QWebSocketProtocol::CloseCodeGoingAway,
                                              u"restart"_qs);
                            });
                        } else {
                            socket->sendTextMessage(
                                u"{\"op\":\"subscribed\",\"id\":%1,\"epoch\":\"E1\",\"symbols\":"
                                "{\"BTC-USD\":{\"recovered\":false,\"next\":20}}}"_qs.arg(id));
                            socket->sendTextMessage(ticksFrame(20, 21));
                        }
                    });
        });

        StreamClient::Options options;
        options.url = QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(server.serverPort()));
        options.retryBaseMs = 20;
        options.retryCapMs = 50;
        StreamClient client(options);
        std::vector<qint64> seqs;
        QList<StreamEvent> events;
        auto backlog = client.backlog();
        connect(&client, &StreamClient::batchReady, this, [&](const TickBatchPtr &batch) {
            backlog->fetch_sub(1);
            seqs.insert(seqs.end(), batch->detail.seq.begin(), batch->detail.seq.end());
            events.append(batch->events);
        });
        client.setSymbols({u"BTC-USD"_qs});
        client.setDetailSymbol(u"BTC-USD"_qs);
        client.start();
        QVERIFY(waitUntil([&] { return seqs.size() >= 10; }));

        // The backfill's recovered:false is expected (it asked for more than is retained):
        // no mark. The gap is one.
        QCOMPARE(seqs, (std::vector<qint64>{1, 2, 3, 4, 5, 10, 11, 12, 20, 21}));
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[0].kind, StreamEvent::Kind::Gap);
        QCOMPARE(events[0].fromSeq, 6);
        QCOMPARE(events[0].toSeq, 9);
        QCOMPARE(events[0].timeMs, double(1'700'000'000'000'000 + 5 * 1000) / 1000.0);
        // The resume asked for q > 12 and got 20 on: 13..19 are lost, and said so.
        QCOMPARE(events[1].kind, StreamEvent::Kind::NotRecovered);
        QCOMPARE(events[1].fromSeq, 13);
        QCOMPARE(events[1].toSeq, 19);

        // The resume named our last q, in our epoch.
        const QJsonObject resume = commands.last();
        QCOMPARE(resume.value(u"since"_qs).toObject().value(u"epoch"_qs).toString(), u"E1"_qs);
        QCOMPARE(resume.value(u"since"_qs)
                     .toObject()
                     .value(u"seq"_qs)
                     .toObject()
                     .value(u"BTC-USD"_qs)
                     .toInt(),
                 12);
        client.stop();
    }
};

QTEST_GUILESS_MAIN(tst_StreamClientEvents)
#include "tst_streamclientevents.moc"
