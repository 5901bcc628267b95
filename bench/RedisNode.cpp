#include "RedisNode.h"

#include "ChildProcess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QThread>

namespace tickscope::bench {

namespace {

// A port free now on the loopback, and for a cluster node its bus port (+10000) too.
// The range stays below Linux's ephemeral ports, so that a client socket cannot hold it.
quint16 freePort(bool withBus)
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = quint16(QRandomGenerator::global()->bounded(20000, 30000));
        QTcpServer node;
        QTcpServer bus;
        if (!node.listen(QHostAddress::LocalHost, port))
            continue;
        if (withBus && !bus.listen(QHostAddress::LocalHost, quint16(port + 10000)))
            continue;
        return port;
    }
    return 0;
}

QString lastLines(const QString &text, int lines)
{
    const QStringList all = text.trimmed().split(u'\n');
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

} // namespace

const QStringList &RedisNode::persistenceModes()
{
    static const QStringList modes{u"everysec"_qs, u"always"_qs, u"none"_qs};
    return modes;
}

RedisNode::~RedisNode()
{
    stop();
}

QString RedisNode::missingTools(bool needServer)
{
    if (needServer && QStandardPaths::findExecutable(u"redis-server"_qs).isEmpty())
        return u"redis-server is not installed (the tool starts its own Redis for --store "
               "redis): install it with `apt-get install redis-server` (Debian/Ubuntu) or "
               "`brew install redis` (macOS), or pass --redis-url redis://host:port"_qs;
    if (QStandardPaths::findExecutable(u"redis-cli"_qs).isEmpty())
        return u"redis-cli is not installed: install it with `apt-get install redis-tools` "
               "(Debian/Ubuntu) or `brew install redis` (macOS)"_qs;
    return {};
}

bool RedisNode::start(const QString &persistence, bool cluster, QString *error)
{
    if (const QString missing = missingTools(true); !missing.isEmpty()) {
        *error = missing;
        return false;
    }
    m_dir =
        std::make_unique<QTemporaryDir>(QDir::temp().filePath(u"tickscope-bench-redis-XXXXXX"_qs));
    if (!m_dir->isValid()) {
        *error = u"cannot create a temporary directory for Redis: %1"_qs.arg(m_dir->errorString());
        return false;
    }
    // No RDB snapshots: a fork that copies the whole data set mid-run would distort the
    // figures, and the AOF (when on) is the persistence the docs discuss.
    QStringList common{u"--bind"_qs,    u"127.0.0.1"_qs, u"--dir"_qs,       m_dir->path(),
                       u"--save"_qs,    QString(),       u"--daemonize"_qs, u"no"_qs,
                       u"--logfile"_qs, u"redis.log"_qs};
    if (persistence == u"none")
        common << u"--appendonly"_qs << u"no"_qs;
    else
        common << u"--appendonly"_qs << u"yes"_qs << u"--appendfsync"_qs << persistence;
    if (cluster)
        common << u"--cluster-enabled"_qs << u"yes"_qs << u"--cluster-config-file"_qs
               << u"nodes.conf"_qs << u"--cluster-node-timeout"_qs << u"5000"_qs;

    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = freePort(cluster);
        if (m_port == 0) {
            *error = u"no free loopback port for redis-server"_qs;
            return false;
        }
        bool portTaken = false;
        if (startOnce(QStringList{u"--port"_qs, QString::number(m_port)} + common, &portTaken,
                      error))
            return true;
        if (!portTaken)
            return false;
    }
    return false;
}

bool RedisNode::startOnce(const QStringList &arguments, bool *portTaken, QString *error)
{
    QFile::remove(QDir(m_dir->path()).filePath(u"redis.log"_qs));
    m_process = std::make_unique<QProcess>();
    m_process->setWorkingDirectory(m_dir->path());
    m_process->setStandardOutputFile(QDir(m_dir->path()).filePath(u"redis.out"_qs));
    m_process->setStandardErrorFile(QDir(m_dir->path()).filePath(u"redis.out"_qs),
                                    QIODevice::Append);
    m_process->start(u"redis-server"_qs, arguments);
    if (!m_process->waitForStarted(10000)) {
        *error = u"cannot start redis-server: %1"_qs.arg(m_process->errorString());
        return false;
    }
    QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        if (cli({u"PING"_qs}, 2000).output.trimmed() == u"PONG")
            return true;
        if (m_process->state() == QProcess::NotRunning) {
            const QString tail = logTail();
            *portTaken = tail.contains(u"Address already in use"_qs);
            *error = u"redis-server on port %1 exited (code %2):\n%3"_qs.arg(m_port)
                         .arg(m_process->exitCode())
                         .arg(tail);
            m_process.reset();
            return false;
        }
        QThread::msleep(20);
    }
    *error = u"redis-server on port %1 did not answer PING within 20 s:\n%2"_qs.arg(m_port).arg(
        logTail());
    stop(2000);
    return false;
}

int RedisNode::stop(int timeoutMs)
{
    return m_process ? ChildProcess::stop(*m_process, timeoutMs) : 0;
}

QString RedisNode::logTail(int lines) const
{
    if (!m_dir)
        return {};
    QString text;
    for (const QString &name : {u"redis.out"_qs, u"redis.log"_qs}) {
        QFile file(QDir(m_dir->path()).filePath(name));
        if (file.open(QIODevice::ReadOnly))
            text += QString::fromUtf8(file.readAll());
    }
    return lastLines(text, lines);
}

RedisCliResult RedisNode::cli(const QStringList &arguments, int timeoutMs) const
{
    return runCli(QStringList{u"-h"_qs, u"127.0.0.1"_qs, u"-p"_qs, QString::number(m_port)} +
                      arguments,
                  timeoutMs);
}

RedisCliResult RedisNode::runCli(const QStringList &arguments, int timeoutMs,
                                 const QProcessEnvironment &environment)
{
    RedisCliResult result;
    QProcess cli;
    cli.setProcessEnvironment(environment);
    cli.start(u"redis-cli"_qs, arguments);
    if (!cli.waitForStarted(10000)) {
        result.output = u"cannot run redis-cli: %1"_qs.arg(cli.errorString());
        return result;
    }
    if (!cli.waitForFinished(timeoutMs)) {
        cli.kill();
        cli.waitForFinished(5000);
        result.output =
            QString::fromUtf8(cli.readAllStandardOutput() + cli.readAllStandardError()) +
            u"\n(redis-cli timed out after %1 ms)"_qs.arg(timeoutMs);
        return result;
    }
    result.output = QString::fromUtf8(cli.readAllStandardOutput() + cli.readAllStandardError());
    result.ok = cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0;
    return result;
}

} // namespace tickscope::bench
