#pragma once

#include "redis/RedisConnection.h"
#include "redis/RedisReply.h"
#include "redis/RedisUrl.h"
#include "resilience/Backoff.h"
#include "resilience/CircuitBreaker.h"

#include <QByteArrayView>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace tickscope {

struct RedisRouterOptions
{
    // Timeouts; username, password and db come from the URL.
    RedisConnectionOptions connection;
    BackoffConfig backoff{100, 5000};
    CircuitBreakerConfig breaker{3, 2000, 1};
    // Redirections (MOVED, ASK, TRYAGAIN) followed for one command before giving up.
    int maxRedirects = 16;
    // Monotonic milliseconds; injectable for tests.
    std::function<qint64()> clock;
    Backoff::RandomSource random;
};

// Sends commands to one Redis server or to a Redis Cluster (hiredis has no cluster support):
// the key of each command picks the node by its hash slot (CRC16/XMODEM of the key, or of its
// {hash tag}, mod 16384) from the slot map read with CLUSTER SLOTS. -MOVED updates the map and
// resends to the named node; -ASK sends ASKING and the command to the named node once (a slot
// being migrated); -TRYAGAIN (a multi-key command on a slot half migrated) waits a little and
// resends. The map is re-read after a MOVED or a connection failure.
//
// Resilience, per node: a command that fails on an established connection is retried once on
// a fresh one (Redis restarted meanwhile); failed connects are retried after a jittered
// exponential backoff, and a circuit breaker makes calls fail fast while a node stays down.
// Every command given to execute() must be safe to send twice (the store's scripts are
// idempotent per batch id), because a reply lost with the connection leaves it unknown whether
// Redis ran it.
//
// Blocking and not thread-safe: use it from one thread (the store thread).
class RedisClusterRouter
{
public:
    static constexpr int SlotCount = 16384;

    using Options = RedisRouterOptions;

    struct Command
    {
        QByteArray key; // routes the command; empty: any node
        QByteArrayList args;
        QByteArrayList fallback; // sent instead after a NOSCRIPT reply (EVAL for an EVALSHA)
    };

    struct Result
    {
        RedisReply reply; // the final reply; may be a Redis error reply
        QString error;    // no reply: unavailable, connection lost, too many redirections

        bool ok() const { return reply && !reply.isError(); }
        // The failure, from either source; empty when ok().
        QString message() const;
    };

    explicit RedisClusterRouter(RedisUrl url, Options options = {});
    ~RedisClusterRouter();
    RedisClusterRouter(const RedisClusterRouter &) = delete;
    RedisClusterRouter &operator=(const RedisClusterRouter &) = delete;

    // The Redis Cluster key slot of `key` (honouring a non-empty {hash tag}).
    static quint16 keySlot(QByteArrayView key);
    static quint16 crc16(QByteArrayView data);

    const RedisUrl &url() const { return m_url; }
    // True for a cluster URL, and after a standalone URL turned out to name a cluster node.
    bool isCluster() const { return m_cluster; }

    // Connects to the first reachable node; for a cluster, loads the slot map.
    bool connect(QString *error);
    void disconnect();

    // Runs the commands and returns one result per command, in order. The commands of one node
    // go in one pipelined round trip; every node is written before any is read.
    std::vector<Result> execute(const QList<Command> &commands);
    Result execute(const Command &command);

    // Sends a read-only command now and keeps its reply for takePrefetched(): a replay asks
    // for the next page before it parses the current one, so Redis prepares the next page
    // meanwhile. Only on a connection that is up; anything sent later reads the reply first.
    // Advisory: on any failure the command is dropped, and the caller runs it itself.
    void prefetch(const Command &command);
    // The reply of a command given to prefetch() with the same key and arguments, when it
    // came back and is not an error (a redirection, say); else nothing (run it with execute).
    std::optional<Result> takePrefetched(const Command &command);
    static constexpr size_t MaxPrefetches = 4;

    // Re-reads the slot map (cluster only).
    bool refreshSlots(QString *error);

    // True while every node in use answered its last call.
    bool isUp() const;
    // While a node is unavailable: milliseconds until it may be tried again; else 0.
    qint64 retryAfterMs() const;
    // "host:port" of the master that serves `slot` ("" when unknown or not a cluster).
    QString nodeForSlot(int slot) const;

    // Counters, for tests and logs.
    struct Stats
    {
        qint64 moved = 0;
        qint64 ask = 0;
        qint64 tryAgain = 0;
        qint64 reconnects = 0;
        qint64 slotRefreshes = 0;
    };
    const Stats &stats() const { return m_stats; }

private:
    struct Node;
    struct Job;
    struct Prefetch;

    qint64 nowMs() const;
    Node *node(const RedisNodeAddress &address);
    Node *nodeByKey(const QByteArray &hostPort);
    Node *route(const QByteArray &key, QString *error);
    bool ensureConnected(Node *node, QString *error);
    void noteFailure(Node *node, const QString &error, bool wasConnected);
    void noteSuccess(Node *node);
    // Reads the replies of the commands prefetched on `node`: they come before any other.
    void drainPrefetches(Node *node);

    RedisUrl m_url;
    Options m_options;
    bool m_cluster = false;
    std::map<QString, std::unique_ptr<Node>> m_nodes;
    std::vector<Node *> m_slots;        // cluster only: the master of each slot
    std::vector<Prefetch> m_prefetches; // in the order sent
    Stats m_stats;
};

} // namespace tickscope
