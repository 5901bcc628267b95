#include "ScenarioContext.h"

#include "Report.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTimer>

namespace tickscope::bench {

ScenarioContext::ScenarioContext(const BenchOptions &options) : m_options(options) {}

ScenarioContext::~ScenarioContext()
{
    QString ignored;
    end(&ignored);
}

bool ScenarioContext::begin(QString *error)
{
    if (!m_options.spawnsServer()) {
        m_urls = {m_options.url};
        m_token = m_options.token;
        m_pid = m_options.serverPid;
        return true;
    }
    if (m_options.store == u"redis") {
        m_redis = std::make_unique<RedisSetup>();
        if (!m_redis->start(m_options, error))
            return false;
    }
    // Servers on one Redis must verify one another's tokens: one fresh secret for all of
    // them (64 hex digits = 32 random bytes, what HS256 asks for).
    if (m_redis) {
        QByteArray random(32, Qt::Uninitialized);
        QRandomGenerator::system()->generate(random.begin(), random.end());
        m_secret = random.toHex();
    }
    for (int i = 0; i < m_options.servers; ++i) {
        if (addServer(error) < 0)
            return false;
    }
    m_token = m_servers.front()->mintToken(u"read publish"_qs, error);
    if (m_token.isEmpty())
        return false;
    m_pid = m_servers.front()->pid();
    return true;
}

bool ScenarioContext::begin(ScenarioResult &result)
{
    QString error;
    if (!begin(&error)) {
        result.problem(error);
        return false;
    }
    result.json.insert(u"server"_qs, serverJson());
    describe(result);
    return true;
}

int ScenarioContext::addServer(QString *error)
{
    if (!m_servers.empty() && !m_redis) {
        *error = u"another server shares the history only on a Redis store"_qs;
        return -1;
    }
    auto server = std::make_unique<ServerProcess>();
    if (m_servers.empty() && !m_desktopConfigHome.isEmpty()) {
        server->setDesktop(true);
        server->setEnvironment(u"XDG_CONFIG_HOME"_qs, m_desktopConfigHome);
    }
    if (!m_secret.isEmpty())
        server->setEnvironment(u"TICKSCOPE_JWT_SECRET"_qs, QString::fromLatin1(m_secret));
    // Through the environment: an existing Redis's URL may hold a password.
    if (m_redis)
        server->setEnvironment(u"TICKSCOPE_REDIS_URL"_qs, m_redis->serverUrl());
    QString why;
    if (!server->start(m_options.serverBinary, m_options.store, m_options.serverArguments, 30000,
                       &why)) {
        *error = m_redis ? u"server %1: %2"_qs.arg(m_servers.size() + 1).arg(why) : why;
        return -1;
    }
    m_urls.append(server->url());
    m_servers.push_back(std::move(server));
    return int(m_servers.size()) - 1;
}

bool ScenarioContext::end(QString *error)
{
    QStringList problems;
    // The servers first: on SIGTERM they finish writing what was acknowledged to Redis.
    for (std::size_t i = 0; i < m_servers.size(); ++i) {
        const int code = m_servers[i]->stop();
        if (code != 0) {
            const QString which =
                m_servers.size() > 1 ? u"server %1"_qs.arg(i + 1) : u"the server"_qs;
            problems.append(
                u"%1 did not exit cleanly after SIGTERM (code %2):\n%3"_qs.arg(which).arg(code).arg(
                    m_servers[i]->logTail()));
        }
    }
    m_servers.clear();
    if (m_redis) {
        QString why;
        if (!m_redis->stop(&why))
            problems.append(why);
        m_redis.reset();
    }
    if (!problems.isEmpty()) {
        *error = problems.join(u'\n');
        return false;
    }
    return true;
}

QList<ProcSample> ScenarioContext::serverSamples() const
{
    QList<ProcSample> samples;
    if (m_servers.empty()) {
        samples.append(serverSample());
        return samples;
    }
    for (const auto &server : m_servers)
        samples.append(ProcStats::sample(server->pid()));
    return samples;
}

ProcSample ScenarioContext::serversSample() const
{
    return ProcStats::sum(serverSamples());
}

QJsonObject ScenarioContext::serverJson() const
{
    const bool spawned = !m_servers.empty();
    QJsonObject server{{u"url"_qs, url().toString()},
                       {u"spawned"_qs, spawned},
                       {u"store"_qs, spawned ? m_options.store : u"unknown"_qs}};
    if (spawned) {
        server.insert(u"binary"_qs, QFileInfo(m_options.serverBinary).absoluteFilePath());
        server.insert(u"extra_arguments"_qs, QJsonValue::fromVariant(m_options.serverArguments));
        server.insert(u"servers"_qs, serverCount());
        server.insert(u"shared_jwt_secret"_qs, !m_secret.isEmpty());
        if (serverCount() > 1) {
            QJsonArray urls;
            for (const QUrl &each : m_urls)
                urls.append(each.toString());
            server.insert(u"urls"_qs, urls);
        }
    }
    if (m_redis)
        server.insert(u"redis"_qs, m_redis->json());
    return server;
}

void ScenarioContext::describe(ScenarioResult &result) const
{
    if (serverCount() > 1) {
        QStringList urls;
        for (const QUrl &each : m_urls)
            urls.append(each.toString());
        result.row(u"servers"_qs, u"%1 on one Redis, one signing secret: %2"_qs.arg(serverCount())
                                      .arg(urls.join(u", "_qs)));
    }
    if (m_redis)
        result.row(u"redis"_qs, m_redis->description());
}

bool ScenarioContext::waitUntil(const std::function<bool()> &done, double timeoutSeconds,
                                int pollMs)
{
    QElapsedTimer elapsed;
    elapsed.start();
    const auto timeoutMs = qint64(timeoutSeconds * 1000);
    while (!done()) {
        const qint64 left = timeoutMs - elapsed.elapsed();
        if (left <= 0)
            return false;
        QEventLoop loop;
        QTimer::singleShot(int(std::min<qint64>(pollMs, left)), &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

void ScenarioContext::sleep(double seconds)
{
    QEventLoop loop;
    QTimer::singleShot(int(seconds * 1000), Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace tickscope::bench
