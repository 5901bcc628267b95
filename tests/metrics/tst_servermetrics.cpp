#include "metrics/MetricsText.h"
#include "metrics/ServerMetrics.h"

#include <QTest>
#include <cmath>
#include <prometheus/registry.h>

using tickscope::HandshakeResult;
using tickscope::MetricsText;
using tickscope::RateLimitScope;
using tickscope::ServerMetrics;

namespace {

QList<QByteArray> lines(const QByteArray &text)
{
    return text.split('\n');
}

// The value of the sample line that starts with `series` followed by a space; NaN if absent.
double sample(const QByteArray &text, const QByteArray &series)
{
    for (const QByteArray &line : lines(text)) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    }
    return std::nan("");
}

} // namespace

class tst_ServerMetrics : public QObject
{
    Q_OBJECT
private slots:
    void contractFamilies_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("type");
        QTest::newRow("connections")
            << QByteArray("tickscope_ws_connections") << QByteArray("gauge");
        QTest::newRow("handshakes")
            << QByteArray("tickscope_handshakes_total") << QByteArray("counter");
        QTest::newRow("ingested") << QByteArray("tickscope_ticks_ingested_total")
                                  << QByteArray("counter");
        QTest::newRow("sent") << QByteArray("tickscope_ticks_sent_total") << QByteArray("counter");
        QTest::newRow("bytes") << QByteArray("tickscope_bytes_sent_total") << QByteArray("counter");
        QTest::newRow("latency") << QByteArray("tickscope_tick_latency_seconds")
                                 << QByteArray("histogram");
        QTest::newRow("store write")
            << QByteArray("tickscope_store_write_seconds") << QByteArray("histogram");
        QTest::newRow("replay") << QByteArray("tickscope_replay_ticks_total")
                                << QByteArray("counter");
        QTest::newRow("rate limited")
            << QByteArray("tickscope_rate_limited_total") << QByteArray("counter");
        QTest::newRow("slow consumers")
            << QByteArray("tickscope_slow_consumers_total") << QByteArray("counter");
        QTest::newRow("redis up") << QByteArray("tickscope_redis_up") << QByteArray("gauge");
        QTest::newRow("build info") << QByteArray("tickscope_build_info") << QByteArray("gauge");
        QTest::newRow("catching up")
            << QByteArray("tickscope_viewers_catching_up") << QByteArray("gauge");
        QTest::newRow("frames") << QByteArray("tickscope_frames_sent_total")
                                << QByteArray("counter");
    }
    void contractFamilies()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, type);
        const ServerMetrics metrics(false);
        const QList<QByteArray> text = lines(metrics.render());
        QVERIFY2(text.contains("# TYPE " + name + ' ' + type), name.constData());
        bool help = false;
        for (const QByteArray &line : text)
            help =
                help || (line.startsWith("# HELP " + name + ' ') && line.size() > name.size() + 8);
        QVERIFY2(help, name.constData());
    }

    void labelValuesExistAtZero_data()
    {
        QTest::addColumn<QByteArray>("series");
        for (const char *result :
             {"accepted", "forbidden_origin", "rate_limited", "invalid_token", "insufficient_scope",
              "unavailable", "not_found", "bad_request"}) {
            QTest::newRow(result) << "tickscope_handshakes_total{result=\"" + QByteArray(result) +
                                         "\"}";
        }
        for (const char *scope : {"handshake", "command", "http"})
            QTest::newRow(scope) << "tickscope_rate_limited_total{scope=\"" + QByteArray(scope) +
                                        "\"}";
        QTest::newRow("connections") << QByteArray("tickscope_ws_connections");
        QTest::newRow("redis") << QByteArray("tickscope_redis_up");
        QTest::newRow("latency count") << QByteArray("tickscope_tick_latency_seconds_count");
    }
    void labelValuesExistAtZero()
    {
        QFETCH(QByteArray, series);
        const ServerMetrics metrics(false);
        QCOMPARE(sample(metrics.render(), series), 0.0);
    }

    void handshakesCountByResult()
    {
        ServerMetrics metrics(false);
        metrics.handshake(HandshakeResult::Accepted);
        metrics.handshake(HandshakeResult::Accepted);
        metrics.handshake(HandshakeResult::InvalidToken);
        QCOMPARE(metrics.handshakes(HandshakeResult::Accepted), 2.0);
        QCOMPARE(metrics.handshakes(HandshakeResult::InvalidToken), 1.0);
        QCOMPARE(metrics.handshakes(HandshakeResult::BadRequest), 0.0);
        const QByteArray text = metrics.render();
        QCOMPARE(sample(text, "tickscope_handshakes_total{result=\"accepted\"}"), 2.0);
        QCOMPARE(sample(text, "tickscope_handshakes_total{result=\"invalid_token\"}"), 1.0);
        QCOMPARE(sample(text, "tickscope_handshakes_total{result=\"not_found\"}"), 0.0);
    }

    void countersIncreaseInBatches()
    {
        ServerMetrics metrics(false);
        metrics.ticksIngested(10);
        metrics.ticksSent(5);
        metrics.ticksSent(7);
        metrics.bytesSent(1500);
        metrics.framesSent();
        metrics.framesSent(2);
        metrics.replayTicks(100);
        metrics.slowConsumer();
        metrics.rateLimited(RateLimitScope::Command);
        metrics.rateLimited(RateLimitScope::Command);
        metrics.rateLimited(RateLimitScope::Http);
        // Counters never go down: a negative count is a caller's bug and is dropped.
        metrics.ticksSent(-3);
        metrics.ticksSent(0);
        const QByteArray text = metrics.render();
        QCOMPARE(sample(text, "tickscope_ticks_ingested_total"), 10.0);
        QCOMPARE(sample(text, "tickscope_ticks_sent_total"), 12.0);
        QCOMPARE(sample(text, "tickscope_bytes_sent_total"), 1500.0);
        QCOMPARE(sample(text, "tickscope_frames_sent_total"), 3.0);
        QCOMPARE(sample(text, "tickscope_replay_ticks_total"), 100.0);
        QCOMPARE(sample(text, "tickscope_slow_consumers_total"), 1.0);
        QCOMPARE(sample(text, "tickscope_rate_limited_total{scope=\"command\"}"), 2.0);
        QCOMPARE(sample(text, "tickscope_rate_limited_total{scope=\"http\"}"), 1.0);
        QCOMPARE(sample(text, "tickscope_rate_limited_total{scope=\"handshake\"}"), 0.0);
        QCOMPARE(metrics.ticksSentTotal(), 12.0);
        QCOMPARE(metrics.ticksIngestedTotal(), 10.0);
        QCOMPARE(metrics.bytesSentTotal(), 1500.0);
        QCOMPARE(metrics.framesSentTotal(), 3.0);
        QCOMPARE(metrics.replayTicksTotal(), 100.0);
        QCOMPARE(metrics.slowConsumersTotal(), 1.0);
        QCOMPARE(metrics.rateLimitedTotal(RateLimitScope::Command), 2.0);
    }

    void gauges()
    {
        ServerMetrics metrics(false);
        metrics.connectionOpened();
        metrics.connectionOpened();
        metrics.connectionOpened();
        metrics.connectionClosed();
        QCOMPARE(metrics.connections(), 2.0);
        metrics.viewerCatchingUp();
        metrics.viewerCatchingUp();
        metrics.viewerCaughtUp();
        metrics.setRedisUp(true);
        QVERIFY(metrics.redisUp());
        QByteArray text = metrics.render();
        QCOMPARE(sample(text, "tickscope_ws_connections"), 2.0);
        QCOMPARE(sample(text, "tickscope_viewers_catching_up"), 1.0);
        QCOMPARE(sample(text, "tickscope_redis_up"), 1.0);
        metrics.setConnections(7);
        metrics.setRedisUp(false);
        text = metrics.render();
        QCOMPARE(sample(text, "tickscope_ws_connections"), 7.0);
        QCOMPARE(sample(text, "tickscope_redis_up"), 0.0);
        QVERIFY(!metrics.redisUp());
    }

    void histograms()
    {
        ServerMetrics metrics(false);
        metrics.observeTickLatency(0.00002);      // 20 us
        metrics.observeTickLatency(0.0003);       // 300 us
        metrics.observeTickLatency(2.0);          // beyond the last bucket
        metrics.observeTickLatency(std::nan("")); // ignored
        metrics.observeStoreWrite(0.004);
        const QByteArray text = metrics.render();
        QCOMPARE(sample(text, "tickscope_tick_latency_seconds_count"), 3.0);
        QCOMPARE(sample(text, "tickscope_tick_latency_seconds_sum"), 2.00032);
        QCOMPARE(sample(text, "tickscope_tick_latency_seconds_bucket{le=\"1e-05\"}"), 0.0);
        QCOMPARE(sample(text, "tickscope_tick_latency_seconds_bucket{le=\"2.5e-05\"}"), 1.0);
        QCOMPARE(sample(text, "tickscope_tick_latency_seconds_bucket{le=\"0.0005\"}"), 2.0);
        QCOMPARE(sample(text, "tickscope_tick_latency_seconds_bucket{le=\"1\"}"), 2.0);
        QCOMPARE(sample(text, "tickscope_tick_latency_seconds_bucket{le=\"+Inf\"}"), 3.0);
        QCOMPARE(sample(text, "tickscope_store_write_seconds_count"), 1.0);
        QCOMPARE(sample(text, "tickscope_store_write_seconds_bucket{le=\"0.005\"}"), 1.0);
        QCOMPARE(sample(text, "tickscope_store_write_seconds_bucket{le=\"0.0025\"}"), 0.0);
    }

    void buildInfo()
    {
        const ServerMetrics metrics(false);
        const QByteArray series =
            QByteArray("tickscope_build_info{version=\"") + TICKSCOPE_VERSION + "\"}";
        QCOMPARE(sample(metrics.render(), series), 1.0);
        QVERIFY(!QByteArray(TICKSCOPE_VERSION).isEmpty());
    }

    void processMetricsIncludedOnRequest()
    {
        const ServerMetrics with(true);
        const ServerMetrics without(false);
        QCOMPARE(with.collectables().size(), size_t(2));
        QCOMPARE(without.collectables().size(), size_t(1));
        QVERIFY(!without.render().contains("process_"));
#ifdef Q_OS_LINUX
        const QByteArray text = with.render();
        QVERIFY(text.contains("# TYPE process_resident_memory_bytes gauge"));
        QVERIFY(text.contains("tickscope_ws_connections"));
#endif
    }

    void renderFormat()
    {
        const ServerMetrics metrics(false);
        const QByteArray text = metrics.render();
        QVERIFY(text.endsWith('\n'));
        QCOMPARE(MetricsText::render(*metrics.registry()), text);
        QCOMPARE(QByteArray(MetricsText::ContentType),
                 QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        // Every non-comment line is `series value`.
        for (const QByteArray &line : lines(text)) {
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            const qsizetype space = line.lastIndexOf(' ');
            QVERIFY2(space > 0, line.constData());
            bool ok = false;
            line.mid(space + 1).toDouble(&ok);
            QVERIFY2(ok || line.endsWith("+Inf") || line.endsWith("NaN"), line.constData());
        }
    }

    void resultNames()
    {
        QCOMPARE(ServerMetrics::handshakeResultName(HandshakeResult::ForbiddenOrigin),
                 u"forbidden_origin"_qs);
        QCOMPARE(ServerMetrics::rateLimitScopeName(RateLimitScope::Http), u"http"_qs);
    }
};

QTEST_GUILESS_MAIN(tst_ServerMetrics)
#include "tst_servermetrics.moc"
