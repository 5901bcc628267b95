#include "IdleScenario.h"

#include "LiveScenario.h"
#include "ProducerGroup.h"
#include "ScenarioContext.h"
#include "ViewerGroup.h"

namespace tickscope::bench {

ScenarioResult IdleScenario::run(const BenchOptions &options)
{
    ScenarioResult result;
    const int count = options.idleViewers;
    result.title = u"idle: %1 idle viewers, one symbol each, store %2, client %3"_qs.arg(count).arg(
        options.storeLabel(), options.client == ClientKind::Qt ? u"qt"_qs : u"raw"_qs);
    result.json = QJsonObject{{u"scenario"_qs, u"idle"_qs}, {u"viewers"_qs, count}};
    if (!options.spawnsServer() && options.serverPid <= 0) {
        result.problem(u"idle needs the server's memory: spawn it, or pass --server-pid"_qs);
        return result;
    }
    ScenarioContext context(options);
    if (!context.begin(result))
        return result;
    QString error;
    const QStringList symbols = LiveScenario::symbolNames(options.symbols);

    // Warm-up: give every symbol a tick and open and close a few viewers, so that what is
    // allocated once per server or per symbol is in the baseline, not charged to viewers.
    {
        ProducerGroup producer;
        producer.call([&](ProducerPool &pool) {
            ProducerClient::Config config;
            config.url = context.url();
            config.token = context.token();
            config.symbols = symbols;
            config.batch = int(symbols.size());
            config.limit = symbols.size();
            pool.add(config);
            pool.startPublishing(0);
        });
        ScenarioContext::waitUntil(
            [&] {
                return producer.call([](ProducerPool &pool) {
                    return (pool.isFinished() && pool.isDrained()) || pool.failedCount() > 0;
                });
            },
            30);
        producer.call([](ProducerPool &pool) { pool.closeAll(); });
        ViewerGroup warm(1);
        for (int i = 0; i < 20; ++i) {
            ViewerClient::Config config;
            config.url = context.url();
            config.token = context.token();
            config.symbols = {symbols.at(i % symbols.size())};
            warm.add(config);
        }
        ScenarioContext::waitUntil(
            [&] { return warm.subscribedCount() + warm.failedCount() >= 20; }, 30);
        warm.closeAll();
        ScenarioContext::sleep(1.0);
    }
    ScenarioContext::sleep(options.settle);
    const ProcSample before = context.serverSample();

    ViewerGroup viewers(1);
    for (int i = 0; i < count; ++i) {
        ViewerClient::Config config;
        config.url = context.url();
        config.token = context.token();
        config.kind = options.client;
        config.symbols = {symbols.at(i % symbols.size())};
        viewers.add(config);
    }
    const bool subscribed = ScenarioContext::waitUntil(
        [&] { return viewers.subscribedCount() + viewers.failedCount() >= count; }, 120, 50);
    ScenarioContext::sleep(options.settle);
    const ProcSample after = context.serverSample();
    const int connected = viewers.subscribedCount();
    const QStringList failures = viewers.failures();
    viewers.closeAll();
    ScenarioContext::sleep(options.settle);
    const ProcSample closed = context.serverSample();

    const double perViewer = double(after.rssKiB - before.rssKiB) / std::max(1, connected);
    result.json.insert(u"connected"_qs, connected);
    result.json.insert(u"server_rss_before_kib"_qs, double(before.rssKiB));
    result.json.insert(u"server_rss_after_kib"_qs, double(after.rssKiB));
    result.json.insert(u"server_rss_after_close_kib"_qs, double(closed.rssKiB));
    result.json.insert(u"rss_per_idle_viewer_kib"_qs, perViewer);
    result.row(u"viewers subscribed"_qs, u"%1 of %2"_qs.arg(connected).arg(count));
    result.row(u"server RSS"_qs, u"%1 before, %2 with the viewers, %3 after they closed"_qs.arg(
                                     Format::kib(before.rssKiB), Format::kib(after.rssKiB),
                                     Format::kib(closed.rssKiB)));
    result.row(u"RSS per idle viewer"_qs, QString::number(perViewer, 'f', 1) + u" KiB"_qs);
    if (!subscribed || connected < count)
        result.problem(u"only %1 of %2 viewers subscribed: %3"_qs.arg(connected).arg(count).arg(
            failures.join(u"; "_qs)));
    if (!context.end(&error))
        result.problem(error);
    return result;
}

} // namespace tickscope::bench
