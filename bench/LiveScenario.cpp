#include "LiveScenario.h"

#include "BenchClock.h"
#include "ProducerGroup.h"
#include "ScenarioContext.h"
#include "ViewerGroup.h"

#include <QJsonArray>

namespace tickscope::bench {

namespace {

QString clientName(ClientKind kind)
{
    return kind == ClientKind::Qt ? u"qt"_qs : u"raw"_qs;
}

QJsonObject continuityJson(const Continuity &c, int incomplete)
{
    return QJsonObject{{u"gaps"_qs, double(c.gaps)},
                       {u"missing_ticks"_qs, double(c.missingTicks)},
                       {u"duplicates"_qs, double(c.duplicates)},
                       {u"announced_gaps"_qs, double(c.announcedGaps)},
                       {u"not_recovered"_qs, double(c.notRecovered)},
                       {u"malformed"_qs, double(c.malformed)},
                       {u"server_errors"_qs, double(c.serverErrors)},
                       {u"incomplete_viewers"_qs, incomplete},
                       {u"errors"_qs, double(c.errors() + incomplete)}};
}

} // namespace

QStringList LiveScenario::symbolNames(int count)
{
    QStringList names;
    for (int i = 0; i < count; ++i)
        names.append(u"BENCH-%1"_qs.arg(i, 2, 10, QLatin1Char('0')));
    return names;
}

ScenarioResult LiveScenario::run(const BenchOptions &options, int viewerCount)
{
    ScenarioResult result;
    const QString rateText =
        options.rate > 0 ? Format::rate(options.rate) : u"as fast as acks allow"_qs;
    result.title = u"live: %1 viewers, %2 symbols, %3 producers (%4, batch %5, window %6), "
                   "store %7, client %8"_qs.arg(viewerCount)
                       .arg(options.symbols)
                       .arg(options.producers)
                       .arg(rateText)
                       .arg(options.batch)
                       .arg(options.window)
                       .arg(options.storeLabel(), clientName(options.client));
    result.json = QJsonObject{{u"scenario"_qs, u"live"_qs},
                              {u"viewers"_qs, viewerCount},
                              {u"symbols"_qs, options.symbols},
                              {u"producers"_qs, options.producers},
                              {u"target_rate"_qs, options.rate},
                              {u"batch"_qs, options.batch},
                              {u"window"_qs, options.window},
                              {u"client"_qs, clientName(options.client)},
                              {u"viewer_threads"_qs, options.viewerThreads},
                              {u"warmup_s"_qs, options.warmup}};

    ScenarioContext context(options);
    if (!context.begin(result))
        return result;
    QString error;
    const QStringList symbols = symbolNames(options.symbols);

    // With several servers the viewers go round-robin over all of them, while the
    // producers publish to server 1: a viewer of server 2 measures publish-on-1 to
    // receive-on-2, through Redis.
    const int servers = context.serverCount();
    ViewerGroup viewers(options.viewerThreads);
    for (int i = 0; i < viewerCount; ++i) {
        ViewerClient::Config config;
        config.url = context.urls().at(i % servers);
        config.latencyGroup = i % servers == 0 ? 0 : 1;
        config.token = context.token();
        config.kind = options.client;
        config.symbols = symbols;
        viewers.add(config);
    }
    const bool subscribed = ScenarioContext::waitUntil(
        [&] { return viewers.subscribedCount() + viewers.failedCount() >= viewerCount; }, 60, 50);
    if (!subscribed || viewers.failedCount() > 0) {
        result.problem(u"only %1 of %2 viewers subscribed: %3"_qs.arg(viewers.subscribedCount())
                           .arg(viewerCount)
                           .arg(viewers.failures().join(u"; "_qs)));
        return result;
    }

    ProducerGroup producers;
    producers.call([&](ProducerPool &pool) {
        for (int p = 0; p < options.producers; ++p) {
            ProducerClient::Config config;
            config.url = context.url();
            config.token = context.token();
            config.kind = options.client;
            for (int s = p; s < symbols.size(); s += options.producers)
                config.symbols.append(symbols.at(s));
            config.window = options.window;
            config.batch = options.batch;
            pool.add(config);
        }
    });
    if (!producers.waitReady(options.producers, 30, &error)) {
        result.problem(error);
        return result;
    }

    const auto anyFailed = [&] {
        return viewers.failedCount() > 0 ||
               producers.call([](ProducerPool &pool) { return pool.failedCount(); }) > 0;
    };
    producers.call([&](ProducerPool &pool) { pool.startPublishing(options.rate); });
    ScenarioContext::waitUntil(anyFailed, options.warmup, 100);

    // The measurement window.
    const qint64 forks0 = context.redisForks();
    producers.call([](ProducerPool &pool) { pool.reset(); });
    viewers.reset();
    const ProcSample server0 = context.serversSample();
    const QList<ProcSample> perServer0 = context.serverSamples();
    const ProcSample redis0 = context.redisSample();
    const auto serverThreads0 = ProcStats::threadCpu(context.serverPid());
    const double tool0 = ProcStats::selfCpuSeconds();
    const double machine0 = ProcStats::machineBusySeconds();
    ScenarioContext::waitUntil(anyFailed, options.duration, 100);
    const auto produced = producers.call([](ProducerPool &pool) { return pool.snapshot(); });
    const ViewerPool::Snapshot received = viewers.snapshot();
    const ProcSample server1 = context.serversSample();
    const QList<ProcSample> perServer1 = context.serverSamples();
    const ProcSample redis1 = context.redisSample();
    const auto serverThreads1 = ProcStats::threadCpu(context.serverPid());
    const double tool1 = ProcStats::selfCpuSeconds();
    const double machine1 = ProcStats::machineBusySeconds();
    const double load = ProcStats::loadAverage();
    const double seconds = produced.seconds;
    const qint64 forks1 = context.redisForks();
    const qint64 redisForks = forks0 >= 0 && forks1 >= 0 ? forks1 - forks0 : -1;

    // Drain: every acknowledged tick must reach every viewer.
    producers.call([](ProducerPool &pool) { pool.stop(); });
    const bool drained = ScenarioContext::waitUntil(
        [&] { return producers.call([](ProducerPool &pool) { return pool.isDrained(); }); }, 60,
        20);
    const QHash<QString, qint64> lastSeq =
        producers.call([](ProducerPool &pool) { return pool.lastSeq(); });
    const qint64 publishErrors =
        producers.call([](ProducerPool &pool) { return pool.errorsTotal(); });
    viewers.setTargets(lastSeq);
    const qint64 drainStartNs = BenchClock::monoNs();
    const bool complete = ScenarioContext::waitUntil(
        [&] { return viewers.completeCount() + viewers.failedCount() >= viewerCount; }, 120, 50);
    const double drainSeconds = double(BenchClock::monoNs() - drainStartNs) / 1e9;
    const int incomplete = viewerCount - viewers.completeCount();
    const Continuity continuity = viewers.continuity();
    const QStringList viewerFailures = viewers.failures();
    const QStringList producerFailures =
        producers.call([](ProducerPool &pool) { return pool.failures(); });
    const QStringList shortfalls = viewers.shortfalls();

    viewers.closeAll();
    producers.call([](ProducerPool &pool) { pool.closeAll(); });
    ScenarioContext::sleep(0.2);

    // Figures.
    const double published = double(produced.ackedTicks) / seconds;
    const double delivered = double(received.counters.ticks) / received.seconds;
    const double frames = double(received.counters.frames) / received.seconds;
    const double serverCpu = server1.cpuSeconds - server0.cpuSeconds;
    const double toolCpu = tool1 - tool0;
    const double redisCpu = redis0.cpuSeconds >= 0 && redis1.cpuSeconds >= 0
                                ? redis1.cpuSeconds - redis0.cpuSeconds
                                : -1.0;
    // Clock-tick granularity can make this slightly negative on an idle machine.
    const double otherCpu = std::max(0.0, machine1 - machine0 - toolCpu - std::max(0.0, serverCpu) -
                                              std::max(0.0, redisCpu));
    result.json.insert(u"duration_s"_qs, seconds);
    result.json.insert(u"published_ticks_per_s"_qs, published);
    result.json.insert(u"delivered_ticks_per_s"_qs, delivered);
    result.json.insert(u"delivered_per_viewer_ticks_per_s"_qs, delivered / viewerCount);
    result.json.insert(u"frames_per_s"_qs, frames);
    result.json.insert(u"received_bytes_per_s"_qs,
                       double(received.counters.bytes) / received.seconds);
    result.json.insert(u"latency_ms"_qs, received.latency.toJson(1000));
    if (servers > 1) {
        result.json.insert(u"latency_server1_viewers_ms"_qs, received.groupLatency[0].toJson(1000));
        result.json.insert(u"latency_other_servers_viewers_ms"_qs,
                           received.groupLatency[1].toJson(1000));
    }
    result.json.insert(u"ack_latency_ms"_qs, produced.ackLatency.toJson(1000));
    result.json.insert(u"publish_errors"_qs, double(publishErrors));
    result.json.insert(u"continuity"_qs, continuityJson(continuity, incomplete));
    result.json.insert(u"drain_s"_qs, drainSeconds);
    result.json.insert(
        u"server_process"_qs,
        QJsonObject{{u"rss_kib"_qs, double(server1.rssKiB)},
                    {u"peak_rss_kib"_qs, double(server1.peakRssKiB)},
                    {u"threads"_qs, server1.threads},
                    {u"cpu_s"_qs, server0.cpuSeconds >= 0 ? serverCpu : -1.0},
                    {u"cpu_percent"_qs, server0.cpuSeconds >= 0 ? 100 * serverCpu / seconds : -1.0},
                    {u"servers"_qs, servers}});
    if (servers > 1) {
        QJsonArray each;
        for (qsizetype i = 0; i < perServer1.size() && i < perServer0.size(); ++i)
            each.append(QJsonObject{
                {u"rss_kib"_qs, double(perServer1[i].rssKiB)},
                {u"cpu_s"_qs, perServer1[i].cpuSeconds - perServer0[i].cpuSeconds},
                {u"cpu_percent"_qs,
                 100 * (perServer1[i].cpuSeconds - perServer0[i].cpuSeconds) / seconds}});
        result.json.insert(u"server_processes"_qs, each);
    }
    if (redisCpu >= 0)
        result.json.insert(u"redis_process"_qs,
                           QJsonObject{{u"rss_kib"_qs, double(redis1.rssKiB)},
                                       {u"cpu_s"_qs, redisCpu},
                                       {u"cpu_percent"_qs, 100 * redisCpu / seconds}});
    result.json.insert(u"tool_process"_qs,
                       QJsonObject{{u"cpu_s"_qs, toolCpu},
                                   {u"cpu_percent"_qs, 100 * toolCpu / seconds},
                                   {u"viewer_threads_cpu_s"_qs, received.cpuSeconds},
                                   {u"producer_thread_cpu_s"_qs, produced.cpuSeconds}});

    result.json.insert(u"other_processes_cpu_s"_qs, otherCpu);
    result.json.insert(u"load_average"_qs, load);
    result.row(u"measured"_qs,
               Format::seconds(seconds) + u" after %1 s warm-up"_qs.arg(options.warmup));
    result.row(u"published (acked)"_qs, Format::rate(published));
    result.row(u"delivered"_qs,
               u"%1 over all viewers (%2 per viewer)"_qs.arg(
                   Format::rate(delivered), Format::rate(delivered / viewerCount)));
    result.row(
        u"frames received"_qs,
        u"%1 (%2 ticks per frame)"_qs.arg(
            Format::rate(frames), QString::number(frames > 0 ? delivered / frames : 0.0, 'f', 1)));
    result.row(u"end-to-end latency"_qs, Format::latency(received.latency));
    if (servers > 1) {
        result.row(u"  viewers of server 1"_qs, Format::latency(received.groupLatency[0]));
        result.row(servers == 2 ? u"  viewers of server 2"_qs
                                : u"  viewers of servers 2-%1"_qs.arg(servers),
                   Format::latency(received.groupLatency[1]) + u" (published on server 1)"_qs);
    }
    result.row(u"ack latency"_qs, Format::latency(produced.ackLatency));
    result.row(u"continuity errors"_qs,
               u"%1 (gaps %2 [%3 ticks], duplicates %4, announced gaps %5, not recovered %6, "
               "malformed %7, server errors %8, viewers short of the last tick %9)"_qs
                   .arg(continuity.errors() + incomplete)
                   .arg(continuity.gaps)
                   .arg(continuity.missingTicks)
                   .arg(continuity.duplicates)
                   .arg(continuity.announcedGaps)
                   .arg(continuity.notRecovered)
                   .arg(continuity.malformed)
                   .arg(continuity.serverErrors)
                   .arg(incomplete));
    result.row(u"drain after stop"_qs, Format::seconds(drainSeconds));
    result.row(u"publish errors"_qs, Format::count(double(publishErrors)));
    if (server1.rssKiB >= 0) {
        result.row(servers > 1 ? u"servers (sum)"_qs : u"server"_qs,
                   u"RSS %1 (peak %2), CPU %3 (%4 % of one core)"_qs.arg(
                       Format::kib(server1.rssKiB), Format::kib(server1.peakRssKiB),
                       Format::seconds(serverCpu),
                       QString::number(100 * serverCpu / seconds, 'f', 0)));
        for (qsizetype i = 0; servers > 1 && i < perServer1.size() && i < perServer0.size(); ++i) {
            const double cpu = perServer1[i].cpuSeconds - perServer0[i].cpuSeconds;
            result.row(u"  server %1"_qs.arg(i + 1),
                       u"RSS %1, CPU %2 (%3 % of one core)%4"_qs.arg(
                           Format::kib(perServer1[i].rssKiB), Format::seconds(cpu),
                           QString::number(100 * cpu / seconds, 'f', 0),
                           i == 0 ? u", takes the publishes"_qs : QString()));
        }
    } else

        result.row(u"server"_qs, u"n/a (pass --server-pid with --url)"_qs);
    if (!serverThreads1.isEmpty()) {
        const QString threads = ProcStats::threadCpuText(serverThreads0, serverThreads1);
        result.json.insert(u"server_threads_cpu"_qs, threads);
        result.row(servers > 1 ? u"server 1 threads"_qs : u"server threads"_qs, threads);
    }
    if (redisCpu >= 0)
        result.row(u"redis process"_qs, u"RSS %1, CPU %2 (%3 % of one core)"_qs.arg(
                                            Format::kib(redis1.rssKiB), Format::seconds(redisCpu),
                                            QString::number(100 * redisCpu / seconds, 'f', 0)));
    if (redisForks >= 0) {
        // An AOF rewrite's child takes a core for a while: say whether one fell in the window.
        result.json.insert(u"redis_forks"_qs, double(redisForks));
        result.row(u"redis forks"_qs,
                   u"%1 during the measurement (AOF rewrites or snapshots)"_qs.arg(redisForks));
    }
    const double viewerNsPerTick = received.counters.ticks > 0
                                       ? received.cpuSeconds * 1e9 / double(received.counters.ticks)
                                       : 0.0;
    result.json.insert(u"viewer_cpu_ns_per_tick"_qs, viewerNsPerTick);
    result.row(u"tool"_qs, u"CPU %1 (%2 % of one core; viewers %3 = %4 ns per tick received, "
                           "producers %5)"_qs.arg(Format::seconds(toolCpu),
                                                  QString::number(100 * toolCpu / seconds, 'f', 0),
                                                  Format::seconds(received.cpuSeconds),
                                                  QString::number(viewerNsPerTick, 'f', 0),
                                                  Format::seconds(produced.cpuSeconds)));

    // CPU per tick holds up better than rates on a machine shared with other work.
    if (server0.cpuSeconds >= 0 && produced.ackedTicks > 0) {
        const double perPublished = serverCpu * 1e6 / double(produced.ackedTicks);
        const double perDelivered =
            received.counters.ticks > 0 ? serverCpu * 1e9 / double(received.counters.ticks) : 0;
        result.json.insert(u"server_cpu_us_per_published_tick"_qs, perPublished);
        result.json.insert(u"server_cpu_ns_per_delivered_tick"_qs, perDelivered);
        result.row(
            u"server CPU per tick"_qs,
            u"%1 us per published tick, %2 ns per delivered tick"_qs.arg(
                QString::number(perPublished, 'f', 2), QString::number(perDelivered, 'f', 0)));
        if (redisCpu >= 0) {
            const double redisPerPublished = redisCpu * 1e6 / double(produced.ackedTicks);
            result.json.insert(u"redis_cpu_us_per_published_tick"_qs, redisPerPublished);
            result.row(u"redis CPU per tick"_qs, u"%1 us per published tick"_qs.arg(
                                                     QString::number(redisPerPublished, 'f', 2)));
        }
    }
    result.row(u"other processes"_qs,
               u"CPU %1 (%2 % of one core), load average %3"_qs.arg(
                   Format::seconds(otherCpu), QString::number(100 * otherCpu / seconds, 'f', 0),
                   QString::number(load, 'f', 2)));
    if (otherCpu > 0.1 * seconds && server0.cpuSeconds >= 0)
        result.problem(u"other processes used %1 % of one core during the run: figures may be "
                       "low; rerun on a quiet machine"_qs.arg(int(100 * otherCpu / seconds)),
                       false);
    if (!drained)
        result.problem(u"publish commands still unanswered 60 s after the producers stopped"_qs);
    if (!complete || incomplete > 0)
        result.problem(u"%1 viewers did not receive every acknowledged tick within 120 s: %2"_qs
                           .arg(incomplete)
                           .arg(shortfalls.join(u"; "_qs)));
    if (continuity.errors() > 0)
        result.problem(u"continuity errors found"_qs);
    if (!viewerFailures.isEmpty())
        result.problem(u"viewer failures: "_qs + viewerFailures.join(u"; "_qs));
    if (!producerFailures.isEmpty())
        result.problem(u"producer failures: "_qs + producerFailures.join(u"; "_qs));
    if (publishErrors > 0)
        result.problem(u"%1 publish commands were refused (server behind); see ack latency"_qs.arg(
                           publishErrors),
                       false);
    if (produced.ackedTicks == 0)
        result.problem(u"no tick was acknowledged in the measurement window"_qs);
    if (!context.end(&error))
        result.problem(error);
    return result;
}

} // namespace tickscope::bench
