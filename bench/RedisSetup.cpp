#include "RedisSetup.h"

#include "BenchOptions.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QThread>
#include <QUrl>

namespace tickscope::bench {

namespace {

QString lastLines(const QString &text, int lines)
{
    const QStringList all = text.trimmed().split(u'\n');
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

// redis-cli prints a CONFIG GET reply one value a line: name, value.
QString configValue(const QString &output)
{
    const QStringList lines = output.split(u'\n');
    return lines.size() >= 2 ? lines.at(1).trimmed() : QString();
}

QString infoField(const QString &info, const QString &name)
{
    for (const QString &line : info.split(u'\n')) {
        if (line.startsWith(name + u':'))
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}

} // namespace

RedisSetup::~RedisSetup()
{
    QString ignored;
    stop(&ignored);
}

bool RedisSetup::start(const BenchOptions &options, QString *error)
{
    if (!options.redisUrl.isEmpty()) {
        m_url = options.redisUrl;
        // Only the first node is asked for settings; credentials go to redis-cli through
        // its environment and --user, never on a command line other users can read.
        const QString text = options.redisUrl;
        const QString rest = text.mid(text.indexOf(u"://"_qs) + 3);
        const QUrl first(u"redis://"_qs + rest.section(u',', 0, 0));
        m_cliConnection = {u"-h"_qs, first.host(), u"-p"_qs, QString::number(first.port(6379))};
        const QString db = first.path().mid(1);
        if (!db.isEmpty() && !text.startsWith(u"redis+cluster"))
            m_cliConnection << u"-n"_qs << db;
        if (!first.userName().isEmpty())
            m_cliConnection << u"--user"_qs << first.userName();
        if (!first.password().isEmpty())
            m_cliEnvironment.insert(u"REDISCLI_AUTH"_qs, first.password());
        static const QRegularExpression credentials(u"://[^@/,]*@"_qs);
        m_display = text;
        m_display.replace(credentials, u"://<credentials>@"_qs);
        m_settings = QJsonObject{{u"mode"_qs, u"existing"_qs}, {u"url"_qs, m_display}};
        if (const QString missing = RedisNode::missingTools(false); !missing.isEmpty())
            m_settings.insert(u"settings_error"_qs, missing);
        else
            readSettings();
        return true;
    }

    const QString persistence = options.redisPersistence;
    if (options.redisCluster) {
        if (!startCluster(persistence, error))
            return false;
    } else {
        m_nodes.push_back(std::make_unique<RedisNode>());
        if (!m_nodes.back()->start(persistence, false, error))
            return false;
        m_url = u"redis://%1/0"_qs.arg(m_nodes.back()->address());
    }
    m_display = m_url;
    m_settings =
        QJsonObject{{u"mode"_qs, options.redisCluster ? u"cluster"_qs : u"single"_qs},
                    {u"url"_qs, m_display},
                    {u"nodes"_qs, int(m_nodes.size())},
                    {u"requested_persistence"_qs, persistence},
                    {u"aof_filesystem"_qs,
                     QString::fromUtf8(QStorageInfo(m_nodes.front()->dir()).fileSystemType())}};
    readSettings();
    return true;
}

bool RedisSetup::startCluster(const QString &persistence, QString *error)
{
    QStringList create{u"--cluster"_qs, u"create"_qs};
    QStringList seeds;
    for (int i = 0; i < ClusterMasters; ++i) {
        m_nodes.push_back(std::make_unique<RedisNode>());
        if (!m_nodes.back()->start(persistence, true, error))
            return false;
        create.append(m_nodes.back()->address());
        seeds.append(m_nodes.back()->address());
    }
    create << u"--cluster-replicas"_qs << u"0"_qs << u"--cluster-yes"_qs;
    const RedisCliResult created = RedisNode::runCli(create, 60000);
    if (!created.ok) {
        *error = u"redis-cli --cluster create failed; its last lines:\n%1"_qs.arg(
            lastLines(created.output, 15));
        return false;
    }
    // Every node must report the cluster up and agree on the slot map before a server
    // reads it, or the first writes would bounce between nodes.
    QDeadlineTimer deadline(30000);
    QString lastInfo;
    while (!deadline.hasExpired()) {
        bool ok = true;
        QString map;
        for (const auto &node : m_nodes) {
            const RedisCliResult info = node->cli({u"CLUSTER"_qs, u"INFO"_qs});
            if (!info.output.contains(u"cluster_state:ok"_qs)) {
                lastInfo = u"%1: %2"_qs.arg(node->address(), lastLines(info.output, 3));
                ok = false;
                break;
            }
            const QString slotMap = node->cli({u"CLUSTER"_qs, u"SLOTS"_qs}).output;
            if (map.isEmpty())
                map = slotMap;
            else if (slotMap != map)
                ok = false;
        }
        if (ok) {
            m_url = u"redis+cluster://"_qs + seeds.join(u',');
            return true;
        }
        QThread::msleep(100);
    }
    *error = u"the Redis cluster did not reach cluster_state:ok within 30 s (%1); "
             "redis-cli --cluster create said:\n%2"_qs.arg(lastInfo, lastLines(created.output, 15));
    return false;
}

bool RedisSetup::stop(QString *error)
{
    QStringList problems;
    for (const auto &node : m_nodes) {
        const int code = node->stop();
        if (code != 0)
            problems.append(u"redis-server %1 did not exit cleanly after SIGTERM (code %2):\n%3"_qs
                                .arg(node->address())
                                .arg(code)
                                .arg(node->logTail()));
    }
    m_nodes.clear();
    if (!problems.isEmpty()) {
        *error = problems.join(u'\n');
        return false;
    }
    return true;
}

ProcSample RedisSetup::sample() const
{
    QList<ProcSample> samples;
    for (const auto &node : m_nodes)
        samples.append(ProcStats::sample(node->pid()));
    return ProcStats::sum(samples);
}

qint64 RedisSetup::forks() const
{
    const auto forksOf = [](const RedisCliResult &info) -> qint64 {
        bool ok = false;
        const qint64 forks = infoField(info.output, u"total_forks"_qs).toLongLong(&ok);
        return info.ok && ok ? forks : -1;
    };
    if (m_nodes.empty())
        return forksOf(cli({u"INFO"_qs, u"stats"_qs}));
    qint64 total = 0;
    for (const auto &node : m_nodes) {
        const qint64 forks = forksOf(node->cli({u"INFO"_qs, u"stats"_qs}));
        if (forks < 0)
            return -1;
        total += forks;
    }
    return total;
}

RedisCliResult RedisSetup::cli(const QStringList &arguments) const
{
    if (!m_nodes.empty())
        return m_nodes.front()->cli(arguments);
    return RedisNode::runCli(m_cliConnection + arguments, 10000, m_cliEnvironment);
}

void RedisSetup::readSettings()
{
    const RedisCliResult info = cli({u"INFO"_qs, u"server"_qs});
    if (!info.ok || !info.output.contains(u"redis_version:"_qs)) {
        m_settings.insert(u"settings_error"_qs,
                          u"cannot read INFO from Redis: %1"_qs.arg(lastLines(info.output, 2)));
        return;
    }
    m_settings.insert(u"version"_qs, infoField(info.output, u"redis_version"_qs));
    for (const QString &name : {u"appendonly"_qs, u"appendfsync"_qs, u"save"_qs}) {
        const RedisCliResult value = cli({u"CONFIG"_qs, u"GET"_qs, name});
        if (value.ok && value.output.startsWith(name))
            m_settings.insert(name, configValue(value.output));
        else
            m_settings.insert(name, u"unknown"_qs);
    }
}

QString RedisSetup::description() const
{
    QString where;
    const QString mode = m_settings.value(u"mode"_qs).toString();
    if (mode == u"single")
        where = u"one node started by the tool"_qs;
    else if (mode == u"cluster")
        where = u"cluster of %1 masters started by the tool"_qs.arg(
            m_settings.value(u"nodes"_qs).toInt());
    else
        where = u"existing"_qs;
    QString text = u"%1, %2"_qs.arg(m_display, where);
    if (m_settings.contains(u"settings_error"_qs))
        return text + u"; settings unknown: "_qs +
               m_settings.value(u"settings_error"_qs).toString();
    text += u"; Redis %1, appendonly %2, appendfsync %3, save \"%4\""_qs.arg(
        m_settings.value(u"version"_qs).toString(), m_settings.value(u"appendonly"_qs).toString(),
        m_settings.value(u"appendfsync"_qs).toString(), m_settings.value(u"save"_qs).toString());
    if (m_settings.contains(u"aof_filesystem"_qs))
        text += u", data directory on %1"_qs.arg(m_settings.value(u"aof_filesystem"_qs).toString());
    return text;
}

} // namespace tickscope::bench
