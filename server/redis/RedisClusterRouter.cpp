#include "RedisClusterRouter.h"

#include <QThread>
#include <algorithm>
#include <array>
#include <chrono>

namespace tickscope {

namespace {

constexpr std::array<quint16, 256> makeCrcTable()
{
    std::array<quint16, 256> table{};
    for (int i = 0; i < 256; ++i) {
        quint16 crc = quint16(i << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
        table[size_t(i)] = crc;
    }
    return table;
}

constexpr std::array<quint16, 256> CrcTable = makeCrcTable();

bool startsWith(const QByteArray &text, const char *prefix)
{
    return text.startsWith(prefix);
}

} // namespace

struct RedisClusterRouter::Node
{
    Node(const RedisNodeAddress &a, const Options &options)
        : address(a), connection(a, options.connection), breaker(options.breaker),
          backoff(options.backoff, options.random)
    {}

    RedisNodeAddress address;
    RedisConnection connection;
    CircuitBreaker breaker;
    Backoff backoff;
    qint64 nextAttemptMs = 0;
    bool up = true;
    QString lastError;
};

struct RedisClusterRouter::Job
{
    int index = 0;
    Node *node = nullptr;
    bool asking = false;
    bool fallback = false;
    int redirects = 0;
    int transportRetries = 0;
    bool reroute = false; // lost its connection: goes to the slot's master after a refresh
};

struct RedisClusterRouter::Prefetch
{
    Node *node = nullptr;
    quint64 serial = 0; // of the node's connection it was sent on
    QByteArray key;
    QByteArrayList args;
    bool read = false;
    RedisReply reply; // null: lost with its connection
};

QString RedisClusterRouter::Result::message() const
{
    if (!error.isEmpty())
        return error;
    if (reply.isError())
        return reply.errorText();
    return {};
}

quint16 RedisClusterRouter::crc16(QByteArrayView data)
{
    quint16 crc = 0;
    for (const char c : data)
        crc = quint16((crc << 8) ^ CrcTable[((crc >> 8) ^ quint8(c)) & 0xff]);
    return crc;
}

quint16 RedisClusterRouter::keySlot(QByteArrayView key)
{
    // Only the part between the first '{' and the next '}' counts, if it is not empty.
    const qsizetype open = key.indexOf('{');
    if (open >= 0) {
        const qsizetype close = key.sliced(open + 1).indexOf('}');
        if (close > 0)
            key = key.sliced(open + 1, close);
    }
    return crc16(key) & (SlotCount - 1);
}

RedisClusterRouter::RedisClusterRouter(RedisUrl url, Options options)
    : m_url(std::move(url)), m_options(std::move(options)), m_cluster(m_url.cluster)
{
    m_options.connection.username = m_url.username;
    m_options.connection.password = m_url.password;
    m_options.connection.db = m_url.db;
    m_options.maxRedirects = std::max(1, m_options.maxRedirects);
    for (const RedisNodeAddress &address : m_url.nodes)
        node(address);
}

RedisClusterRouter::~RedisClusterRouter() = default;

qint64 RedisClusterRouter::nowMs() const
{
    if (m_options.clock)
        return m_options.clock();
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

RedisClusterRouter::Node *RedisClusterRouter::node(const RedisNodeAddress &address)
{
    auto &slot = m_nodes[address.key()];
    if (!slot)
        slot = std::make_unique<Node>(address, m_options);
    return slot.get();
}

RedisClusterRouter::Node *RedisClusterRouter::nodeByKey(const QByteArray &hostPort)
{
    const qsizetype colon = hostPort.lastIndexOf(':');
    if (colon <= 0)
        return nullptr;
    QString host = QString::fromUtf8(hostPort.left(colon));
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = hostPort.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return nullptr;
    return node(RedisNodeAddress{host, quint16(port)});
}

bool RedisClusterRouter::connect(QString *error)
{
    QString lastError;
    if (m_cluster)
        return refreshSlots(error);
    // A single server: the first (only) node.
    Node *single = node(m_url.nodes.value(0));
    if (!ensureConnected(single, &lastError)) {
        if (error)
            *error = lastError;
        return false;
    }
    return true;
}

void RedisClusterRouter::disconnect()
{
    m_prefetches.clear();
    for (auto &[key, n] : m_nodes)
        n->connection.disconnect();
}

void RedisClusterRouter::prefetch(const Command &command)
{
    if (m_prefetches.size() >= MaxPrefetches) {
        drainPrefetches(m_prefetches.front().node);
        m_prefetches.erase(m_prefetches.begin());
    }
    QString error;
    Node *n = route(command.key, &error);
    if (!n || !n->connection.isConnected())
        return;
    n->connection.append(command.args);
    if (!n->connection.flush(&error)) {
        noteFailure(n, error, true);
        return;
    }
    m_prefetches.push_back({n, n->connection.serial(), command.key, command.args, false, {}});
}

std::optional<RedisClusterRouter::Result> RedisClusterRouter::takePrefetched(const Command &command)
{
    const auto it = std::find_if(m_prefetches.begin(), m_prefetches.end(), [&](const Prefetch &p) {
        return p.key == command.key && p.args == command.args;
    });
    if (it == m_prefetches.end())
        return std::nullopt;
    const auto index = it - m_prefetches.begin();
    drainPrefetches(it->node);
    Prefetch &prefetched = m_prefetches[size_t(index)];
    std::optional<Result> result;
    if (prefetched.reply && !prefetched.reply.isError())
        result = Result{std::move(prefetched.reply), {}};
    m_prefetches.erase(m_prefetches.begin() + index);
    return result;
}

void RedisClusterRouter::drainPrefetches(Node *n)
{
    for (Prefetch &p : m_prefetches) {
        if (p.node != n || p.read)
            continue;
        p.read = true;
        if (!n->connection.isConnected() || n->connection.serial() != p.serial)
            continue; // its connection is gone, and its reply with it
        QString error;
        p.reply = n->connection.read(&error);
        if (!p.reply)
            noteFailure(n, error, true);
    }
}

void RedisClusterRouter::noteFailure(Node *n, const QString &error, bool wasConnected)
{
    const qint64 now = nowMs();
    n->connection.disconnect();
    n->up = false;
    n->lastError = error;
    n->breaker.recordFailure(now);
    // A connection that broke may just be stale (Redis restarted): reconnect at once. A failed
    // connect waits for the backoff.
    n->nextAttemptMs = wasConnected ? now : now + n->backoff.nextDelayMs();
}

void RedisClusterRouter::noteSuccess(Node *n)
{
    if (!n->up || n->breaker.state(nowMs()) != CircuitBreaker::State::Closed ||
        n->breaker.consecutiveFailures() > 0) {
        n->breaker.recordSuccess(nowMs());
        n->backoff.reset();
    }
    n->up = true;
    n->lastError.clear();
}

bool RedisClusterRouter::ensureConnected(Node *n, QString *error)
{
    if (n->connection.isConnected())
        return true;
    const qint64 now = nowMs();
    const qint64 wait = std::max(n->breaker.retryAfterMs(now), n->nextAttemptMs - now);
    if (wait > 0 || !n->breaker.allowRequest(now)) {
        if (error) {
            *error = u"redis unavailable (%1), retry in %2 ms"_qs
                         .arg(n->lastError.isEmpty() ? n->address.key() : n->lastError)
                         .arg(std::max<qint64>(1, wait));
        }
        return false;
    }
    QString reason;
    if (!n->connection.connect(&reason)) {
        noteFailure(n, reason, false);
        if (error) {
            *error = u"redis unavailable (%1), retry in %2 ms"_qs.arg(reason).arg(
                std::max<qint64>(1, n->nextAttemptMs - nowMs()));
        }
        return false;
    }
    ++m_stats.reconnects;
    noteSuccess(n);
    return true;
}

RedisClusterRouter::Node *RedisClusterRouter::route(const QByteArray &key, QString *error)
{
    if (!m_cluster || key.isEmpty()) {
        if (!m_cluster)
            return node(m_url.nodes.value(0));
        // Any node: prefer one that is connected.
        for (auto &[k, n] : m_nodes) {
            if (n->connection.isConnected())
                return n.get();
        }
        return m_nodes.empty() ? nullptr : m_nodes.begin()->second.get();
    }
    const quint16 slot = keySlot(key);
    if (m_slots.empty() || !m_slots[slot])
        refreshSlots(nullptr);
    Node *n = m_slots.empty() ? nullptr : m_slots[slot];
    if (!n && error)
        *error = u"redis cluster: no node serves slot %1 (cluster down?)"_qs.arg(slot);
    return n;
}

bool RedisClusterRouter::refreshSlots(QString *error)
{
    ++m_stats.slotRefreshes;
    // Nodes that answered last time first, then the rest (the seeds among them).
    std::vector<Node *> candidates;
    for (auto &[key, n] : m_nodes)
        candidates.push_back(n.get());
    const auto rank = [](const Node *n) {
        return (n->connection.isConnected() ? 2 : 0) + (n->up ? 1 : 0);
    };
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](const Node *a, const Node *b) { return rank(a) > rank(b); });
    QStringList failures;
    for (Node *n : candidates) {
        QString reason;
        drainPrefetches(n);
        if (!ensureConnected(n, &reason)) {
            failures.append(reason);
            continue;
        }
        const RedisReply reply = n->connection.command(
            {QByteArrayLiteral("CLUSTER"), QByteArrayLiteral("SLOTS")}, &reason);
        if (!reply) {
            noteFailure(n, reason, true);
            failures.append(reason);
            continue;
        }
        noteSuccess(n);
        if (reply.isError()) {
            // "ERR This instance has cluster support disabled": a plain server.
            if (reply.bytes().contains("cluster support disabled") && m_nodes.size() == 1) {
                m_cluster = false;
                m_slots.clear();
                return true;
            }
            failures.append(u"%1: %2"_qs.arg(n->address.key(), reply.errorText()));
            continue;
        }
        std::vector<Node *> owners(SlotCount, nullptr);
        for (qsizetype i = 0; i < RedisReply::size(reply.get()); ++i) {
            const redisReply *range = RedisReply::element(reply.get(), i);
            qint64 start = 0;
            qint64 end = 0;
            const redisReply *master = RedisReply::element(range, 2);
            qint64 port = 0;
            if (!RedisReply::toInt64(RedisReply::element(range, 0), &start) ||
                !RedisReply::toInt64(RedisReply::element(range, 1), &end) ||
                !RedisReply::toInt64(RedisReply::element(master, 1), &port) || start < 0 ||
                end >= SlotCount || start > end || port <= 0 || port > 65535) {
                continue;
            }
            QString host = QString::fromUtf8(RedisReply::bytes(RedisReply::element(master, 0)));
            if (host.isEmpty() || host == u"?")
                host = n->address.host; // a node that does not know its own address
            Node *owner = node(RedisNodeAddress{host, quint16(port)});
            std::fill(owners.begin() + start, owners.begin() + end + 1, owner);
        }
        m_slots = std::move(owners);
        m_cluster = true;
        return true;
    }
    if (error) {
        *error = u"redis cluster %1: no node gave its slot map (%2)"_qs.arg(
            m_url.display(), failures.join(u"; "_qs));
    }
    return false;
}

RedisClusterRouter::Result RedisClusterRouter::execute(const Command &command)
{
    std::vector<Result> results = execute(QList<Command>{command});
    return std::move(results.front());
}

std::vector<RedisClusterRouter::Result> RedisClusterRouter::execute(const QList<Command> &commands)
{
    std::vector<Result> results(size_t(commands.size()));
    std::vector<Job> pending;
    pending.reserve(size_t(commands.size()));
    for (int i = 0; i < commands.size(); ++i) {
        Job job;
        job.index = i;
        QString error;
        job.node = route(commands.at(i).key, &error);
        if (!job.node)
            results[size_t(i)].error = error;
        else
            pending.push_back(job);
    }

    while (!pending.empty()) {
        // Group by node, keeping the order of the commands within each node.
        std::vector<std::pair<Node *, std::vector<Job>>> groups;
        for (const Job &job : pending) {
            auto it = std::find_if(groups.begin(), groups.end(),
                                   [&](const auto &g) { return g.first == job.node; });
            if (it == groups.end()) {
                groups.emplace_back(job.node, std::vector<Job>{});
                it = groups.end() - 1;
            }
            it->second.push_back(job);
        }
        pending.clear();
        bool refresh = false;
        bool pause = false;

        auto retryOrFail = [&](Job job, const QString &error) {
            if (job.transportRetries < 1) {
                ++job.transportRetries;
                job.reroute = !job.asking;
                pending.push_back(job);
            } else {
                results[size_t(job.index)].error = error;
            }
        };

        // Write every node's pipeline before reading any, so the nodes work in parallel.
        std::vector<bool> sent(groups.size(), false);
        for (size_t g = 0; g < groups.size(); ++g) {
            Node *n = groups[g].first;
            QString error;
            drainPrefetches(n);
            if (!ensureConnected(n, &error)) {
                for (const Job &job : groups[g].second)
                    results[size_t(job.index)].error = error;
                refresh = refresh || m_cluster;
                continue;
            }
            for (const Job &job : groups[g].second) {
                const Command &command = commands.at(job.index);
                if (job.asking)
                    n->connection.append({QByteArrayLiteral("ASKING")});
                n->connection.append(job.fallback ? command.fallback : command.args);
            }
            if (!n->connection.flush(&error)) {
                noteFailure(n, error, true);
                for (const Job &job : groups[g].second)
                    retryOrFail(job, error);
                refresh = refresh || m_cluster;
                continue;
            }
            sent[g] = true;
        }

        for (size_t g = 0; g < groups.size(); ++g) {
            if (!sent[g])
                continue;
            Node *n = groups[g].first;
            const std::vector<Job> &jobs = groups[g].second;
            bool broken = false;
            QString brokenError;
            for (const Job &job : jobs) {
                if (broken) {
                    retryOrFail(job, brokenError);
                    continue;
                }
                if (job.asking) {
                    // The reply to ASKING is +OK; an error here shows in the command's reply.
                    if (!n->connection.read(&brokenError)) {
                        broken = true;
                        noteFailure(n, brokenError, true);
                        retryOrFail(job, brokenError);
                        continue;
                    }
                }
                RedisReply reply = n->connection.read(&brokenError);
                if (!reply) {
                    broken = true;
                    noteFailure(n, brokenError, true);
                    retryOrFail(job, brokenError);
                    continue;
                }
                if (!reply.isError()) {
                    results[size_t(job.index)].reply = std::move(reply);
                    continue;
                }
                const QByteArray text = reply.bytes();
                Job next = job;
                ++next.redirects;
                const bool canRedirect = next.redirects <= m_options.maxRedirects;
                if (startsWith(text, "MOVED ") || startsWith(text, "ASK ")) {
                    const QList<QByteArray> parts = text.split(' ');
                    Node *target = parts.size() >= 3 ? nodeByKey(parts.at(2)) : nullptr;
                    if (!target || !canRedirect) {
                        results[size_t(job.index)].reply = std::move(reply);
                        continue;
                    }
                    next.node = target;
                    next.asking = startsWith(text, "ASK ");
                    if (next.asking) {
                        ++m_stats.ask;
                    } else {
                        ++m_stats.moved;
                        const int slot = parts.at(1).toInt();
                        if (!m_cluster) {
                            m_cluster = true; // a standalone URL that names a cluster node
                            refresh = true;
                        }
                        if (m_slots.size() == size_t(SlotCount) && slot >= 0 && slot < SlotCount)
                            m_slots[size_t(slot)] = target;
                        refresh = true;
                    }
                    pending.push_back(next);
                } else if (startsWith(text, "NOSCRIPT") && !job.fallback &&
                           !commands.at(job.index).fallback.isEmpty()) {
                    next.fallback = true;
                    next.redirects = job.redirects; // not a redirection
                    pending.push_back(next);
                } else if ((startsWith(text, "TRYAGAIN") || startsWith(text, "CLUSTERDOWN") ||
                            startsWith(text, "LOADING")) &&
                           canRedirect) {
                    ++m_stats.tryAgain;
                    pause = true;
                    refresh = refresh || startsWith(text, "CLUSTERDOWN");
                    pending.push_back(next);
                } else {
                    results[size_t(job.index)].reply = std::move(reply);
                }
            }
            if (!broken)
                noteSuccess(n);
        }

        if (refresh && m_cluster) {
            refreshSlots(nullptr);
            // Jobs that lost their connection go to the slot's (possibly new) master.
            for (Job &job : pending) {
                if (job.reroute && !commands.at(job.index).key.isEmpty()) {
                    QString error;
                    if (Node *n = route(commands.at(job.index).key, &error))
                        job.node = n;
                }
                job.reroute = false;
            }
        }
        if (pause && !pending.empty())
            QThread::msleep(20); // a slot mid-migration: its keys move within milliseconds
    }
    return results;
}

bool RedisClusterRouter::isUp() const
{
    if (m_nodes.empty())
        return false;
    return std::all_of(m_nodes.begin(), m_nodes.end(),
                       [](const auto &entry) { return entry.second->up; });
}

qint64 RedisClusterRouter::retryAfterMs() const
{
    const qint64 now = nowMs();
    qint64 wait = 0;
    for (const auto &[key, n] : m_nodes) {
        if (!n->up) {
            wait = std::max(wait, std::max(n->breaker.retryAfterMs(now), n->nextAttemptMs - now));
        }
    }
    return wait;
}

QString RedisClusterRouter::nodeForSlot(int slot) const
{
    if (!m_cluster || slot < 0 || slot >= SlotCount || m_slots.empty() || !m_slots[size_t(slot)])
        return {};
    return m_slots[size_t(slot)]->address.key();
}

} // namespace tickscope
