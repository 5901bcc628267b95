#pragma once

#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>

namespace tickscope::bench {

// A tickscope server the tool starts itself (headless, or the desktop app with its
// embedded server): a fresh data directory, no feed, no handshake limit, any free loopback
// port. The server's output goes to a log file in the
// data directory so that a chatty server can never block on a full pipe.
class ServerProcess
{
public:
    ServerProcess() = default;
    ~ServerProcess();
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    // The default binary: ../app/tickscope relative to the tool's own directory.
    static QString defaultBinary();

    // An environment variable for the server and `tickscope token`: how secrets get to them
    // (TICKSCOPE_JWT_SECRET, a TICKSCOPE_REDIS_URL with a password) without showing up in
    // the process list.
    void setEnvironment(const QString &name, const QString &value) { m_environment[name] = value; }
    // Starts the desktop app (window and embedded server) instead of `--headless`.
    void setDesktop(bool desktop) { m_desktop = desktop; }

    // Starts the server and waits (up to timeoutMs) for its "streaming on" line.
    bool start(const QString &binary, const QString &store, const QStringList &extraArguments,
               int timeoutMs, QString *error);
    // Runs `tickscope token` against the server's data directory.
    QByteArray mintToken(const QString &scope, QString *error) const;
    // SIGTERM, then SIGKILL if it has not exited within timeoutMs. Returns the exit code
    // (-1 when it had to be killed or crashed).
    int stop(int timeoutMs = 15000);

    QUrl url() const { return m_url; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    QString dataDir() const { return m_dir ? m_dir->path() : QString(); }
    QString logTail(int lines = 20) const;

private:
    QProcessEnvironment environment() const;

    QString m_binary;
    QMap<QString, QString> m_environment; // secrets: never in errors or logs
    bool m_desktop = false;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QUrl m_url;
};

} // namespace tickscope::bench
