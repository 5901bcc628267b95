#include "DesktopScenario.h"

#include "BenchClock.h"
#include "LiveScenario.h"
#include "MetricsScrape.h"
#include "ProducerGroup.h"
#include "ScenarioContext.h"

#include <QDir>
#include <QSettings>
#include <QTemporaryDir>
#include <algorithm>
#include <numeric>

namespace tickscope::bench {

namespace {

constexpr double DefaultRate = 100'000;
// What the issue asks of the window, and what the report checks the figures against.
constexpr double TargetFps = 60;
constexpr double TargetBusyMs = 8;
const QString Interval = u"tickscope_gui_frame_interval_seconds"_qs;
// The frame-interval histogram's bounds (FrameTimer), in seconds as the page writes them.
const QStringList Bounds{u"0.008"_qs, u"0.012"_qs, u"0.017"_qs, u"0.025"_qs, u"0.034"_qs,
                         u"0.05"_qs,  u"0.1"_qs,   u"0.25"_qs,  u"1"_qs};

bool haveDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

double bucket(const MetricsScrape &scrape, const QString &bound)
{
    return scrape.value(Interval + u"_bucket{le=\"%1\"}"_qs.arg(bound), 0);
}

// The frame-interval quantile q over the window, as the histogram bound it falls under.
QString intervalQuantile(const MetricsScrape &a, const MetricsScrape &b, double q)
{
    const double total = b.value(Interval + u"_count"_qs, 0) - a.value(Interval + u"_count"_qs, 0);
    if (total <= 0)
        return u"n/a"_qs;
    for (const QString &bound : Bounds) {
        if (bucket(b, bound) - bucket(a, bound) >= q * total)
            return u"<= %1 ms"_qs.arg(bound.toDouble() * 1000);
    }
    return u"> 1000 ms"_qs;
}

void writePreferences(const QString &configHome, const QStringList &symbols)
{
    QDir().mkpath(configHome + u"/tickscope"_qs);
    QSettings prefs(configHome + u"/tickscope/desktop.ini"_qs, QSettings::IniFormat);
    prefs.setValue(u"watchlist/symbols"_qs, symbols);
    prefs.setValue(u"watchlist/selected"_qs, symbols.constFirst());
    prefs.setValue(u"chart/window"_qs, 0); // all retained: every tick of the history
    prefs.setValue(u"chart/type"_qs, u"line"_qs);
    prefs.sync();
}

// Producers over `symbols` on server 1; false (with a problem on the result) if they
// cannot connect.
bool addProducers(ProducerGroup &producers, const ScenarioContext &context,
                  const BenchOptions &options, const QStringList &symbols, qint64 limit,
                  ScenarioResult &result)
{
    const int count = std::min<int>(options.producers, int(symbols.size()));
    producers.call([&](ProducerPool &pool) {
        pool.clear();
        for (int p = 0; p < count; ++p) {
            ProducerClient::Config config;
            config.url = context.url();
            config.token = context.token();
            config.kind = options.client;
            for (qsizetype s = p; s < symbols.size(); s += count)
                config.symbols.append(symbols.at(s));
            config.window = options.window;
            config.batch = options.batch;
            config.limit = limit > 0 ? limit / count + (p == 0 ? limit % count : 0) : 0;
            pool.add(config);
        }
    });
    QString error;
    if (!producers.waitReady(count, 30, &error)) {
        result.problem(error);
        return false;
    }
    return true;
}

} // namespace

ScenarioResult DesktopScenario::run(const BenchOptions &options)
{
    ScenarioResult result;
    const double rate = options.rate > 0 ? options.rate : DefaultRate;
    const qint64 history = options.desktopHistory;
    result.title = u"desktop: the window at %1 over %2 symbols, %3 ticks of history on the "
                   "chart, store %4"_qs.arg(Format::rate(rate))
                       .arg(options.symbols)
                       .arg(Format::count(double(history)), options.storeLabel());
    result.json = QJsonObject{{u"scenario"_qs, u"desktop"_qs},
                              {u"symbols"_qs, options.symbols},
                              {u"target_rate"_qs, rate},
                              {u"history"_qs, double(history)},
                              {u"warmup_s"_qs, options.warmup}};
    if (!haveDisplay()) {
        result.problem(u"the desktop scenario opens the app's window and needs a display "
                       "(DISPLAY or WAYLAND_DISPLAY is unset): run it under `xvfb-run -a -s "
                       "'-screen 0 1920x1080x24'`, or set QT_QPA_PLATFORM"_qs);
        return result;
    }
    const QStringList symbols = LiveScenario::symbolNames(options.symbols);
    QTemporaryDir configHome(QDir::temp().filePath(u"tickscope-bench-desktop-XXXXXX"_qs));
    if (!configHome.isValid()) {
        result.problem(u"cannot create a temporary directory: %1"_qs.arg(configHome.errorString()));
        return result;
    }
    writePreferences(configHome.path(), symbols);

    ScenarioContext context(options);
    context.setDesktop(configHome.path());
    if (!context.begin(result))
        return result;
    QString error;
    const auto scrape = [&]() -> std::optional<MetricsScrape> {
        return MetricsScrape::fetch(context.url(), 10000, &error);
    };
    // The window's figures are on the page once the embedded server runs and the window
    // has drawn; the chart's symbol has then been asked for.
    std::optional<MetricsScrape> page;
    const bool windowUp = ScenarioContext::waitUntil(
        [&] {
            page = scrape();
            return page && page->value(u"tickscope_gui_frames_per_second"_qs).has_value() &&
                   !page->label(u"tickscope_gui_renderer_info"_qs, u"renderer"_qs).isEmpty();
        },
        30, 200);
    if (!windowUp) {
        result.problem(u"the window's metrics did not appear within 30 s: %1\n%2"_qs.arg(
            page ? u"no tickscope_gui_* samples"_qs : error, context.serverLogTail()));
        return result;
    }

    // 1. The chart's history, as fast as the server acknowledges it.
    ProducerGroup producers;
    if (history > 0) {
        if (!addProducers(producers, context, options, {symbols.constFirst()}, history, result))
            return result;
        const qint64 start = BenchClock::monoNs();
        const bool published =
            producers.publishToLimit(std::max<double>(300, double(history) / 5000));
        const double publishSeconds = double(BenchClock::monoNs() - start) / 1e9;
        const qint64 acked = producers.call([](ProducerPool &pool) { return pool.ackedTotal(); });
        producers.call([](ProducerPool &pool) { pool.closeAll(); });
        if (!published || acked < history) {
            result.problem(
                u"history: %1 of %2 ticks acknowledged: %3"_qs.arg(acked).arg(history).arg(
                    producers.call([](ProducerPool &pool) { return pool.failures(); })
                        .join(u"; "_qs)));
            return result;
        }
        double chartTicks = 0;
        const bool inChart = ScenarioContext::waitUntil(
            [&] {
                page = scrape();
                chartTicks = page ? page->value(u"tickscope_gui_chart_ticks"_qs, 0) : 0;
                return chartTicks >= double(history);
            },
            std::max<double>(120, double(history) / 10000), 100);
        const double loadSeconds = double(BenchClock::monoNs() - start) / 1e9;
        result.json.insert(u"history_publish_s"_qs, publishSeconds);
        result.json.insert(u"history_in_chart_s"_qs, loadSeconds);
        result.row(u"history"_qs,
                   u"%1 ticks of %2 published in %3, all in the chart after %4"_qs.arg(
                       Format::count(double(history)), symbols.constFirst(),
                       Format::seconds(publishSeconds), Format::seconds(loadSeconds)));
        if (!inChart) {
            result.problem(
                u"the chart holds %1 of the %2 history ticks"_qs.arg(chartTicks).arg(history));
            return result;
        }
    }

    // 2. The load: every symbol at the rate.
    if (!addProducers(producers, context, options, symbols, 0, result))
        return result;
    producers.call([&](ProducerPool &pool) { pool.startPublishing(rate); });
    ScenarioContext::sleep(options.warmup);

    const auto begin = scrape();
    if (!begin) {
        result.problem(error);
        return result;
    }
    producers.call([](ProducerPool &pool) { pool.reset(); });
    const ProcSample app0 = context.serverSample();
    const auto threads0 = ProcStats::threadCpu(context.serverPid());
    const double machine0 = ProcStats::machineBusySeconds();
    const double tool0 = ProcStats::selfCpuSeconds();
    const qint64 start = BenchClock::monoNs();
    // The counter publishes its gauges once a second: read each second's.
    std::vector<double> fpsSamples;
    std::vector<double> busySamples;
    const int seconds = std::max(1, int(options.duration + 0.5));
    for (int i = 0; i < seconds; ++i) {
        ScenarioContext::sleep(1.0);
        if (const auto each = scrape()) {
            fpsSamples.push_back(each->value(u"tickscope_gui_frames_per_second"_qs, 0));
            busySamples.push_back(
                each->value(u"tickscope_gui_thread_busy_seconds_per_frame"_qs, 0) * 1000);
        }
    }
    const auto end = scrape();
    const double wall = double(BenchClock::monoNs() - start) / 1e9;
    const auto produced = producers.call([](ProducerPool &pool) { return pool.snapshot(); });
    const ProcSample app1 = context.serverSample();
    const auto threads1 = ProcStats::threadCpu(context.serverPid());
    const double machine1 = ProcStats::machineBusySeconds();
    const double tool1 = ProcStats::selfCpuSeconds();
    const qint64 publishErrors =
        producers.call([](ProducerPool &pool) { return pool.errorsTotal(); });
    producers.call([](ProducerPool &pool) {
        pool.stop();
        pool.closeAll();
    });
    if (!end || fpsSamples.empty()) {
        result.problem(u"cannot read the window's metrics: %1"_qs.arg(error));
        return result;
    }

    // Figures.
    const double frames =
        end->value(Interval + u"_count"_qs, 0) - begin->value(Interval + u"_count"_qs, 0);
    const double fps = frames / wall;
    const double fpsMin = *std::min_element(fpsSamples.begin(), fpsSamples.end());
    const double busyMean =
        std::accumulate(busySamples.begin(), busySamples.end(), 0.0) / double(busySamples.size());
    const double busyMax = *std::max_element(busySamples.begin(), busySamples.end());
    const double received = end->value(u"tickscope_gui_ticks_received_total"_qs, 0) -
                            begin->value(u"tickscope_gui_ticks_received_total"_qs, 0);
    const double published = double(produced.ackedTicks) / produced.seconds;
    // The share of the window's frame intervals at most `bound` seconds long.
    const auto within = [&](const QString &bound) {
        return frames > 0 ? (bucket(*end, bound) - bucket(*begin, bound)) / frames : 0.0;
    };
    const double within17 = within(u"0.017"_qs);
    const double within25 = within(u"0.025"_qs);
    const double over50 = frames > 0 ? 1 - within(u"0.05"_qs) : 0.0;
    const QString renderer = end->label(u"tickscope_gui_renderer_info"_qs, u"renderer"_qs);
    const double appCpu = app1.cpuSeconds - app0.cpuSeconds;
    const double toolCpu = tool1 - tool0;
    const double otherCpu = std::max(0.0, machine1 - machine0 - std::max(0.0, appCpu) - toolCpu);

    result.json.insert(u"duration_s"_qs, wall);
    result.json.insert(u"renderer"_qs, renderer);
    result.json.insert(u"frames_per_s"_qs, fps);
    result.json.insert(u"frames_per_s_min_second"_qs, fpsMin);
    result.json.insert(u"frame_interval_within_17ms"_qs, within17);
    result.json.insert(u"frame_interval_within_25ms"_qs, within25);
    result.json.insert(u"frame_interval_over_50ms"_qs, over50);
    result.json.insert(u"gui_thread_ms_per_frame_mean"_qs, busyMean);
    result.json.insert(u"gui_thread_ms_per_frame_max_second"_qs, busyMax);
    result.json.insert(u"published_ticks_per_s"_qs, published);
    result.json.insert(u"window_received_ticks_per_s"_qs, received / wall);
    result.json.insert(u"chart_ticks"_qs, end->value(u"tickscope_gui_chart_ticks"_qs, 0));
    result.json.insert(u"publish_errors"_qs, double(publishErrors));
    result.json.insert(u"app_process"_qs, QJsonObject{{u"rss_kib"_qs, double(app1.rssKiB)},
                                                      {u"peak_rss_kib"_qs, double(app1.peakRssKiB)},
                                                      {u"cpu_s"_qs, appCpu},
                                                      {u"cpu_percent"_qs, 100 * appCpu / wall}});
    result.json.insert(u"other_processes_cpu_s"_qs, otherCpu);

    result.row(u"measured"_qs,
               Format::seconds(wall) + u" after %1 s warm-up"_qs.arg(options.warmup));
    result.row(u"rendered by"_qs, renderer);
    result.row(u"published (acked)"_qs, Format::rate(published));
    result.row(u"window received"_qs,
               u"%1 (its stream connection, all %2 symbols)"_qs.arg(Format::rate(received / wall))
                   .arg(options.symbols));
    result.row(u"chart"_qs, u"%1 ticks of %2 held, window \"all\""_qs.arg(
                                Format::count(end->value(u"tickscope_gui_chart_ticks"_qs, 0)),
                                symbols.constFirst()));
    result.row(u"frames"_qs, u"%1 frames/s (slowest second %2)"_qs.arg(
                                 QString::number(fps, 'f', 1), QString::number(fpsMin, 'f', 1)));
    result.row(u"frame intervals"_qs,
               u"p50 %1, p95 %2, p99 %3; %4 % within 17 ms, %5 % within 25 ms, %6 % over 50 ms"_qs
                   .arg(intervalQuantile(*begin, *end, 0.5), intervalQuantile(*begin, *end, 0.95),
                        intervalQuantile(*begin, *end, 0.99))
                   .arg(100 * within17, 0, 'f', 1)
                   .arg(100 * within25, 0, 'f', 1)
                   .arg(100 * over50, 0, 'f', 1));
    result.row(u"GUI-thread work"_qs,
               u"%1 ms per frame (busiest second %2 ms)"_qs.arg(QString::number(busyMean, 'f', 2),
                                                                QString::number(busyMax, 'f', 2)));
    const bool fpsMet = fps >= 0.9 * TargetFps;
    const bool busyMet = busyMax <= TargetBusyMs;
    result.json.insert(u"target_met"_qs, fpsMet && busyMet);
    result.row(u"target"_qs,
               u"about %1 frames/s: %2; <= %3 ms GUI-thread work per frame: %4"_qs.arg(TargetFps)
                   .arg(fpsMet ? u"met"_qs : u"missed"_qs)
                   .arg(TargetBusyMs)
                   .arg(busyMet ? u"met"_qs : u"missed"_qs));
    result.row(u"app"_qs,
               u"RSS %1 (peak %2), CPU %3 (%4 % of one core)"_qs.arg(
                   Format::kib(app1.rssKiB), Format::kib(app1.peakRssKiB), Format::seconds(appCpu),
                   QString::number(100 * appCpu / wall, 'f', 0)));
    if (!threads1.isEmpty()) {
        const QString threads = ProcStats::threadCpuText(threads0, threads1);
        result.json.insert(u"app_threads_cpu"_qs, threads);
        result.row(u"app threads"_qs, threads);
    }
    result.row(u"other processes"_qs,
               u"CPU %1 (%2 % of one core), tool %3"_qs.arg(
                   Format::seconds(otherCpu), QString::number(100 * otherCpu / wall, 'f', 0),
                   Format::seconds(toolCpu)));
    if (publishErrors > 0)
        result.problem(u"%1 publish commands were refused (server behind)"_qs.arg(publishErrors),
                       false);
    if (received / wall < 0.95 * published)
        result.problem(u"the window received %1 ticks/s of the %2 published: it fell behind"_qs
                           .arg(received / wall, 0, 'f', 0)
                           .arg(published, 0, 'f', 0),
                       false);
    if (!context.end(&error))
        result.problem(error);
    return result;
}

} // namespace tickscope::bench
