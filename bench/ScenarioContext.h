#pragma once

#include "BenchOptions.h"
#include "ProcStats.h"
#include "RedisSetup.h"
#include "ServerProcess.h"

#include <QJsonObject>
#include <functional>
#include <memory>
#include <vector>

namespace tickscope::bench {

struct ScenarioResult;

// What every scenario needs: a server to talk to (spawned fresh, or the one named by
// --url), a token, and the server's resource figures. With --store redis it also starts
// the Redis (unless --redis-url names one) and, with --servers N, N servers on it that
// share one signing secret, so that the one token works on each.
class ScenarioContext
{
public:
    explicit ScenarioContext(const BenchOptions &options);
    ~ScenarioContext();

    // Server 1 is to be the desktop app, with its preferences under `configHome` (as
    // XDG_CONFIG_HOME). Call before begin().
    void setDesktop(const QString &configHome) { m_desktopConfigHome = configHome; }
    bool begin(QString *error);
    // begin() for a scenario: a failure becomes the result's problem; on success the
    // result gets the server's JSON and description rows.
    bool begin(ScenarioResult &result);
    // Spawns one more server on the same Redis, with the same signing secret: one that has
    // seen none of the ticks so far, so that what it replays comes from Redis. Returns its
    // index in urls(), or -1 (with *error).
    int addServer(QString *error);
    // Stops the spawned servers, then the Redis the tool started; returns false (with
    // *error) if one did not exit cleanly.
    bool end(QString *error);

    // Server 1: the one producers publish to.
    QUrl url() const { return m_urls.value(0); }
    // Every server, server 1 first.
    const QList<QUrl> &urls() const { return m_urls; }
    int serverCount() const { return int(m_urls.size()); }
    QByteArray token() const { return m_token; }
    qint64 serverPid() const { return m_pid; }
    // The process of urls()[index] when the tool spawned it, else serverPid().
    qint64 serverPid(int index) const
    {
        return index >= 0 && std::size_t(index) < m_servers.size() ? m_servers[index]->pid()
                                                                   : m_pid;
    }
    // Server 1.
    ProcSample serverSample() const { return ProcStats::sample(m_pid); }
    // Each spawned server, and their sum (-1 figures when one cannot be read).
    QList<ProcSample> serverSamples() const;
    ProcSample serversSample() const;
    // The Redis nodes the tool started, summed; -1 figures otherwise.
    ProcSample redisSample() const { return m_redis ? m_redis->sample() : ProcSample{}; }
    qint64 redisForks() const { return m_redis ? m_redis->forks() : -1; }
    bool hasSpawnedRedis() const { return m_redis && m_redis->isSpawned(); }
    bool hasRedis() const { return m_redis != nullptr; }
    QJsonObject serverJson() const;
    // Rows for the report: the servers and the Redis settings, when there is something
    // beyond one server on a local store.
    void describe(ScenarioResult &result) const;
    QString serverLogTail() const
    {
        return m_servers.empty() ? QString() : m_servers[0]->logTail();
    }

    // Runs the main event loop until done() is true (checked every pollMs) or the timeout
    // passes. Returns done().
    static bool waitUntil(const std::function<bool()> &done, double timeoutSeconds,
                          int pollMs = 20);
    // Runs the main event loop for `seconds`.
    static void sleep(double seconds);

private:
    const BenchOptions &m_options;
    std::unique_ptr<RedisSetup> m_redis;
    std::vector<std::unique_ptr<ServerProcess>> m_servers;
    QList<QUrl> m_urls;
    QByteArray m_token;
    QByteArray m_secret; // secret: never in errors or reports
    QString m_desktopConfigHome;
    qint64 m_pid = 0;
};

} // namespace tickscope::bench
