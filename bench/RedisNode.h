#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace tickscope::bench {

// What redis-cli printed, and whether it ran to a zero exit within its time.
struct RedisCliResult
{
    bool ok = false;
    QString output; // standard output, then standard error
};

// One redis-server the tool starts itself: loopback only, a free port, a temporary
// directory for its AOF and log, no RDB snapshots. Stopped with SIGTERM (Redis then
// fsyncs its AOF and exits 0).
class RedisNode
{
public:
    // How the AOF is written: "none" (no AOF), "everysec" or "always".
    static const QStringList &persistenceModes();

    RedisNode() = default;
    ~RedisNode();
    RedisNode(const RedisNode &) = delete;
    RedisNode &operator=(const RedisNode &) = delete;

    // Non-empty when redis-server or redis-cli cannot be found: the message names the
    // package to install.
    static QString missingTools(bool needServer);

    // Starts the node and waits for it to answer PING. A port that turns out to be taken
    // (another process won the race) is retried with another one.
    bool start(const QString &persistence, bool cluster, QString *error);
    // SIGTERM, then SIGKILL after timeoutMs. Returns the exit code (-1: killed or crashed).
    int stop(int timeoutMs = 15000);

    quint16 port() const { return m_port; }
    QString address() const { return u"127.0.0.1:%1"_qs.arg(m_port); }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    QString dir() const { return m_dir ? m_dir->path() : QString(); }
    QString logTail(int lines = 10) const;

    // redis-cli against this node.
    RedisCliResult cli(const QStringList &arguments, int timeoutMs = 10000) const;
    // redis-cli with the given arguments (connection ones included) and environment.
    static RedisCliResult
    runCli(const QStringList &arguments, int timeoutMs,
           const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

private:
    bool startOnce(const QStringList &arguments, bool *portTaken, QString *error);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

} // namespace tickscope::bench
