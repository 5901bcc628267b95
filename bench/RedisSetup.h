#pragma once

#include "ProcStats.h"
#include "RedisNode.h"

#include <QJsonObject>
#include <QProcessEnvironment>
#include <memory>
#include <vector>

namespace tickscope::bench {

struct BenchOptions;

// The Redis that the servers of one scenario share: one node or a cluster of three
// masters that the tool starts (fresh, empty), or an existing one named by --redis-url.
// Its settings are read back from Redis itself, so that a report shows what was in
// force, not what was asked for.
class RedisSetup
{
public:
    static constexpr int ClusterMasters = 3;

    RedisSetup() = default;
    ~RedisSetup();
    RedisSetup(const RedisSetup &) = delete;
    RedisSetup &operator=(const RedisSetup &) = delete;

    bool start(const BenchOptions &options, QString *error);
    // Stops the nodes the tool started; false (with *error) if one did not exit cleanly.
    bool stop(QString *error);

    // What the servers get as --redis-url (may hold a password: never print it).
    QString serverUrl() const { return m_url; }
    bool isSpawned() const { return !m_nodes.empty(); }
    // CPU and RSS summed over the nodes the tool started; -1 figures for an existing Redis.
    ProcSample sample() const;
    // Forks so far (`total_forks`, summed over the nodes the tool started): each is an AOF
    // rewrite or a snapshot, whose child competes for the cores. -1 if Redis did not say.
    qint64 forks() const;
    // The settings in force, as read from Redis (JSON and one line for people).
    QJsonObject json() const { return m_settings; }
    QString description() const;

private:
    bool startCluster(const QString &persistence, QString *error);
    void readSettings();
    RedisCliResult cli(const QStringList &arguments) const;

    std::vector<std::unique_ptr<RedisNode>> m_nodes;
    QString m_url;
    QString m_display; // the URL without credentials
    // For an existing Redis: how redis-cli reaches its first node.
    QStringList m_cliConnection;
    QProcessEnvironment m_cliEnvironment = QProcessEnvironment::systemEnvironment();
    QJsonObject m_settings;
};

} // namespace tickscope::bench
