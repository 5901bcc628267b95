// The HTTP endpoints of PROTOCOL.md sections 1, 8 and 10 through real sockets to the real
// binary: health, readiness, metrics, /api/v1/symbols and /api/v1/ticks with every bound.

#include "HttpClient.h"
#include "ServerProcess.h"
#include "WsClient.h"

#include <QJsonArray>
#include <QTest>

using namespace tickscope;
using namespace tickscope::test;

namespace {

QByteArray checkError(const HttpReply &reply, int status, const QString &code,
                      const QString &param = {})
{
    if (reply.status != status)
        return "status: " + reply.describe();
    if (reply.header("content-type").value_or("") != "application/json")
        return "content type: " + reply.header("content-type").value_or("<none>");
    const QJsonObject error = reply.json().value(u"error").toObject();
    if (error.value(u"code").toString() != code || error.value(u"message").toString().isEmpty())
        return "error body: " + reply.body;
    if (error.value(u"param").toString() != param)
        return "param: " + reply.body;
    if (!param.isEmpty() && !error.contains(u"param"))
        return "no param: " + reply.body;
    return {};
}

} // namespace

class tst_RestApi : public QObject
{
    Q_OBJECT
private:
    ServerProcess m_server;
    QString m_producer;
    QString m_reader;
    QString m_epoch;
    WsClient m_publisher;
    // What was published, by symbol, in q order.
    QHash<QString, QList<QJsonObject>> m_published;

    HttpReply get(const QByteArray &target, const QString &token)
    {
        return m_server.httpGet(target,
                                token.isEmpty() ? HttpHeaders{} : HttpClient::bearer(token));
    }

    void publish(const QString &symbol, int count)
    {
        QJsonArray ticks;
        const qint64 base = m_published.value(symbol).size();
        for (int i = 0; i < count; ++i) {
            ticks.append(WsClient::tick(symbol, 100.25 + double(base + i) / 8, double(i % 7) / 4,
                                        1'700'000'000'000'000 + base + i));
        }
        const auto reply = m_publisher.publish(ticks);
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"published"_qs);
        const QJsonArray range = reply->json.value(u"seq").toObject().value(symbol).toArray();
        QCOMPARE(range.at(0).toInteger(), base + 1);
        QCOMPARE(range.at(1).toInteger(), base + count);
        for (const QJsonValue &tick : std::as_const(ticks))
            m_published[symbol].append(tick.toObject());
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start({u"--handshake-limit"_qs, u"0"_qs}), qPrintable(m_server.error()));
        m_producer =
            m_server.mintToken(u"producer"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        m_reader = m_server.mintToken(u"reader"_qs, u"read"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        QVERIFY2(!m_producer.isEmpty() && !m_reader.isEmpty(), qPrintable(m_server.error()));
        QVERIFY2(m_publisher.open(m_server.url(), m_producer),
                 qPrintable(m_publisher.errorString()));
        m_epoch = m_publisher.epoch();
        QVERIFY(!m_epoch.isEmpty());
        publish(u"PAGE-1"_qs, 250);
        publish(u"A-ONE"_qs, 3);
        publish(u"A-TWO"_qs, 1);
        publish(u"B-ONE"_qs, 2);
    }

    void healthz()
    {
        const HttpReply reply = m_server.httpGet("/healthz");
        QCOMPARE(reply.statusLine, QByteArray("HTTP/1.1 200 OK"));
        QCOMPARE(reply.header("content-type").value_or(""), QByteArray("application/json"));
        QCOMPARE(reply.json().value(u"status").toString(), u"ok"_qs);
    }

    void readyz()
    {
        const HttpReply reply = m_server.httpGet("/readyz");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("content-type").value_or(""), QByteArray("application/json"));
    }

    void metrics_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("system") << QByteArray("/metrics/system");
        QTest::newRow("alias") << QByteArray("/metrics");
    }

    void metrics()
    {
        QFETCH(QByteArray, path);
        const HttpReply reply = m_server.httpGet(path);
        QCOMPARE(reply.status, 200);
        const QByteArray type = reply.header("content-type").value_or("");
        QVERIFY2(type == "text/plain; version=0.0.4" ||
                     type.startsWith("text/plain; version=0.0.4;"),
                 type.constData());
        const QByteArray text = reply.body;
        // Families of section 8 with their types, and the label values the contract names.
        const QList<std::pair<QByteArray, QByteArray>> families = {
            {"tickscope_ws_connections", "gauge"},
            {"tickscope_handshakes_total", "counter"},
            {"tickscope_ticks_ingested_total", "counter"},
            {"tickscope_ticks_sent_total", "counter"},
            {"tickscope_bytes_sent_total", "counter"},
            {"tickscope_tick_latency_seconds", "histogram"},
            {"tickscope_store_write_seconds", "histogram"},
            {"tickscope_replay_ticks_total", "counter"},
            {"tickscope_rate_limited_total", "counter"},
            {"tickscope_slow_consumers_total", "counter"},
            {"tickscope_redis_up", "gauge"},
            {"tickscope_build_info", "gauge"},
        };
        for (const auto &[family, kind] : families) {
            const QByteArray line = "# TYPE " + family + ' ' + kind + '\n';
            QVERIFY2(text.contains(line), line.constData());
        }
        for (const char *result :
             {"accepted", "forbidden_origin", "rate_limited", "invalid_token", "insufficient_scope",
              "unavailable", "not_found", "bad_request"}) {
            const QByteArray series =
                QByteArray("\ntickscope_handshakes_total{result=\"") + result + "\"} ";
            QVERIFY2(text.contains(series), series.constData());
        }
        for (const char *scope : {"handshake", "command", "http"}) {
            const QByteArray series =
                QByteArray("\ntickscope_rate_limited_total{scope=\"") + scope + "\"} ";
            QVERIFY2(text.contains(series), series.constData());
        }
        const QByteArray buildInfo =
            "\ntickscope_build_info{version=\"" + QByteArray(TICKSCOPE_VERSION) + "\"} 1";
        QVERIFY2(text.contains(buildInfo), text.constData());
        for (const char *histogram :
             {"tickscope_tick_latency_seconds", "tickscope_store_write_seconds"}) {
            QVERIFY(text.contains(QByteArray("\n") + histogram + "_bucket{le=\"+Inf\"} "));
            QVERIFY(text.contains(QByteArray("\n") + histogram + "_count "));
            QVERIFY(text.contains(QByteArray("\n") + histogram + "_sum "));
        }
        // The counters count: 256 ticks went in, one producer is connected.
        QCOMPARE(m_server.metric(u"tickscope_ticks_ingested_total"_qs), 256.0);
        QCOMPARE(m_server.metric(u"tickscope_ws_connections"_qs), 1.0);
        QVERIFY(m_server.metric(u"tickscope_store_write_seconds_count"_qs).value_or(0) >= 1);
    }

    void symbols_data()
    {
        QTest::addColumn<QStringList>("claim");
        QTest::addColumn<QStringList>("listed");
        QTest::newRow("no claim") << QStringList{}
                                  << QStringList{u"A-ONE"_qs, u"A-TWO"_qs, u"B-ONE"_qs,
                                                 u"PAGE-1"_qs};
        QTest::newRow("prefix") << QStringList{u"A-*"_qs} << QStringList{u"A-ONE"_qs, u"A-TWO"_qs};
        QTest::newRow("exact and never traded")
            << QStringList{u"B-ONE"_qs, u"NEVER"_qs} << QStringList{u"B-ONE"_qs};
        QTest::newRow("nothing matches") << QStringList{u"Z-*"_qs} << QStringList{};
    }

    void symbols()
    {
        QFETCH(QStringList, claim);
        QFETCH(QStringList, listed);
        const QString token =
            m_server.mintToken(u"lister"_qs, u"read"_qs, u"1h"_qs, claim, u"unlimited"_qs);
        QVERIFY(!token.isEmpty());
        const HttpReply reply = get("/api/v1/symbols", token);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("content-type").value_or(""), QByteArray("application/json"));
        const QJsonArray symbols = reply.json().value(u"symbols").toArray();
        QStringList names;
        for (const QJsonValue &value : symbols) {
            const QJsonObject entry = value.toObject();
            const QString symbol = entry.value(u"symbol").toString();
            names.append(symbol);
            const QJsonObject last = m_published.value(symbol).constLast();
            QCOMPARE(entry.value(u"last_seq").toInteger(), m_published.value(symbol).size());
            QCOMPARE(entry.value(u"last_price").toDouble(), last.value(u"p").toDouble());
            QCOMPARE(entry.value(u"last_time").toInteger(), last.value(u"t").toInteger());
        }
        names.sort();
        QCOMPARE(names, listed);
    }

    void ticksErrors_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("param");
        const QString bad = u"bad_request"_qs;
        QTest::newRow("no symbol") << QByteArray("/api/v1/ticks") << 400 << bad << u"symbol"_qs;
        QTest::newRow("no symbol, from")
            << QByteArray("/api/v1/ticks?from=1") << 400 << bad << u"symbol"_qs;
        QTest::newRow("invalid symbol") << QByteArray("/api/v1/ticks?symbol=bad!sym") << 400
                                        << u"invalid_symbol"_qs << u"symbol"_qs;
        QTest::newRow("empty symbol")
            << QByteArray("/api/v1/ticks?symbol=") << 400 << u"invalid_symbol"_qs << u"symbol"_qs;
        QTest::newRow("33 chars") << QByteArray("/api/v1/ticks?symbol=" + QByteArray(33, 'A'))
                                  << 400 << u"invalid_symbol"_qs << u"symbol"_qs;
        QTest::newRow("unknown symbol") << QByteArray("/api/v1/ticks?symbol=NEVER") << 404
                                        << u"unknown_symbol"_qs << u"symbol"_qs;
        for (const char *from : {"0", "abc", "-1", "1.5", "", "1e3", "%201"}) {
            QTest::addRow("from=%s", from) << QByteArray("/api/v1/ticks?symbol=PAGE-1&from=") + from
                                           << 400 << bad << u"from"_qs;
        }
        for (const char *limit : {"0", "1001", "x", "-5", "", "10.0"}) {
            QTest::addRow("limit=%s", limit)
                << QByteArray("/api/v1/ticks?symbol=PAGE-1&limit=") + limit << 400 << bad
                << u"limit"_qs;
        }
    }

    void ticksErrors()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, param);
        const QByteArray problem = checkError(get(target, m_reader), status, code, param);
        QVERIFY2(problem.isEmpty(), problem.constData());
    }

    void ticksAuth()
    {
        // No token: 401 with the challenge.
        HttpReply reply = get("/api/v1/ticks?symbol=PAGE-1", {});
        QByteArray problem = checkError(reply, 401, u"invalid_token"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
        QCOMPARE(reply.header("www-authenticate").value_or(""),
                 QByteArray("Bearer error=\"invalid_token\""));
        reply = get("/api/v1/symbols", u"abc.def.ghi"_qs);
        problem = checkError(reply, 401, u"invalid_token"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
        // Publish without read.
        const QString publishOnly = m_server.mintToken(u"p"_qs, u"publish"_qs);
        problem = checkError(get("/api/v1/ticks?symbol=PAGE-1", publishOnly), 403,
                             u"insufficient_scope"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
        // A symbol outside the claim: 403 forbidden, even one that never traded.
        const QString onlyA =
            m_server.mintToken(u"a"_qs, u"read"_qs, u"1h"_qs, {u"A-*"_qs}, u"unlimited"_qs);
        problem = checkError(get("/api/v1/ticks?symbol=PAGE-1", onlyA), 403, u"forbidden"_qs,
                             u"symbol"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
        QCOMPARE(get("/api/v1/ticks?symbol=A-ONE", onlyA).status, 200);
        // The token as a query parameter, like the stream.
        reply = m_server.httpGet("/api/v1/ticks?symbol=A-ONE&access_token=" + onlyA.toLatin1());
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"ticks").toArray().size(), 3);
    }

    void ticksPaging_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<int>("pageSize");
        QTest::newRow("default limit") << QByteArray() << 100;
        QTest::newRow("limit 1000") << QByteArray("&limit=1000") << 1000;
        QTest::newRow("limit 1") << QByteArray("&limit=1") << 1;
        QTest::newRow("limit 64") << QByteArray("&limit=64") << 64;
    }

    // Follows `next` from q 1 until null and gets every tick exactly once, as published.
    void ticksPaging()
    {
        QFETCH(QByteArray, query);
        QFETCH(int, pageSize);
        const QList<QJsonObject> &published = m_published[u"PAGE-1"_qs];
        QByteArray target = "/api/v1/ticks?symbol=PAGE-1" + query;
        qint64 expectedQ = 1;
        int pages = 0;
        for (;;) {
            const HttpReply reply = get(target, m_reader);
            QCOMPARE(reply.status, 200);
            const QJsonObject body = reply.json();
            QCOMPARE(body.value(u"symbol").toString(), u"PAGE-1"_qs);
            QCOMPARE(body.value(u"epoch").toString(), m_epoch);
            QVERIFY(body.contains(u"next"));
            const QJsonArray ticks = body.value(u"ticks").toArray();
            QCOMPARE(ticks.size(), std::min<qsizetype>(pageSize, published.size() - expectedQ + 1));
            for (const QJsonValue &value : ticks) {
                const QJsonObject tick = value.toObject();
                QCOMPARE(tick.value(u"q").toInteger(), expectedQ);
                const QJsonObject &sent = published.at(expectedQ - 1);
                QCOMPARE(tick.value(u"s").toString(), u"PAGE-1"_qs);
                QCOMPARE(tick.value(u"p").toDouble(), sent.value(u"p").toDouble());
                QCOMPARE(tick.value(u"v").toDouble(), sent.value(u"v").toDouble());
                QCOMPARE(tick.value(u"t").toInteger(), sent.value(u"t").toInteger());
                ++expectedQ;
            }
            ++pages;
            if (body.value(u"next").isNull())
                break;
            QCOMPARE(body.value(u"next").toInteger(), expectedQ);
            target = "/api/v1/ticks?symbol=PAGE-1" + query +
                     "&from=" + QByteArray::number(body.value(u"next").toInteger());
            QVERIFY(pages < 1000);
        }
        QCOMPARE(expectedQ, published.size() + 1);
        QCOMPARE(pages, int((published.size() + pageSize - 1) / pageSize));
    }

    void ticksBeyondNewest()
    {
        for (const char *from : {"251", "9999"}) {
            const HttpReply reply =
                get(QByteArray("/api/v1/ticks?symbol=PAGE-1&from=") + from, m_reader);
            QCOMPARE(reply.status, 200);
            QCOMPARE(reply.json().value(u"ticks").toArray().size(), 0);
            QVERIFY(reply.json().value(u"next").isNull());
        }
        const HttpReply last = get("/api/v1/ticks?symbol=PAGE-1&from=250", m_reader);
        QCOMPARE(last.json().value(u"ticks").toArray().size(), 1);
        QVERIFY(last.json().value(u"next").isNull());
    }

    // 429 with Retry-After once a subject's HTTP bucket is empty; per subject.
    void httpRateLimit()
    {
        ServerProcess server;
        QVERIFY2(server.start({u"--tier.default.http-per-second"_qs, u"0.01"_qs,
                               u"--tier.default.http-burst"_qs, u"2"_qs}),
                 qPrintable(server.error()));
        const QString limited = server.mintToken(u"limited"_qs);
        const QString other = server.mintToken(u"other"_qs);
        const QString unlimited =
            server.mintToken(u"free"_qs, u"read"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        QVERIFY(!limited.isEmpty() && !other.isEmpty() && !unlimited.isEmpty());
        const auto symbolsWith = [&](const QString &token) {
            return server.httpGet("/api/v1/symbols", HttpClient::bearer(token));
        };
        QCOMPARE(symbolsWith(limited).status, 200);
        QCOMPARE(symbolsWith(limited).status, 200);
        const HttpReply refused = symbolsWith(limited);
        const QByteArray problem = checkError(refused, 429, u"rate_limited"_qs);
        QVERIFY2(problem.isEmpty(), problem.constData());
        bool ok = false;
        QVERIFY(refused.header("retry-after").value_or("").toInt(&ok) >= 1 && ok);
        QCOMPARE(server.httpGet("/api/v1/ticks?symbol=X", HttpClient::bearer(limited)).status, 429);
        // Another subject has a bucket of its own; the unlimited tier has none.
        QCOMPARE(symbolsWith(other).status, 200);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(symbolsWith(unlimited).status, 200);
        // Health and metrics are not rate-limited.
        QCOMPARE(server.httpGet("/healthz").status, 200);
        QCOMPARE(server.metric(u"tickscope_rate_limited_total{scope=\"http\"}"_qs), 2.0);
    }
};

QTEST_GUILESS_MAIN(tst_RestApi)
#include "tst_restapi.moc"
