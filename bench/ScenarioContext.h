#pragma once

#include "BenchOptions.h"
#include "ProcStats.h"
#include "ServerProcess.h"

#include <QJsonObject>
#include <functional>
#include <memory>

namespace tickscope::bench {

// What every scenario needs: a server to talk to (spawned fresh, or the one named by
// --url), a token, and the server's resource figures.
class ScenarioContext
{
public:
    explicit ScenarioContext(const BenchOptions &options);
    ~ScenarioContext();

    bool begin(QString *error);
    // Stops a spawned server; returns false (with *error) if it did not exit cleanly.
    bool end(QString *error);

    QUrl url() const { return m_url; }
    QByteArray token() const { return m_token; }
    qint64 serverPid() const { return m_pid; }
    ProcSample serverSample() const { return ProcStats::sample(m_pid); }
    QJsonObject serverJson() const;
    QString serverLogTail() const { return m_server ? m_server->logTail() : QString(); }

    // Runs the main event loop until done() is true (checked every pollMs) or the timeout
    // passes. Returns done().
    static bool waitUntil(const std::function<bool()> &done, double timeoutSeconds,
                          int pollMs = 20);
    // Runs the main event loop for `seconds`.
    static void sleep(double seconds);

private:
    const BenchOptions &m_options;
    std::unique_ptr<ServerProcess> m_server;
    QUrl m_url;
    QByteArray m_token;
    qint64 m_pid = 0;
};

} // namespace tickscope::bench
