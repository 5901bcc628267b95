#pragma once

#include "redis/RedisKeys.h"
#include "redis/RedisUrl.h"
#include "resilience/RetryLoop.h"

#include <QObject>

struct redisAsyncContext;

namespace tickscope {

struct RedisNotifierOptions
{
    QString keyPrefix = RedisKeys::defaultPrefix();
    RetryLoopConfig retry{{100, 5000}, {5, 5000, 1}, 3000, 0};
};

// Tells a server that another server stored ticks: every append publishes "first last writer"
// on the symbol's channel <prefix>:{SYMBOL}:notify (RedisTickStore), and this class, in the Qt
// event loop of the thread that owns it, listens with one PSUBSCRIBE <prefix>:{*}:notify over
// hiredis's asynchronous API and emits ticksAvailable().
//
// On a Redis Cluster, classic PUBLISH is broadcast to every node over the cluster bus, so one
// subscription to any node hears every symbol; the seeds of the URL are tried in turn. (Sharded
// pub/sub, SSUBSCRIBE, would need one subscription per symbol and per shard, and takes no
// patterns: symbols appear at run time, so it would need its own discovery.)
//
// Reconnects by itself (RetryLoop: jittered backoff, circuit breaker, attempt timeout).
// Notifications published while it was not subscribed are lost: subscribed() is emitted after
// every (re)subscription so that the owner can compare the store's last q with its own.
//
// Do not delete it from a slot connected to its own signals (use deleteLater()).
class RedisNotifier : public QObject
{
    Q_OBJECT
public:
    using Options = RedisNotifierOptions;

    explicit RedisNotifier(RedisUrl url, Options options = {}, QObject *parent = nullptr);
    ~RedisNotifier() override;

    void start();
    void stop();

    bool isSubscribed() const { return m_subscribed; }
    // "host:port" of the node subscribed to; empty when not subscribed.
    QString node() const;
    // Notifications from this writer (a RedisTickStore::writerId(), usually this server's own
    // store) are not emitted.
    void setIgnoredWriter(const QString &writerId) { m_ignoredWriter = writerId.toUtf8(); }

    const RetryLoop &retryLoop() const { return m_loop; }
    qint64 notificationsReceived() const { return m_received; }

signals:
    // Ticks first..last of `symbol` are stored (by another server, unless ignored).
    void ticksAvailable(const QString &symbol, qint64 first, qint64 last);
    void subscribed();
    void unsubscribed(const QString &reason);

private:
    struct Events;

    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onAuth(redisAsyncContext *context, void *reply, void *data);
    static void onMessage(redisAsyncContext *context, void *reply, void *data);

    void attempt();
    void subscribe();
    void lost(const QString &reason);
    void dropContext();
    void handleMessage(const void *data);

    RedisUrl m_url;
    Options m_options;
    RedisKeys m_keys;
    RetryLoop m_loop;
    redisAsyncContext *m_context = nullptr;
    int m_nodeIndex = 0;
    bool m_subscribed = false;
    QByteArray m_ignoredWriter;
    qint64 m_received = 0;
};

} // namespace tickscope
