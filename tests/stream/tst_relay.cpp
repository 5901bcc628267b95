// The relay feed with two real servers: a downstream server that relays an upstream
// one keeps every tick, once and in order, across a restart of the upstream and a
// restart of itself (PROTOCOL.md section 9, --feed ws://...).

#include "ServerProcess.h"
#include "Wait.h"
#include "WsClient.h"

#include <QJsonArray>
#include <QTcpServer>
#include <QTest>

using namespace tickscope;
using namespace tickscope::test;

class tst_Relay : public QObject
{
    Q_OBJECT
private:
    // Prices of every stored tick of `symbol` on `server`, in q order (q checked 1..n).
    static QList<double> storedPrices(const ServerProcess &server, const QString &token,
                                      const QString &symbol, QString *error)
    {
        QList<double> prices;
        qint64 from = 1;
        for (;;) {
            const HttpReply reply =
                server.httpGet("/api/v1/ticks?limit=1000&symbol=" + symbol.toLatin1() +
                                   "&from=" + QByteArray::number(from),
                               HttpClient::bearer(token));
            if (reply.status == 404)
                return prices;
            if (reply.status != 200) {
                *error = QString::fromLatin1(reply.describe());
                return {};
            }
            for (const QJsonValue &value : reply.json().value(u"ticks").toArray()) {
                const QJsonObject tick = value.toObject();
                if (tick.value(u"q").toInteger() != prices.size() + 1) {
                    *error = u"q %1 where %2 was expected"_qs.arg(tick.value(u"q").toInteger())
                                 .arg(prices.size() + 1);
                    return {};
                }
                prices.append(tick.value(u"p").toDouble());
            }
            const QJsonValue next = reply.json().value(u"next");
            if (next.isNull())
                return prices;
            from = next.toInteger();
        }
    }

    // Publishes prices first..last (one tick each) on `server`.
    static bool publishRange(const ServerProcess &server, const QString &token,
                             const QString &symbol, int first, int last)
    {
        WsClient producer;
        if (!producer.open(server.url(), token))
            return false;
        for (int start = first; start <= last; start += 100) {
            QJsonArray ticks;
            for (int i = start; i <= std::min(last, start + 99); ++i)
                ticks.append(WsClient::tick(symbol, double(i), 1.0));
            const auto reply = producer.publish(ticks);
            if (!reply || reply->op() != u"published")
                return false;
        }
        return true;
    }

    static QList<double> expected(int first, int last)
    {
        QList<double> prices;
        for (int i = first; i <= last; ++i)
            prices.append(double(i));
        return prices;
    }

private slots:
    void relaysAcrossRestarts()
    {
        const QString symbol = u"RL-1"_qs;
        const QString secret(40, u'r');
        // The upstream restarts on the same port, where the relay keeps looking for it.
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        ServerProcess upstream;
        upstream.setEnvironment(u"TICKSCOPE_JWT_SECRET"_qs, secret);
        QVERIFY2(upstream.start({u"--listen"_qs, u"127.0.0.1:%1"_qs.arg(port)}),
                 qPrintable(upstream.error()));
        const QString producerToken =
            upstream.mintToken(u"producer"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
        const QString relayToken =
            upstream.mintToken(u"relay"_qs, u"read"_qs, u"1h"_qs, {}, u"unlimited"_qs);

        ServerProcess relay;
        relay.setEnvironment(u"TICKSCOPE_JWT_SECRET"_qs, secret);
        QVERIFY2(relay.start({u"--feed"_qs, upstream.url().toString(), u"--feed-token"_qs,
                              relayToken, u"--symbols"_qs, symbol}),
                 qPrintable(relay.error()));
        const QString reader = relay.mintToken(u"reader"_qs, u"read"_qs, u"1h"_qs, {},
                                               u"unlimited"_qs);
        // The relay subscribes live: wait until it streams before the first ticks.
        QVERIFY(waitUntil([&] {
            return upstream.metric(u"tickscope_ws_connections"_qs).value_or(0) >= 1;
        }, 20000));
        // Connected; its subscribe follows the hello at once. Give it a moment, since a
        // relay with no saved position starts live.
        QTest::qWait(1000);

        QVERIFY(publishRange(upstream, producerToken, symbol, 1, 300));
        QString error;
        QVERIFY(waitUntil([&] {
            return storedPrices(relay, reader, symbol, &error).size() == 300;
        }, 20000));

        // Upstream restarts (same data, same epoch); ticks published after it are relayed.
        upstream.terminate();
        QCOMPARE(upstream.waitForExit(), 0);
        QVERIFY2(upstream.restart(), qPrintable(upstream.error()));
        QVERIFY(publishRange(upstream, producerToken, symbol, 301, 600));
        QVERIFY(waitUntil([&] {
            return storedPrices(relay, reader, symbol, &error).size() >= 600;
        }, 30000));

        // The relay restarts while the upstream keeps publishing; it resumes with since.
        relay.terminate();
        QCOMPARE(relay.waitForExit(), 0);
        QVERIFY(publishRange(upstream, producerToken, symbol, 601, 900));
        QVERIFY2(relay.restart(), qPrintable(relay.error()));
        QVERIFY(waitUntil([&] {
            return storedPrices(relay, reader, symbol, &error).size() >= 900;
        }, 30000));

        const QList<double> prices = storedPrices(relay, reader, symbol, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(prices, expected(1, 900)); // every tick, once, in order
    }
};

QTEST_GUILESS_MAIN(tst_Relay)
#include "tst_relay.moc"
