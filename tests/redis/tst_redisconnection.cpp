// RedisConnection against a real redis-server: every kind of reply as hiredis's reader
// builds it in a RedisReplyArena (strings, status, errors, integers, nil, empty and nested
// arrays, values larger than an arena block, replies of a pipeline held at once).
#include "RedisServerProcess.h"
#include "redis/RedisConnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <future>
#include <hiredis/hiredis.h>
#include <thread>

using namespace tickscope;

namespace {

// The reply as text: "x" strings, +status, -error, integers, nil, [a, b].
QByteArray render(const redisReply *reply)
{
    if (!reply)
        return "(none)";
    switch (reply->type) {
    case REDIS_REPLY_STRING:
        return '"' + RedisReply::bytes(reply) + '"';
    case REDIS_REPLY_STATUS:
        return '+' + RedisReply::bytes(reply);
    case REDIS_REPLY_ERROR:
        return '-' + RedisReply::bytes(reply).left(RedisReply::bytes(reply).indexOf(' '));
    case REDIS_REPLY_INTEGER:
        return QByteArray::number(reply->integer);
    case REDIS_REPLY_NIL:
        return "nil";
    case REDIS_REPLY_ARRAY: {
        QByteArrayList parts;
        for (qsizetype i = 0; i < RedisReply::size(reply); ++i)
            parts.append(render(RedisReply::element(reply, i)));
        return '[' + parts.join(", ") + ']';
    }
    default:
        return "(type " + QByteArray::number(reply->type) + ')';
    }
}

} // namespace

class tst_RedisConnection : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::RedisServerProcess> m_server;
    std::unique_ptr<RedisConnection> m_connection;

    RedisReply run(const QByteArrayList &args)
    {
        QString error;
        RedisReply reply = m_connection->command(args, &error);
        if (!reply)
            qWarning("%s", qPrintable(error));
        return reply;
    }

private slots:
    void initTestCase()
    {
        if (!test::haveRedis())
            QSKIP("redis-server and redis-cli are not installed");
        m_server = std::make_unique<test::RedisServerProcess>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        const auto url = RedisUrl::parse(m_server->url(), &error);
        QVERIFY2(url, qPrintable(error));
        m_connection =
            std::make_unique<RedisConnection>(url->nodes.constFirst(), RedisConnectionOptions{});
        QVERIFY2(m_connection->connect(&error), qPrintable(error));
    }
    void cleanupTestCase()
    {
        m_connection.reset();
        m_server.reset();
    }
    void init() { QVERIFY(run({"FLUSHDB"})); }

    void replyKinds_data()
    {
        QTest::addColumn<QList<QByteArrayList>>("setup");
        QTest::addColumn<QByteArrayList>("command");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("status") << QList<QByteArrayList>{} << QByteArrayList{"SET", "k", "v"}
                                << QByteArray("+OK");
        QTest::newRow("string") << QList<QByteArrayList>{{"SET", "k", "value"}}
                                << QByteArrayList{"GET", "k"} << QByteArray("\"value\"");
        QTest::newRow("empty string") << QList<QByteArrayList>{{"SET", "k", ""}}
                                      << QByteArrayList{"GET", "k"} << QByteArray("\"\"");
        QTest::newRow("nil") << QList<QByteArrayList>{} << QByteArrayList{"GET", "missing"}
                             << QByteArray("nil");
        QTest::newRow("integer") << QList<QByteArrayList>{{"SET", "n", "41"}}
                                 << QByteArrayList{"INCR", "n"} << QByteArray("42");
        QTest::newRow("negative integer")
            << QList<QByteArrayList>{} << QByteArrayList{"DECRBY", "n", "7"} << QByteArray("-7");
        QTest::newRow("error") << QList<QByteArrayList>{{"SET", "k", "v"}}
                               << QByteArrayList{"LPUSH", "k", "x"} << QByteArray("-WRONGTYPE");
        QTest::newRow("empty array")
            << QList<QByteArrayList>{} << QByteArrayList{"LRANGE", "missing", "0", "-1"}
            << QByteArray("[]");
        QTest::newRow("nil in an array")
            << QList<QByteArrayList>{{"SET", "a", "1"}} << QByteArrayList{"MGET", "a", "b", "a"}
            << QByteArray("[\"1\", nil, \"1\"]");
        QTest::newRow("stream entries")
            << QList<QByteArrayList>{{"XADD", "s", "1-0", "t", "5", "p", "1.5"},
                                     {"XADD", "s", "2-0", "t", "6", "p", "2"}}
            << QByteArrayList{"XRANGE", "s", "-", "+"}
            << QByteArray(R"([["1-0", ["t", "5", "p", "1.5"]], ["2-0", ["t", "6", "p", "2"]]])");
        QTest::newRow("three levels") << QList<QByteArrayList>{{"XADD", "s", "1-0", "f", "v"}}
                                      << QByteArrayList{"XREAD", "STREAMS", "s", "0"}
                                      << QByteArray(R"([["s", [["1-0", ["f", "v"]]]]])");
        QTest::newRow("binary") << QList<QByteArrayList>{{"SET", "k", QByteArray("a\0b\r\n", 5)}}
                                << QByteArrayList{"STRLEN", "k"} << QByteArray("5");
    }
    void replyKinds()
    {
        QFETCH(QList<QByteArrayList>, setup);
        QFETCH(QByteArrayList, command);
        QFETCH(QByteArray, expected);
        for (const QByteArrayList &step : std::as_const(setup)) {
            const RedisReply reply = run(step);
            QVERIFY(reply && !reply.isError());
        }
        const RedisReply reply = run(command);
        QVERIFY(reply);
        QCOMPARE(render(reply.get()), expected);
    }

    void binaryValueReadsBack()
    {
        const QByteArray value("a\0b\r\n$3\r\n", 10);
        QVERIFY(run({"SET", "k", value}));
        const RedisReply reply = run({"GET", "k"});
        QVERIFY(reply.isString());
        QCOMPARE(reply.bytes(), value);
        QCOMPARE(reply.get()->str[reply.get()->len], '\0'); // terminated like hiredis's own
    }

    void valueLargerThanABlock()
    {
        // Larger than an arena block (256 KiB) and than the inline room.
        QByteArray value(3 * 1024 * 1024 + 17, '\0');
        for (qsizetype i = 0; i < value.size(); ++i)
            value[i] = char('a' + i % 26);
        QVERIFY(run({"SET", "big", value}));
        const RedisReply reply = run({"MGET", "big", "none", "big"});
        QCOMPARE(RedisReply::size(reply.get()), 3);
        QCOMPARE(RedisReply::bytes(RedisReply::element(reply.get(), 0)), value);
        QCOMPARE(RedisReply::element(reply.get(), 1)->type, REDIS_REPLY_NIL);
        QCOMPARE(RedisReply::bytes(RedisReply::element(reply.get(), 2)), value);
    }

    void manyElementsOverSeveralBlocks()
    {
        const int count = 60'000;
        QByteArrayList push{"RPUSH", "list"};
        for (int i = 0; i < count; ++i)
            push.append("item-" + QByteArray::number(i));
        QCOMPARE(run(push).integer(), count);
        const RedisReply reply = run({"LRANGE", "list", "0", "-1"});
        QCOMPARE(RedisReply::size(reply.get()), count);
        for (int i = 0; i < count; ++i) {
            const QByteArray expected = "item-" + QByteArray::number(i);
            if (RedisReply::bytes(RedisReply::element(reply.get(), i)) != expected)
                QFAIL(qPrintable(u"element %1 is wrong"_qs.arg(i)));
        }
        // An element cannot be released on its own: only its top-level reply owns memory.
        QCOMPARE(RedisReply::size(reply.get()), count);
    }

    void pipelinedRepliesAreIndependent()
    {
        QVERIFY(run({"RPUSH", "l", "x", "y"}));
        m_connection->append({"LRANGE", "l", "0", "-1"});
        m_connection->append({"SET", "k", "v"});
        m_connection->append({"GET", "k"});
        QString error;
        QVERIFY2(m_connection->flush(&error), qPrintable(error));
        std::vector<RedisReply> replies;
        for (int i = 0; i < 3; ++i) {
            replies.push_back(m_connection->read(&error));
            QVERIFY2(replies.back(), qPrintable(error));
        }
        replies.erase(replies.begin() + 1); // freeing one leaves the others intact
        QCOMPARE(render(replies.at(0).get()), QByteArray(R"(["x", "y"])"));
        QCOMPARE(render(replies.at(1).get()), QByteArray(R"("v")"));
    }

    void connectionLostMidReply()
    {
        // A server that sends half an array and hangs up: the reader frees the reply it was
        // building (under ASan: no leak, no double free) and the read reports the loss.
        std::promise<quint16> listening;
        std::future<quint16> port = listening.get_future();
        std::thread peer([&listening] {
            QTcpServer server;
            if (!server.listen(QHostAddress::LocalHost)) {
                listening.set_value(0);
                return;
            }
            listening.set_value(server.serverPort());
            if (!server.waitForNewConnection(10'000))
                return;
            QTcpSocket *socket = server.nextPendingConnection();
            socket->waitForReadyRead(10'000);
            socket->write("*3\r\n$5\r\nfirst\r\n*2\r\n:7\r\n$4\r\nha");
            socket->waitForBytesWritten(10'000);
            socket->disconnectFromHost();
            if (socket->state() != QAbstractSocket::UnconnectedState)
                socket->waitForDisconnected(10'000);
        });
        RedisConnection half({u"127.0.0.1"_qs, port.get()}, RedisConnectionOptions{});
        QString error;
        const bool connected = half.connect(&error);
        RedisReply reply;
        if (connected)
            reply = half.command({"LRANGE", "l", "0", "-1"}, &error);
        peer.join();
        QVERIFY2(connected, qPrintable(error));
        QVERIFY(reply.isNull());
        QVERIFY2(error.contains(u"read failed"_qs), qPrintable(error));
        QVERIFY(!half.isConnected());
    }
};

QTEST_GUILESS_MAIN(tst_RedisConnection)
#include "tst_redisconnection.moc"
