// The frames the server writes itself under QWebSocket (TextFrame): the header for every
// length class of RFC 6455, and a real QWebSocket client reading them off a real socket,
// so that Qt's own decoder judges the bytes.
#include "Wait.h"
#include "stream/TextFrame.h"

#include <QCryptographicHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace tickscope;
using namespace tickscope::test;

namespace {

QByteArray payloadOf(qsizetype size)
{
    // Multi-byte UTF-8 throughout, so a length counted in characters would show.
    QByteArray payload;
    const QByteArray pattern = QStringLiteral("{\"p\":\"\u20ac1.5\"},").toUtf8();
    while (payload.size() < size)
        payload.append(pattern);
    payload.truncate(size);
    // Never end inside a character: cut back to a whole one, then pad to the size.
    while (!payload.isEmpty() && uchar(payload.back()) >= 0x80)
        payload.chop(1);
    return payload.leftJustified(size, ' ');
}

} // namespace

class tst_TextFrame : public QObject
{
    Q_OBJECT
private slots:
    void header_data()
    {
        QTest::addColumn<qsizetype>("size");
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("empty") << qsizetype(0) << QByteArray::fromHex("8100");
        QTest::newRow("longest 7-bit length") << qsizetype(125) << QByteArray::fromHex("817d");
        QTest::newRow("shortest 16-bit length")
            << qsizetype(126) << QByteArray::fromHex("817e007e");
        QTest::newRow("longest 16-bit length")
            << qsizetype(65535) << QByteArray::fromHex("817effff");
        QTest::newRow("shortest 64-bit length")
            << qsizetype(65536) << QByteArray::fromHex("817f0000000000010000");
        QTest::newRow("a catch-up frame")
            << qsizetype(262144 + 7) << QByteArray::fromHex("817f0000000000040007");
    }

    void header()
    {
        QFETCH(qsizetype, size);
        QFETCH(QByteArray, header);
        QCOMPARE(TextFrame::headerBytes(size), header.size());
        const QByteArray payload(size, 'x');
        const QByteArray frame = TextFrame::encode(payload);
        QCOMPARE(frame.first(header.size()), header);
        QCOMPARE(frame.size(), header.size() + size);
        QCOMPARE(TextFrame::payload(frame), QByteArrayView(payload));
    }

    void readByQWebSocket_data()
    {
        QTest::addColumn<QList<qsizetype>>("sizes");
        QTest::newRow("one of each length class") << QList<qsizetype>{3, 125, 126, 65535, 70000};
        QTest::newRow("many small, back to back") << QList<qsizetype>(200, 40);
        QTest::newRow("empty message") << QList<qsizetype>{0, 1};
    }

    void readByQWebSocket()
    {
        QFETCH(QList<qsizetype>, sizes);
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QWebSocket client;
        QStringList received;
        connect(&client, &QWebSocket::textMessageReceived, this,
                [&](const QString &text) { received.append(text); });
        client.open(QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(server.serverPort())));

        QVERIFY(waitUntil([&] { return server.hasPendingConnections(); }));
        QTcpSocket *peer = server.nextPendingConnection();
        QByteArray request;
        QVERIFY(waitUntil([&] {
            request += peer->readAll();
            return request.contains("\r\n\r\n");
        }));
        QByteArray key;
        for (const QByteArray &line : request.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(line.indexOf(':') + 1).trimmed();
        }
        QVERIFY(!key.isEmpty());
        const QByteArray accept =
            QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                     QCryptographicHash::Sha1)
                .toBase64();
        peer->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                    accept + "\r\n\r\n");
        QVERIFY(waitUntil([&] { return client.state() == QAbstractSocket::ConnectedState; }));

        QStringList sent;
        for (const qsizetype size : std::as_const(sizes)) {
            const QByteArray payload = payloadOf(size);
            sent.append(QString::fromUtf8(payload));
            peer->write(TextFrame::encode(payload));
        }
        // A frame Qt cannot read closes the connection: stop waiting then.
        QVERIFY(waitUntil([&] {
            return received.size() >= sent.size() ||
                   client.state() != QAbstractSocket::ConnectedState;
        }));
        QCOMPARE(received, sent);
        QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
    }
};

QTEST_GUILESS_MAIN(tst_TextFrame)
#include "tst_textframe.moc"
