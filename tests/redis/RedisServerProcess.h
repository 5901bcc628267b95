#pragma once

// Test fixtures: real redis-server processes on free loopback ports, each in a temporary
// directory. No Q_OBJECT here (moc and raw strings do not mix).

#include <QDeadlineTimer>
#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <memory>
#include <vector>

namespace tickscope::test {

// Whether redis-server and redis-cli are installed (tests skip without them).
inline bool haveRedis()
{
    return !QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty() &&
           !QStandardPaths::findExecutable(QStringLiteral("redis-cli")).isEmpty();
}

// A port that is free now, and, for a cluster node, port + 10000 (its cluster bus) too.
inline quint16 freePort(bool withBus)
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        const quint16 port = quint16(QRandomGenerator::global()->bounded(20000, 30000));
        QTcpServer a;
        QTcpServer b;
        if (!a.listen(QHostAddress::LocalHost, port))
            continue;
        if (withBus && !b.listen(QHostAddress::LocalHost, quint16(port + 10000)))
            continue;
        return port;
    }
    return 0;
}

struct RedisServerOptions
{
    bool appendOnly = false; // appendonly yes + appendfsync always
    bool cluster = false;
};

class RedisServerProcess
{
public:
    using Options = RedisServerOptions;

    explicit RedisServerProcess(Options options = {}) : m_options(options) {}
    ~RedisServerProcess() { kill(); }
    RedisServerProcess(const RedisServerProcess &) = delete;
    RedisServerProcess &operator=(const RedisServerProcess &) = delete;

    quint16 port() const { return m_port; }
    QString dir() const { return m_dir.path(); }
    QString url() const { return QStringLiteral("redis://127.0.0.1:%1/0").arg(m_port); }
    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }
    bool isRunning() const { return m_process && m_process->state() != QProcess::NotRunning; }

    // The first start picks the port; later starts reuse it and the directory (a restart).
    bool start(QString *error)
    {
        if (!m_dir.isValid())
            return fail(error, QStringLiteral("no temporary directory"));
        if (m_port == 0)
            m_port = freePort(m_options.cluster);
        if (m_port == 0)
            return fail(error, QStringLiteral("no free port"));
        QStringList args{QStringLiteral("--port"),
                         QString::number(m_port),
                         QStringLiteral("--bind"),
                         QStringLiteral("127.0.0.1"),
                         QStringLiteral("--dir"),
                         m_dir.path(),
                         QStringLiteral("--save"),
                         QString(),
                         QStringLiteral("--daemonize"),
                         QStringLiteral("no"),
                         QStringLiteral("--protected-mode"),
                         QStringLiteral("no"),
                         QStringLiteral("--logfile"),
                         QDir(m_dir.path()).filePath(QStringLiteral("redis.log"))};
        if (m_options.appendOnly) {
            args << QStringLiteral("--appendonly") << QStringLiteral("yes")
                 << QStringLiteral("--appendfsync") << QStringLiteral("always");
        }
        if (m_options.cluster) {
            args << QStringLiteral("--cluster-enabled") << QStringLiteral("yes")
                 << QStringLiteral("--cluster-config-file") << QStringLiteral("nodes.conf")
                 << QStringLiteral("--cluster-node-timeout") << QStringLiteral("3000")
                 << QStringLiteral("--cluster-require-full-coverage") << QStringLiteral("no");
        }
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process->start(QStringLiteral("redis-server"), args);
        if (!m_process->waitForStarted(10'000))
            return fail(error,
                        QStringLiteral("redis-server did not start: ") + m_process->errorString());
        QDeadlineTimer deadline(20'000);
        while (!deadline.hasExpired()) {
            if (cli({QStringLiteral("PING")}).trimmed() == QStringLiteral("PONG"))
                return true;
            if (!isRunning())
                return fail(error, QStringLiteral("redis-server exited; see ") +
                                       QDir(m_dir.path()).filePath(QStringLiteral("redis.log")));
            QThread::msleep(20);
        }
        return fail(error, QStringLiteral("redis-server on port %1 did not answer").arg(m_port));
    }

    // A crash: SIGKILL, no chance to write anything more.
    void kill()
    {
        if (!m_process)
            return;
        m_process->kill();
        m_process->waitForFinished(10'000);
        m_process.reset();
    }

    // redis-cli against this server; returns its standard output.
    QString cli(const QStringList &args, int timeoutMs = 20'000) const
    {
        QProcess cli;
        cli.start(QStringLiteral("redis-cli"),
                  QStringList{QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
                              QStringLiteral("-p"), QString::number(m_port)} +
                      args);
        if (!cli.waitForFinished(timeoutMs)) {
            cli.kill();
            cli.waitForFinished();
            return {};
        }
        return QString::fromUtf8(cli.readAllStandardOutput());
    }

private:
    static bool fail(QString *error, const QString &message)
    {
        if (error)
            *error = message;
        return false;
    }

    Options m_options;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_process;
};

// A Redis Cluster of three masters without replicas.
class RedisClusterProcess
{
public:
    static constexpr int Masters = 3;

    RedisClusterProcess()
    {
        for (int i = 0; i < Masters; ++i)
            m_nodes.push_back(
                std::make_unique<RedisServerProcess>(RedisServerProcess::Options{false, true}));
    }

    RedisServerProcess &node(int i) { return *m_nodes.at(size_t(i)); }

    // redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3
    QString url() const
    {
        QStringList hosts;
        for (const auto &node : m_nodes)
            hosts.append(node->address());
        return QStringLiteral("redis+cluster://") + hosts.join(QLatin1Char(','));
    }

    bool start(QString *error)
    {
        QStringList args{QStringLiteral("--cluster"), QStringLiteral("create")};
        for (auto &node : m_nodes) {
            if (!node->start(error))
                return false;
            args.append(node->address());
        }
        args << QStringLiteral("--cluster-replicas") << QStringLiteral("0")
             << QStringLiteral("--cluster-yes");
        QProcess create;
        create.start(QStringLiteral("redis-cli"), args);
        if (!create.waitForFinished(60'000) || create.exitCode() != 0) {
            if (error) {
                *error = QStringLiteral("redis-cli --cluster create failed: ") +
                         QString::fromUtf8(create.readAllStandardOutput().right(500));
            }
            return false;
        }
        return waitForOk(error);
    }

    // Until every node says cluster_state:ok and all agree on the owner of every slot.
    bool waitForOk(QString *error, int timeoutMs = 30'000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            bool ok = true;
            QString map;
            for (auto &node : m_nodes) {
                if (!node->cli({QStringLiteral("CLUSTER"), QStringLiteral("INFO")})
                         .contains(QStringLiteral("cluster_state:ok"))) {
                    ok = false;
                    break;
                }
                const QString mine =
                    node->cli({QStringLiteral("CLUSTER"), QStringLiteral("SLOTS")});
                if (map.isEmpty())
                    map = mine;
                else if (mine != map)
                    ok = false;
            }
            if (ok)
                return true;
            QThread::msleep(100);
        }
        if (error)
            *error = QStringLiteral("the cluster did not reach cluster_state:ok");
        return false;
    }

    // The index of the node that owns `slot`, or -1.
    int ownerOf(int slot)
    {
        // redis-cli prints CLUSTER SLOTS flat, one value a line: start, end, host, port, id, ...
        const QStringList lines = node(0)
                                      .cli({QStringLiteral("CLUSTER"), QStringLiteral("SLOTS")})
                                      .split(QLatin1Char('\n'));
        for (int i = 0; i + 3 < lines.size(); ++i) {
            bool a = false;
            bool b = false;
            const int start = lines.at(i).trimmed().toInt(&a);
            const int end = lines.at(i + 1).trimmed().toInt(&b);
            if (!a || !b || lines.at(i + 2).trimmed() != QStringLiteral("127.0.0.1"))
                continue;
            const int port = lines.at(i + 3).trimmed().toInt();
            if (slot >= start && slot <= end) {
                for (int n = 0; n < Masters; ++n) {
                    if (node(n).port() == port)
                        return n;
                }
            }
        }
        return -1;
    }

    QString nodeId(int i)
    {
        return node(i).cli({QStringLiteral("CLUSTER"), QStringLiteral("MYID")}).trimmed();
    }

private:
    std::vector<std::unique_ptr<RedisServerProcess>> m_nodes;
};

} // namespace tickscope::test
