#include "ReplayScenario.h"

#include "BenchClock.h"
#include "ProducerGroup.h"
#include "ScenarioContext.h"
#include "ViewerGroup.h"

#include <QRandomGenerator>

namespace tickscope::bench {

namespace {

struct ReadResult
{
    bool ok = false;
    double seconds = 0;
    double firstTickSeconds = 0;
    Continuity continuity;
    qint64 ticks = 0;
    qint64 frames = 0;
    double serverCpu = 0;
    double redisCpu = -1; // -1: no Redis the tool started
    double toolCpu = 0;
    QString serverThreads; // CPU per thread of the server read from
    QString failure;
};

// One viewer reads the symbol from first to last through server `server` (an index in
// context.urls()), by subscribe-with-since or by history.
ReadResult readBack(ScenarioContext &context, const BenchOptions &options, int server,
                    const QString &symbol, qint64 first, qint64 last, bool history)
{
    ReadResult result;
    ViewerGroup group(1);
    ViewerClient::Config config;
    config.url = context.urls().at(server);
    config.token = context.token();
    config.kind = options.client;
    config.symbols = {symbol};
    config.recordLatency = false;
    if (history)
        config.historySymbol = symbol;
    else
        config.since.insert(symbol, first - 1);
    const ProcSample server0 = context.serverSamples().value(server);
    const ProcSample redis0 = context.redisSample();
    const auto threads0 = ProcStats::threadCpu(context.serverPid(server));
    const double tool0 = ProcStats::selfCpuSeconds();
    group.forEach([&](ViewerPool &pool) {
        ViewerClient *viewer = pool.add(config);
        viewer->setTargets({{symbol, last}});
        pool.reset();
    });
    const qint64 budget = std::max<qint64>(120, (last - first) / 2000);
    const bool done = ScenarioContext::waitUntil(
        [&] { return group.completeCount() + group.failedCount() > 0; }, double(budget), 5);
    const ProcSample server1 = context.serverSamples().value(server);
    const ProcSample redis1 = context.redisSample();
    result.serverThreads =
        ProcStats::threadCpuText(threads0, ProcStats::threadCpu(context.serverPid(server)));
    result.serverCpu = server1.cpuSeconds - server0.cpuSeconds;
    if (redis0.cpuSeconds >= 0 && redis1.cpuSeconds >= 0)
        result.redisCpu = redis1.cpuSeconds - redis0.cpuSeconds;
    result.toolCpu = ProcStats::selfCpuSeconds() - tool0;
    group.forEach([&](ViewerPool &pool) {
        const ViewerClient &viewer = *pool.viewers().front();
        if (viewer.isComplete()) {
            result.ok = true;
            result.seconds = double(viewer.doneNs() - viewer.requestNs()) / 1e9;
            result.firstTickSeconds = double(viewer.firstTickNs() - viewer.requestNs()) / 1e9;
        } else {
            result.failure = viewer.hasFailed() ? viewer.failure()
                                                : u"not complete after %1 s: %2"_qs.arg(budget).arg(
                                                      viewer.shortfall().join(u", "_qs));
        }
        result.continuity = viewer.continuity();
        result.ticks = viewer.counters().ticks;
        result.frames = viewer.counters().frames;
    });
    Q_UNUSED(done);
    group.closeAll();
    return result;
}

} // namespace

ScenarioResult ReplayScenario::run(const BenchOptions &options)
{
    ScenarioResult result;
    const qint64 total = options.replayTicks;
    result.title = u"replay: %1 ticks of one symbol to one viewer, store %2, client %3"_qs.arg(
        Format::count(double(total)), options.storeLabel(),
        options.client == ClientKind::Qt ? u"qt"_qs : u"raw"_qs);
    result.json = QJsonObject{{u"scenario"_qs, u"replay"_qs}, {u"ticks"_qs, double(total)}};

    ScenarioContext context(options);
    if (!context.begin(result))
        return result;
    QString error;
    // With several servers the read goes through the last one, which did not take the
    // writes: the history is Redis's, not that server's own.
    const int readServer = context.serverCount() - 1;
    if (context.serverCount() > 1)
        result.row(u"servers used"_qs,
                   u"publish to server 1, read back from server %1"_qs.arg(readServer + 1));
    result.json.insert(u"read_server"_qs, readServer + 1);
    // A fresh name, so that a server with history (--url) starts this symbol at q = 1 too.
    const QString symbol = u"REPLAY-%1"_qs.arg(QRandomGenerator::global()->generate() & 0xffffff, 6,
                                               16, QLatin1Char('0'));

    // 1. Publish.
    ProducerGroup producers;
    producers.call([&](ProducerPool &pool) {
        for (int p = 0; p < options.producers; ++p) {
            ProducerClient::Config config;
            config.url = context.url();
            config.token = context.token();
            config.kind = options.client;
            config.symbols = {symbol};
            config.window = options.window;
            config.batch = options.batch;
            config.limit = total / options.producers + (p == 0 ? total % options.producers : 0);
            pool.add(config);
        }
    });
    if (!producers.waitReady(options.producers, 30, &error)) {
        result.problem(error);
        return result;
    }
    const ProcSample publishServer0 = context.serverSample();
    const ProcSample publishRedis0 = context.redisSample();
    const qint64 publishStart = BenchClock::monoNs();
    const bool published = producers.publishToLimit(std::max<double>(300, double(total) / 5000));
    const double publishSeconds = double(BenchClock::monoNs() - publishStart) / 1e9;
    const double publishServerCpu = context.serverSample().cpuSeconds - publishServer0.cpuSeconds;
    const double publishRedisCpu = publishRedis0.cpuSeconds >= 0
                                       ? context.redisSample().cpuSeconds - publishRedis0.cpuSeconds
                                       : -1.0;
    const auto publishSnapshot = producers.call([](ProducerPool &pool) { return pool.snapshot(); });
    const qint64 acked = producers.call([](ProducerPool &pool) { return pool.ackedTotal(); });
    const qint64 first =
        producers.call([](ProducerPool &pool) { return pool.firstSeq(); }).value(symbol, 0);
    const qint64 last =
        producers.call([](ProducerPool &pool) { return pool.lastSeq(); }).value(symbol, 0);
    const QStringList producerFailures =
        producers.call([](ProducerPool &pool) { return pool.failures(); });
    producers.call([](ProducerPool &pool) { pool.closeAll(); });
    result.json.insert(u"publish_s"_qs, publishSeconds);
    result.json.insert(u"publish_ticks_per_s"_qs, double(acked) / publishSeconds);
    result.json.insert(u"publish_ack_latency_ms"_qs, publishSnapshot.ackLatency.toJson(1000));
    result.row(u"published"_qs,
               u"%1 ticks in %2 (%3), q %4..%5"_qs
                   .arg(Format::count(double(acked)), Format::seconds(publishSeconds),
                        Format::rate(double(acked) / publishSeconds))
                   .arg(first)
                   .arg(last));
    result.json.insert(u"publish_server_cpu_s"_qs, publishServerCpu);
    if (publishRedisCpu >= 0)
        result.json.insert(u"publish_redis_cpu_s"_qs, publishRedisCpu);
    result.row(u"  CPU during publish"_qs,
               u"server %1%2"_qs.arg(Format::seconds(publishServerCpu),
                                     publishRedisCpu >= 0
                                         ? u", redis "_qs + Format::seconds(publishRedisCpu)
                                         : QString()));
    if (!published || acked != total || last - first + 1 != total) {
        result.problem(
            u"publishing did not complete: %1 of %2 acknowledged, q %3..%4; %5"_qs.arg(acked)
                .arg(total)
                .arg(first)
                .arg(last)
                .arg(producerFailures.join(u"; "_qs)));
        return result;
    }
    // Let the last batch settle (and the store finish what it does after a commit).
    ScenarioContext::sleep(1.0);

    // 2. Subscribe with since and time the catch-up.
    const ReadResult replay = readBack(context, options, readServer, symbol, first, last, false);
    result.json.insert(u"replay_s"_qs, replay.seconds);
    result.json.insert(u"replay_first_tick_s"_qs, replay.firstTickSeconds);
    result.json.insert(u"replay_ticks_per_s"_qs,
                       replay.seconds > 0 ? double(total) / replay.seconds : 0.0);
    result.json.insert(u"replay_frames"_qs, double(replay.frames));
    result.json.insert(u"replay_server_cpu_s"_qs, replay.serverCpu);
    result.json.insert(u"replay_tool_cpu_s"_qs, replay.toolCpu);
    if (replay.redisCpu >= 0)
        result.json.insert(u"replay_redis_cpu_s"_qs, replay.redisCpu);
    result.json.insert(u"replay_continuity_errors"_qs, double(replay.continuity.errors()));
    if (replay.ok) {
        result.row(u"replay (subscribe since)"_qs,
                   u"%1 for %2 ticks = %3 (first tick after %4, %5 frames)"_qs.arg(
                       Format::seconds(replay.seconds), Format::count(double(total)),
                       Format::rate(double(total) / replay.seconds),
                       Format::ms(replay.firstTickSeconds * 1e6),
                       Format::count(double(replay.frames))));
        result.row(u"  CPU during replay"_qs,
                   u"server %1, tool %2%3"_qs.arg(
                       Format::seconds(replay.serverCpu), Format::seconds(replay.toolCpu),
                       replay.redisCpu >= 0 ? u", redis "_qs + Format::seconds(replay.redisCpu)
                                            : QString()));
    } else {
        result.problem(u"replay failed: "_qs + replay.failure);
    }
    result.row(u"  continuity errors"_qs,
               u"%1 (gaps %2, duplicates %3, not recovered %4)"_qs.arg(replay.continuity.errors())
                   .arg(replay.continuity.gaps)
                   .arg(replay.continuity.duplicates)
                   .arg(replay.continuity.notRecovered));
    if (replay.continuity.errors() > 0)
        result.problem(u"continuity errors in the replay"_qs);

    // 3. The same through history commands, one page of 1000 at a time.
    if (options.replayHistory) {
        const ReadResult paged = readBack(context, options, readServer, symbol, first, last, true);
        result.json.insert(u"history_s"_qs, paged.seconds);
        result.json.insert(u"history_ticks_per_s"_qs,
                           paged.seconds > 0 ? double(total) / paged.seconds : 0.0);
        result.json.insert(u"history_continuity_errors"_qs, double(paged.continuity.errors()));
        if (paged.ok)
            result.row(u"history commands"_qs,
                       u"%1 for %2 ticks = %3 (%4 pages of 1000, one at a time)"_qs.arg(
                           Format::seconds(paged.seconds), Format::count(double(total)),
                           Format::rate(double(total) / paged.seconds),
                           Format::count(double(paged.frames))));
        else
            result.problem(u"history read failed: "_qs + paged.failure);
        if (paged.continuity.errors() > 0)
            result.problem(u"continuity errors in the history pages"_qs);
    }

    // 4. On Redis: the same replay through a server started only now. The servers above
    // serve it from their memory (the ticks went through them); this one has to read
    // Redis, as a server does for a viewer that reconnects to it after a failover.
    if (context.hasRedis() && options.spawnsServer()) {
        const int cold = context.addServer(&error);
        if (cold < 0) {
            result.problem(u"cannot start a server for the replay from Redis: "_qs + error);
        } else {
            const ReadResult fromRedis =
                readBack(context, options, cold, symbol, first, last, false);
            result.json.insert(u"cold_replay_s"_qs, fromRedis.seconds);
            result.json.insert(u"cold_replay_first_tick_s"_qs, fromRedis.firstTickSeconds);
            result.json.insert(u"cold_replay_server_cpu_s"_qs, fromRedis.serverCpu);
            if (fromRedis.redisCpu >= 0)
                result.json.insert(u"cold_replay_redis_cpu_s"_qs, fromRedis.redisCpu);
            result.json.insert(u"cold_replay_continuity_errors"_qs,
                               double(fromRedis.continuity.errors()));
            if (fromRedis.ok) {
                result.row(u"replay from Redis"_qs,
                           u"%1 for %2 ticks = %3 (first tick after %4, %5 frames), through a "
                           "server started after the publish"_qs.arg(
                               Format::seconds(fromRedis.seconds), Format::count(double(total)),
                               Format::rate(double(total) / fromRedis.seconds),
                               Format::ms(fromRedis.firstTickSeconds * 1e6),
                               Format::count(double(fromRedis.frames))));
                result.json.insert(u"cold_replay_server_threads_cpu"_qs, fromRedis.serverThreads);
                result.row(u"  server threads"_qs, fromRedis.serverThreads);
                result.row(u"  CPU during it"_qs,
                           u"server %1, tool %2%3"_qs.arg(
                               Format::seconds(fromRedis.serverCpu),
                               Format::seconds(fromRedis.toolCpu),
                               fromRedis.redisCpu >= 0
                                   ? u", redis "_qs + Format::seconds(fromRedis.redisCpu)
                                   : QString()));
            } else {
                result.problem(u"replay from Redis failed: "_qs + fromRedis.failure);
            }
            if (fromRedis.continuity.errors() > 0)
                result.problem(u"continuity errors in the replay from Redis"_qs);
        }
    }
    if (!context.end(&error))
        result.problem(error);
    return result;
}

} // namespace tickscope::bench
