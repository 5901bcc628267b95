// The handshake gate of PROTOCOL.md sections 1, 2 and 10, through real sockets to the
// real binary: every refusal in the protocol's order, with its exact status line, JSON
// error body, headers and metric.

#include "HttpClient.h"
#include "ServerProcess.h"
#include "TestTokens.h"
#include "WsClient.h"

#include <QDateTime>
#include <QTest>

using namespace tickscope;
using namespace tickscope::test;

Q_DECLARE_METATYPE(tickscope::test::HttpHeaders)

namespace {

const QByteArray GoodOrigin = "http://good.example:8080";

QString handshakeSeries(const QString &result)
{
    return u"tickscope_handshakes_total{result=\"%1\"}"_qs.arg(result);
}

QByteArray reasonLine(int status)
{
    switch (status) {
    case 101:
        return "HTTP/1.1 101 Switching Protocols";
    case 400:
        return "HTTP/1.1 400 Bad Request";
    case 401:
        return "HTTP/1.1 401 Unauthorized";
    case 403:
        return "HTTP/1.1 403 Forbidden";
    case 404:
        return "HTTP/1.1 404 Not Found";
    case 426:
        return "HTTP/1.1 426 Upgrade Required";
    case 429:
        return "HTTP/1.1 429 Too Many Requests";
    case 431:
        return "HTTP/1.1 431 Request Header Fields Too Large";
    case 503:
        return "HTTP/1.1 503 Service Unavailable";
    default:
        return {};
    }
}

// Empty when `reply` is the JSON error `code` with `status`, else what differs.
QByteArray checkRefusal(const HttpReply &reply, int status, const QString &code)
{
    if (reply.statusLine != reasonLine(status))
        return "status line: " + reply.describe();
    if (reply.header("content-type").value_or("") != "application/json")
        return "content type: " + reply.header("content-type").value_or("<none>");
    const QJsonObject error = reply.json().value(u"error").toObject();
    if (error.value(u"code").toString() != code)
        return "error code: " + reply.body;
    if (error.value(u"message").toString().isEmpty())
        return "no message: " + reply.body;
    if (reply.header("content-length").value_or("") != QByteArray::number(reply.body.size()))
        return "content length does not match the body";
    return {};
}

} // namespace

class tst_Handshake : public QObject
{
    Q_OBJECT
private:
    ServerProcess m_server;
    QString m_read;
    QString m_publishOnly;
    QString m_adminOnly;
    SigningKey m_key;

    HttpReply upgrade(const HttpHeaders &headers, const QByteArray &target = "/v1/stream")
    {
        return m_server.httpGet(target, HttpClient::upgradeHeaders() + headers);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!ServerProcess::binary().isEmpty(), "TICKSCOPE_BINARY is not set");
        QVERIFY2(m_server.start({u"--allowed-origins"_qs, QString::fromLatin1(GoodOrigin),
                                 u"--handshake-limit"_qs, u"0"_qs}),
                 qPrintable(m_server.error()));
        m_read = m_server.mintToken(u"viewer"_qs, u"read"_qs);
        m_publishOnly = m_server.mintToken(u"producer"_qs, u"publish"_qs);
        m_adminOnly = m_server.mintToken(u"admin"_qs, u"admin"_qs);
        QVERIFY2(!m_read.isEmpty() && !m_publishOnly.isEmpty() && !m_adminOnly.isEmpty(),
                 qPrintable(m_server.error()));
        const auto key = TestTokens::serverKey(m_server.dataDir());
        QVERIFY(key);
        m_key = *key;
    }

    void refusals_data()
    {
        QTest::addColumn<HttpHeaders>("headers");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("result");

        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const auto bearer = [](const QString &token) { return HttpClient::bearer(token); };
        const auto forged = [&](Claims claims, QByteArray secret = {}) {
            SigningKey key = m_key;
            if (!secret.isEmpty())
                key.secret = secret;
            return TestTokens::sign(claims, key);
        };
        const QByteArray kidHeader =
            "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + m_key.kid.toLatin1() + "\"}";
        const QByteArray payload =
            "{\"sub\":\"x\",\"exp\":" + QByteArray::number(now + 3600) + ",\"scope\":\"read\"}";
        const QByteArray stream = "/v1/stream";

        // 1. origin, before everything else
        QTest::newRow("forbidden origin, no token")
            << HttpHeaders{{"Origin", "http://evil.example"}} << stream << 403
            << u"forbidden_origin"_qs << u"forbidden_origin"_qs;
        QTest::newRow("forbidden origin, valid token")
            << HttpHeaders{{"Origin", "http://evil.example"}} + bearer(m_read) << stream << 403
            << u"forbidden_origin"_qs << u"forbidden_origin"_qs;
        QTest::newRow("forbidden origin, other port")
            << HttpHeaders{{"Origin", "http://good.example:8081"}} + bearer(m_read) << stream << 403
            << u"forbidden_origin"_qs << u"forbidden_origin"_qs;
        QTest::newRow("allowed origin, any case")
            << HttpHeaders{{"Origin", "HTTP://Good.Example:8080"}} + bearer(m_read) << stream << 101
            << QString() << u"accepted"_qs;
        // 3. token
        QTest::newRow("no token") << HttpHeaders{} << stream << 401 << u"invalid_token"_qs
                                  << u"invalid_token"_qs;
        QTest::newRow("allowed origin, no token")
            << HttpHeaders{{"Origin", GoodOrigin}} << stream << 401 << u"invalid_token"_qs
            << u"invalid_token"_qs;
        QTest::newRow("malformed token") << bearer(u"not-a-jwt"_qs) << stream << 401
                                         << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("two parts only") << bearer(m_read.section(u'.', 0, 1)) << stream << 401
                                        << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("basic auth") << HttpHeaders{{"Authorization", "Basic dXNlcjpwYXNz"}}
                                    << stream << 401 << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("wrong signature")
            << bearer(forged(TestTokens::claims(u"x"_qs, {u"read"_qs}, 3600), QByteArray(32, 'k')))
            << stream << 401 << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("tampered payload")
            << bearer(m_read.section(u'.', 0, 0) + u'.' +
                      QString::fromLatin1(QByteArray(payload).toBase64(
                          QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)) +
                      u'.' + m_read.section(u'.', 2, 2))
            << stream << 401 << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("expired") << bearer(forged(TestTokens::claims(u"x"_qs, {u"read"_qs}, -3600)))
                                 << stream << 401 << u"invalid_token"_qs << u"invalid_token"_qs;
        Claims notYet = TestTokens::claims(u"x"_qs, {u"read"_qs}, 7200);
        notYet.nbf = now + 3600;
        QTest::newRow("not yet valid") << bearer(forged(notYet)) << stream << 401
                                       << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("unknown kid")
            << bearer(TestTokens::make("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"nope\"}",
                                       payload, m_key.secret))
            << stream << 401 << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("alg none") << bearer(TestTokens::make(
                                         "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" +
                                             m_key.kid.toLatin1() + "\"}",
                                         payload, {}))
                                  << stream << 401 << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("alg HS384")
            << bearer(TestTokens::make("{\"alg\":\"HS384\",\"typ\":\"JWT\",\"kid\":\"" +
                                           m_key.kid.toLatin1() + "\"}",
                                       payload, m_key.secret))
            << stream << 401 << u"invalid_token"_qs << u"invalid_token"_qs;
        QTest::newRow("right key, own header")
            << bearer(TestTokens::make(kidHeader, payload, m_key.secret)) << stream << 101
            << QString() << u"accepted"_qs;
        QTest::newRow("bad token in query")
            << HttpHeaders{} << QByteArray("/v1/stream?access_token=abc.def.ghi") << 401
            << u"invalid_token"_qs << u"invalid_token"_qs;
        // 4. scope
        QTest::newRow("publish scope only") << bearer(m_publishOnly) << stream << 403
                                            << u"insufficient_scope"_qs << u"insufficient_scope"_qs;
        QTest::newRow("admin does not imply read")
            << bearer(m_adminOnly) << stream << 403 << u"insufficient_scope"_qs
            << u"insufficient_scope"_qs;
        // accepted
        QTest::newRow("bearer") << bearer(m_read) << stream << 101 << QString() << u"accepted"_qs;
        QTest::newRow("lower-case bearer")
            << HttpHeaders{{"Authorization", "bearer " + m_read.toLatin1()}} << stream << 101
            << QString() << u"accepted"_qs;
        QTest::newRow("access_token query")
            << HttpHeaders{} << QByteArray("/v1/stream?access_token=" + m_read.toLatin1()) << 101
            << QString() << u"accepted"_qs;
    }

    void refusals()
    {
        QFETCH(HttpHeaders, headers);
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, result);

        const auto before = m_server.metric(handshakeSeries(result));
        QVERIFY(before);
        const HttpReply reply = upgrade(headers, target);
        if (status == 101) {
            QCOMPARE(reply.statusLine, reasonLine(101));
            QVERIFY(reply.header("sec-websocket-accept"));
        } else {
            const QByteArray problem = checkRefusal(reply, status, code);
            QVERIFY2(problem.isEmpty(), problem.constData());
            QVERIFY(!reply.header("sec-websocket-accept"));
        }
        if (status == 401) {
            QCOMPARE(reply.header("www-authenticate").value_or(""),
                     QByteArray("Bearer error=\"invalid_token\""));
        } else {
            QVERIFY(!reply.header("www-authenticate"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_server.metric(handshakeSeries(result)).value_or(-1),
                                  *before + 1, 10000);
    }

    // A QWebSocket client gets through with a token in the header or the query.
    void realClientConnects()
    {
        for (const bool inQuery : {false, true}) {
            WsClient client;
            WsClient::OpenOptions options;
            options.tokenInQuery = inQuery;
            QVERIFY2(client.open(m_server.url(), m_read, options),
                     qPrintable(client.errorString()));
            QCOMPARE(client.hello().value(u"op").toString(), u"hello"_qs);
        }
        WsClient refused;
        QVERIFY(!refused.open(m_server.url(), u"garbage"_qs, {}, 10000));
        QVERIFY(!refused.isConnected());
    }

    void upgradeRequired_data()
    {
        QTest::addColumn<QByteArray>("request");
        const QByteArray host = "Host: 127.0.0.1\r\n";
        QTest::newRow("plain GET") << QByteArray("GET /v1/stream HTTP/1.1\r\n" + host + "\r\n");
        QTest::newRow("bad origin, no token") << QByteArray("GET /v1/stream HTTP/1.1\r\n" + host +
                                                            "Origin: http://evil.example\r\n\r\n");
        QTest::newRow("bad token") << QByteArray("GET /v1/stream HTTP/1.1\r\n" + host +
                                                 "Authorization: Bearer nonsense\r\n\r\n");
        QTest::newRow("upgrade without connection")
            << QByteArray("GET /v1/stream HTTP/1.1\r\n" + host + "Upgrade: websocket\r\n\r\n");
        QTest::newRow("query") << QByteArray("GET /v1/stream?x=1 HTTP/1.1\r\n" + host + "\r\n");
    }

    // 426 before any other check (section 10).
    void upgradeRequired()
    {
        QFETCH(QByteArray, request);
        const HttpReply reply = m_server.httpSend(request);
        const QByteArray problem = checkRefusal(reply, 426, u"upgrade_required"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
    }

    void badUpgrade_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const auto upgrade = [](const QByteArray &version, const QByteArray &extra) {
            return "GET /v1/stream " + version +
                   "\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + extra +
                   "\r\n";
        };
        const QByteArray key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        const QByteArray v13 = "Sec-WebSocket-Version: 13\r\n";
        QTest::newRow("no key") << upgrade("HTTP/1.1", v13) << 400 << u"bad_request"_qs;
        QTest::newRow("short key")
            << upgrade("HTTP/1.1", "Sec-WebSocket-Key: c2hvcnRrZXk=\r\n" + v13) << 400
            << u"bad_request"_qs;
        QTest::newRow("key not base64")
            << upgrade("HTTP/1.1", "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==\r\n" + v13) << 400
            << u"bad_request"_qs;
        QTest::newRow("HTTP/1.0") << upgrade("HTTP/1.0", key + v13) << 400 << u"bad_request"_qs;
        QTest::newRow("version 8") << upgrade("HTTP/1.1", key + "Sec-WebSocket-Version: 8\r\n")
                                   << 426 << u"upgrade_required"_qs;
        QTest::newRow("no version") << upgrade("HTTP/1.1", key) << 426 << u"upgrade_required"_qs;
    }

    // An upgrade that is not a valid RFC 6455 opening handshake gets a JSON error too,
    // even with a valid token, and is not counted as accepted.
    void badUpgrade()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, code);
        request.insert(request.size() - 2, "Authorization: Bearer " + m_read.toLatin1() + "\r\n");
        const double accepted = m_server.metric(handshakeSeries(u"accepted"_qs)).value_or(-1);
        const double bad = m_server.metric(handshakeSeries(u"bad_request"_qs)).value_or(-1);
        const HttpReply reply = m_server.httpSend(request);
        const QByteArray problem = checkRefusal(reply, status, code);
        QVERIFY2(problem.isEmpty(), problem.constData());
        if (status == 426)
            QCOMPARE(reply.header("sec-websocket-version").value_or(""), QByteArray("13"));
        QCOMPARE(m_server.metric(handshakeSeries(u"bad_request"_qs)).value_or(-1), bad + 1);
        QCOMPARE(m_server.metric(handshakeSeries(u"accepted"_qs)).value_or(-1), accepted);
    }

    void notFound_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("root") << QByteArray("/");
        QTest::newRow("unknown") << QByteArray("/nope");
        QTest::newRow("stream prefix") << QByteArray("/v1/streamx");
        QTest::newRow("api prefix") << QByteArray("/api/v1/");
        QTest::newRow("trailing slash") << QByteArray("/healthz/");
    }

    void notFound()
    {
        QFETCH(QByteArray, target);
        const double before = m_server.metric(handshakeSeries(u"not_found"_qs)).value_or(-1);
        // With upgrade headers and without: a path that does not exist is 404 either way.
        for (const bool withUpgrade : {false, true}) {
            const HttpReply reply = m_server.httpGet(
                target, withUpgrade ? HttpClient::upgradeHeaders() : HttpHeaders{});
            const QByteArray problem = checkRefusal(reply, 404, u"not_found"_qs);
            QVERIFY2(problem.isEmpty(), problem.constData());
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_server.metric(handshakeSeries(u"not_found"_qs)).value_or(-1),
                                  before + 2, 10000);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << 400;
        QTest::newRow("no version") << QByteArray("GET /healthz\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("no Host") << QByteArray("GET /healthz HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("absolute form")
            << QByteArray("GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("header without colon")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n") << 400;
        QTest::newRow("body") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                            "Content-Length: 5\r\n\r\nhello")
                              << 400;
        QTest::newRow("head of 17 KiB")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                          QByteArray(17 * 1024, 'a') + "\r\n\r\n")
            << 431;
        QTest::newRow("17 KiB without an end")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                          QByteArray(17 * 1024, 'a'))
            << 431;
        QTest::newRow("stream with 17 KiB")
            << QByteArray("GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nX-Pad: " +
                          QByteArray(17 * 1024, 'a') + "\r\n\r\n")
            << 431;
    }

    void malformed()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const double before = m_server.metric(handshakeSeries(u"bad_request"_qs)).value_or(-1);
        const HttpReply reply = m_server.httpSend(request);
        const QByteArray problem = checkRefusal(reply, status, u"bad_request"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_server.metric(handshakeSeries(u"bad_request"_qs)).value_or(-1),
                                  before + 1, 10000);
    }

    // A head just under the limit is still served.
    void headUnderLimit()
    {
        const QByteArray pad(15 * 1024, 'a');
        const HttpReply reply = m_server.httpGet("/healthz", {{"X-Pad", pad}});
        QCOMPARE(reply.status, 200);
    }

    // 2. handshakes per address, after the origin and before the token; 5. capacity last.
    void rateLimitAndCapacity()
    {
        // 0.01 per second: no token comes back while the test runs, however slow the machine.
        ServerProcess server;
        QVERIFY2(server.start({u"--handshake-limit"_qs, u"0.01"_qs, u"--handshake-burst"_qs,
                               u"2"_qs, u"--max-connections"_qs, u"1"_qs}),
                 qPrintable(server.error()));
        const QString token = server.mintToken(u"viewer"_qs);
        QVERIFY(!token.isEmpty());
        const auto upgradeTo = [&](const HttpHeaders &headers) {
            return server.httpGet("/v1/stream", HttpClient::upgradeHeaders() + headers);
        };

        // First handshake: accepted, and it stays connected (the connection limit is 1).
        WsClient first;
        QVERIFY2(first.open(server.url(), token), qPrintable(first.errorString()));
        // Second: passes the rate, fails capacity (503 comes after the token checks).
        HttpReply reply = upgradeTo(HttpClient::bearer(token));
        QByteArray problem = checkRefusal(reply, 503, u"unavailable"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
        // A bad origin is refused before the rate is even counted.
        reply = upgradeTo({{"Origin", "http://evil.example"}});
        problem = checkRefusal(reply, 403, u"forbidden_origin"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
        // Third: the bucket is empty; 429 before the token is looked at.
        for (const HttpHeaders &headers :
             {HttpClient::bearer(token), HttpClient::bearer(u"garbage"_qs), HttpHeaders{}}) {
            reply = upgradeTo(headers);
            problem = checkRefusal(reply, 429, u"rate_limited"_qs);
            QVERIFY2(problem.isEmpty(), problem.constData());
            bool ok = false;
            const int retryAfter = reply.header("retry-after").value_or("").toInt(&ok);
            QVERIFY2(ok && retryAfter >= 1, reply.raw.constData());
        }
        QCOMPARE(server.metric(handshakeSeries(u"rate_limited"_qs)), 3.0);
        QCOMPARE(server.metric(handshakeSeries(u"unavailable"_qs)), 1.0);
        QCOMPARE(server.metric(handshakeSeries(u"accepted"_qs)), 1.0);
        QCOMPARE(server.metric(handshakeSeries(u"forbidden_origin"_qs)), 1.0);
        QCOMPARE(server.metric(u"tickscope_rate_limited_total{scope=\"handshake\"}"_qs), 3.0);
        // The HTTP API is not a handshake: it is not limited by the handshake rate.
        QCOMPARE(server.httpGet("/healthz").status, 200);
        QVERIFY(first.isConnected());
    }
};

QTEST_GUILESS_MAIN(tst_Handshake)
#include "tst_handshake.moc"
