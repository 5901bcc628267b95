#include "HandshakeScenario.h"

#include "BenchClock.h"
#include "ScenarioContext.h"
#include "WorkerThread.h"

#include <QHash>
#include <QPointer>
#include <QTimer>

namespace tickscope::bench {

namespace {

struct HandshakeStats
{
    LatencyHistogram latency; // microseconds, connect() to hello
    qint64 completed = 0;
    qint64 failed = 0;
    QHash<QString, qint64> failures; // reason -> count
    bool recording = false;
};

// One client's connect/hello/close loop. Lives in the worker thread.
class HandshakeLoop
{
public:
    HandshakeLoop(const QUrl &url, const QByteArray &token, ClientKind kind, HandshakeStats *stats)
        : m_url(url), m_token(token), m_kind(kind), m_stats(stats)
    {
        m_timeout.setSingleShot(true);
        m_timeout.setInterval(10000);
        QObject::connect(&m_timeout, &QTimer::timeout, &m_timeout,
                         [this] { finishAttempt(u"no hello within 10 s"_qs); });
    }
    ~HandshakeLoop() { retire(); }

    void start() { attempt(); }
    void stop() { m_stopped = true; }
    bool idle() const { return !m_socket; }

private:
    void attempt()
    {
        if (m_stopped)
            return;
        m_socket = BenchSocket::create(m_kind);
        m_done = false;
        BenchSocket *socket = m_socket.get();
        socket->onMessage = [this, socket](const char *data, qsizetype size) {
            if (socket != m_socket.get() || m_done)
                return;
            const qint64 elapsedUs = (BenchClock::monoNs() - m_startNs) / 1000;
            if (!std::string_view(data, std::size_t(size)).starts_with("{\"op\":\"hello\"") &&
                std::string_view(data, std::size_t(size)).find("\"hello\"") ==
                    std::string_view::npos) {
                finishAttempt(u"first message is not hello"_qs);
                return;
            }
            if (m_stats->recording) {
                m_stats->latency.record(elapsedUs);
                ++m_stats->completed;
            }
            finishAttempt(QString());
        };
        socket->onClosed = [this, socket](const QString &why) {
            if (socket == m_socket.get() && !m_done)
                finishAttempt(why);
        };
        m_startNs = BenchClock::monoNs();
        m_timeout.start();
        socket->open(m_url, m_token);
    }

    void finishAttempt(const QString &failure)
    {
        m_done = true;
        m_timeout.stop();
        if (!failure.isEmpty() && m_stats->recording) {
            ++m_stats->failed;
            // Failure texts may carry ports: keep the part before any digit run for grouping.
            ++m_stats->failures[failure.left(120)];
        }
        retire();
        // Start the next attempt from the event loop, not from inside the socket's callback.
        QTimer::singleShot(0, &m_timeout, [this] { attempt(); });
    }

    // Closes and deletes the current socket later (we may be inside its callback).
    void retire()
    {
        if (!m_socket)
            return;
        BenchSocket *socket = m_socket.release();
        socket->onMessage = nullptr;
        socket->onClosed = nullptr;
        socket->close();
        socket->deleteLater();
    }

    QUrl m_url;
    QByteArray m_token;
    ClientKind m_kind;
    HandshakeStats *m_stats;
    std::unique_ptr<BenchSocket> m_socket;
    QTimer m_timeout;
    qint64 m_startNs = 0;
    bool m_done = false;
    bool m_stopped = false;
};

} // namespace

ScenarioResult HandshakeScenario::run(const BenchOptions &options)
{
    ScenarioResult result;
    result.title =
        u"handshakes: %1 parallel clients, connect + upgrade + hello + close, client %2"_qs
            .arg(options.concurrency)
            .arg(options.client == ClientKind::Qt ? u"qt"_qs : u"raw"_qs);
    result.json =
        QJsonObject{{u"scenario"_qs, u"handshakes"_qs}, {u"concurrency"_qs, options.concurrency}};
    ScenarioContext context(options);
    if (!context.begin(result))
        return result;
    QString error;

    WorkerThread thread(u"handshakes"_qs);
    HandshakeStats stats;
    std::vector<std::unique_ptr<HandshakeLoop>> loops;
    thread.run([&] {
        for (int i = 0; i < options.concurrency; ++i) {
            loops.push_back(std::make_unique<HandshakeLoop>(context.url(), context.token(),
                                                            options.client, &stats));
            loops.back()->start();
        }
    });
    ScenarioContext::sleep(options.warmup);
    ProcSample server0;
    double tool0 = 0;
    double machine0 = 0;
    qint64 start = 0;
    thread.run([&] {
        stats.recording = true;
        server0 = context.serverSample();
        tool0 = ProcStats::selfCpuSeconds();
        machine0 = ProcStats::machineBusySeconds();
        start = BenchClock::monoNs();
    });
    ScenarioContext::sleep(options.duration);
    HandshakeStats snapshot;
    double seconds = 0;
    thread.run([&] {
        stats.recording = false;
        seconds = double(BenchClock::monoNs() - start) / 1e9;
        snapshot.latency = stats.latency;
        snapshot.completed = stats.completed;
        snapshot.failed = stats.failed;
        snapshot.failures = stats.failures;
        for (const auto &loop : loops)
            loop->stop();
    });
    const ProcSample server1 = context.serverSample();
    const double toolCpu = ProcStats::selfCpuSeconds() - tool0;
    const double machineCpu = ProcStats::machineBusySeconds() - machine0;
    const double load = ProcStats::loadAverage();
    ScenarioContext::sleep(0.5);
    thread.run([&] { loops.clear(); });

    const double rate = double(snapshot.completed) / seconds;
    const double serverCpu = server1.cpuSeconds - server0.cpuSeconds;
    const double otherCpu = std::max(0.0, machineCpu - toolCpu - std::max(0.0, serverCpu));
    result.json.insert(u"other_processes_cpu_s"_qs, otherCpu);
    result.json.insert(u"load_average"_qs, load);
    result.json.insert(u"duration_s"_qs, seconds);
    result.json.insert(u"handshakes"_qs, double(snapshot.completed));
    result.json.insert(u"handshakes_per_s"_qs, rate);
    result.json.insert(u"failures"_qs, double(snapshot.failed));
    QJsonObject reasons;
    for (auto it = snapshot.failures.cbegin(); it != snapshot.failures.cend(); ++it)
        reasons.insert(it.key(), double(it.value()));
    result.json.insert(u"failure_reasons"_qs, reasons);
    result.json.insert(u"latency_ms"_qs, snapshot.latency.toJson(1000));
    result.json.insert(u"server_process"_qs,
                       QJsonObject{{u"cpu_s"_qs, serverCpu},
                                   {u"cpu_percent"_qs, 100 * serverCpu / seconds},
                                   {u"rss_kib"_qs, double(server1.rssKiB)}});
    result.json.insert(
        u"tool_process"_qs,
        QJsonObject{{u"cpu_s"_qs, toolCpu}, {u"cpu_percent"_qs, 100 * toolCpu / seconds}});

    result.row(u"measured"_qs,
               Format::seconds(seconds) + u" after %1 s warm-up"_qs.arg(options.warmup));
    result.row(u"handshakes"_qs,
               u"%1 (%2)"_qs.arg(Format::count(double(snapshot.completed)), Format::rate(rate)));
    result.row(u"latency (connect to hello)"_qs, Format::latency(snapshot.latency));
    result.row(u"failures"_qs, Format::count(double(snapshot.failed)));
    for (auto it = snapshot.failures.cbegin(); it != snapshot.failures.cend(); ++it)
        result.row(u"  "_qs + Format::count(double(it.value())), it.key());
    result.row(u"server"_qs,
               u"CPU %1 (%2 % of one core), RSS %3"_qs.arg(
                   Format::seconds(serverCpu), QString::number(100 * serverCpu / seconds, 'f', 0),
                   Format::kib(server1.rssKiB)));
    result.row(u"tool"_qs,
               u"CPU %1 (%2 % of one core)"_qs.arg(
                   Format::seconds(toolCpu), QString::number(100 * toolCpu / seconds, 'f', 0)));
    result.row(u"other processes"_qs,
               u"CPU %1 (%2 % of one core), load average %3"_qs.arg(
                   Format::seconds(otherCpu), QString::number(100 * otherCpu / seconds, 'f', 0),
                   QString::number(load, 'f', 2)));
    if (otherCpu > 0.1 * seconds && server0.cpuSeconds >= 0)
        result.problem(u"other processes used %1 % of one core during the run: figures may be "
                       "low; rerun on a quiet machine"_qs.arg(int(100 * otherCpu / seconds)),
                       false);
    if (snapshot.failed > 0)
        result.problem(u"%1 handshakes failed"_qs.arg(snapshot.failed));
    if (snapshot.completed == 0)
        result.problem(u"no handshake completed"_qs);
    if (!context.end(&error))
        result.problem(error);
    return result;
}

} // namespace tickscope::bench
