#pragma once

#include "HttpClient.h"

#include <QHash>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>
#include <optional>

namespace tickscope::test {

// The output and exit code of one run of the tickscope binary.
struct CliResult
{
    int exitCode = -1; // -1: did not finish or crashed
    QByteArray out;
    QByteArray err;
};

// The real `tickscope --headless` binary (TICKSCOPE_BINARY) as a child process on
// 127.0.0.1 and a free port (it is started with --listen 127.0.0.1:0 and the port is read
// from its banner), with a data directory of its own or a given one (to restart on the
// same data). Every call is synchronous.
class ServerProcess
{
public:
    ServerProcess();
    ~ServerProcess(); // kills a server still running

    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    static QString binary();

    // Extra environment for the server and the `token` command (e.g. TICKSCOPE_JWT_SECRET).
    void setEnvironment(const QString &name, const QString &value);

    // Starts the server with `--headless --listen 127.0.0.1:0 --feed none --data-dir DIR`
    // plus `args` (later flags win) and waits until /readyz answers 200. `dataDir` empty:
    // the previous data dir, or a fresh temporary one. False with error() on failure.
    bool start(const QStringList &args = {}, const QString &dataDir = {}, int timeoutMs = 30000);
    // Starts again with the same arguments and data dir (after terminate/kill).
    bool restart(int timeoutMs = 30000);
    QString error() const { return m_error; }

    bool isRunning() const;
    qint64 pid() const;
    quint16 port() const { return m_port; }
    QUrl url() const; // ws://127.0.0.1:PORT/v1/stream
    QString dataDir() const { return m_dataDir; }
    QStringList arguments() const { return m_args; }

    HttpReply httpGet(const QByteArray &target, const HttpHeaders &headers = {},
                      int timeoutMs = 30000) const;
    HttpReply httpSend(const QByteArray &request, int timeoutMs = 30000) const;

    // `tickscope token --data-dir DIR --sub SUB --scope SCOPES --ttl TTL [--symbols ..]
    // [--tier ..]`; empty on failure (with error()).
    QString mintToken(const QString &sub, const QString &scopes = u"read"_qs,
                      const QString &ttl = u"1h"_qs, const QStringList &symbols = {},
                      const QString &tier = {});
    // Any `tickscope` command line with this server's environment.
    CliResult runCli(const QStringList &args, int timeoutMs = 30000) const;

    // SIGTERM; then waitForExit() gives the exit code.
    void terminate();
    // SIGKILL, and waits until the process is gone.
    void kill();
    // The exit code, or -1 when it did not exit normally in time (crash or timeout).
    int waitForExit(int timeoutMs = 30000);
    QProcess::ExitStatus exitStatus() const;

    QByteArray stdoutText() const;
    QByteArray stderrText() const;

    // Resident set size from /proc/<pid>/status (VmRSS), in bytes; -1 when unknown.
    qint64 rssBytes() const;

    // One sample of /metrics/system: name is the full series, e.g.
    // `tickscope_handshakes_total{result="accepted"}`; nullopt when absent.
    std::optional<double> metric(const QString &series) const;
    // The same from a page already read (any /metrics text).
    static std::optional<double> metricIn(const QByteArray &text, const QString &series);
    QByteArray metricsText() const;

private:
    void collectOutput();
    QProcessEnvironment environment() const;

    std::unique_ptr<QTemporaryDir> m_tempDir;
    std::unique_ptr<QProcess> m_process;
    QString m_dataDir;
    QStringList m_args;
    QHash<QString, QString> m_env;
    quint16 m_port = 0;
    QByteArray m_out;
    QByteArray m_err;
    QString m_error;
};

} // namespace tickscope::test
