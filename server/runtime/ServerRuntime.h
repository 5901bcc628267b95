#pragma once

#include "auth/KeyRing.h"
#include "config/ServerConfig.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace tickscope {

class BatchWriter;
class JwtVerifier;
class KeyRingWatcher;
class ServerMetrics;
class StoreThread;
class StreamServer;
class RedisNotifier;
class RedisSharedLimits;
class RelayCheckpoint;
class TickFeed;
class TickHistory;

// Everything a running Tickscope server is, built from its configuration: the history
// store on its thread, the batch writer, the stream server, the feed, the signing keys,
// metrics and retention. The headless app and the desktop app run the same object.
class ServerRuntime : public QObject
{
    Q_OBJECT
public:
    explicit ServerRuntime(ServerConfig config, QObject *parent = nullptr);
    ~ServerRuntime() override;

    // Opens the data directory, keys and store, starts listening and the feed.
    // `done` gets an empty string on success, else the one-line reason.
    void start(std::function<void(const QString &error)> done);

    // Stops accepting, writes what was acknowledged, closes viewers with 1001.
    void shutdown(std::function<void()> done);

    const ServerConfig &config() const { return m_config; }
    StreamServer *server() const { return m_server.get(); }
    TickHistory *history() const { return m_history.get(); }
    ServerMetrics *metrics() const { return m_metrics.get(); }
    TickFeed *feed() const { return m_feed.get(); }
    QString url() const;
    QString keyFile() const;

    // A token signed with the current key (for the start-up banner and sharing).
    QString mintToken(const QString &subject, const QStringList &scopes, qint64 ttlSeconds,
                      const std::optional<QStringList> &symbols = std::nullopt,
                      const QString &tier = {}) const;

signals:
    void feedStatusChanged(const QString &status);

private:
    QString prepareDataDir() const;
    QString loadKeys();
    void startListening(const std::function<void(const QString &)> &done);
    QString startFeed();
    void trim();
    void saveRelayCheckpoint();
    // Redis: ticks other servers stored, and the health of the connection.
    void startRedisSharing(const QString &writerId);
    void fetchRemote(const QString &symbol, qint64 last);
    void resyncRemote();
    void probeStore();

    ServerConfig m_config;
    std::unique_ptr<ServerMetrics> m_metrics;
    KeyRing m_keys;
    std::unique_ptr<JwtVerifier> m_verifier;
    std::unique_ptr<KeyRingWatcher> m_keyWatcher;
    std::unique_ptr<StoreThread> m_store;
    std::unique_ptr<TickHistory> m_history;
    std::unique_ptr<BatchWriter> m_writer;
    std::unique_ptr<RedisSharedLimits> m_sharedLimits; // before m_server: outlives it
    std::unique_ptr<StreamServer> m_server;
    std::unique_ptr<TickFeed> m_feed;
    std::unique_ptr<RelayCheckpoint> m_relayCheckpoint;
    QTimer m_checkpointTimer;
    QTimer m_trimTimer;
    bool m_trimming = false;
    std::unique_ptr<RedisNotifier> m_notifier;
    QHash<QString, qint64> m_remoteWanted; // symbol -> newest q another server announced
    QSet<QString> m_remoteFetching;
    QTimer m_probeTimer;
    bool m_probing = false;
};

} // namespace tickscope
