#pragma once

#include "config/ServerConfig.h"
#include "models/ViewerListModel.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QVariantMap>
#include <functional>

class QThread;

namespace tickscope {

class ServerMetrics;
class ServerRuntime;

// The embedded server of the desktop app: a ServerRuntime created, run and destroyed on its
// own thread, so that the GUI thread never waits on the network or the store. The GUI side
// only sees copies: a one-second poll brings the viewer list and the store's health back by
// queued calls, and the counters come from ServerMetrics, whose methods are thread-safe.
class ServerHost : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool running READ isRunning NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    Q_PROPERTY(QString url READ url NOTIFY stateChanged)
    Q_PROPERTY(QString listenAddress READ listenAddress NOTIFY stateChanged)
    Q_PROPERTY(bool loopbackOnly READ loopbackOnly NOTIFY stateChanged)
    Q_PROPERTY(QString storeKind READ storeKind CONSTANT)
    Q_PROPERTY(QString dataDir READ dataDir CONSTANT)
    Q_PROPERTY(bool insecure READ insecure CONSTANT)
    Q_PROPERTY(QString feedStatus READ feedStatus NOTIFY statsChanged)
    Q_PROPERTY(bool storeHealthy READ storeHealthy NOTIFY statsChanged)
    Q_PROPERTY(QString storeStatus READ storeStatus NOTIFY statsChanged)
    Q_PROPERTY(bool redisUsed READ redisUsed CONSTANT)
    Q_PROPERTY(bool redisUp READ redisUp NOTIFY statsChanged)
    Q_PROPERTY(double ticksInRate READ ticksInRate NOTIFY statsChanged)
    Q_PROPERTY(double ticksOutRate READ ticksOutRate NOTIFY statsChanged)
    Q_PROPERTY(double ticksInTotal READ ticksInTotal NOTIFY statsChanged)
    Q_PROPERTY(int viewerCount READ viewerCount NOTIFY statsChanged)
    Q_PROPERTY(QObject *viewers READ viewers CONSTANT)

public:
    explicit ServerHost(ServerConfig config, QObject *parent = nullptr);
    ~ServerHost() override;

    // Starts the server on its thread; then started() or failed().
    void start();
    // Closes viewers with 1001, writes what was acknowledged, ends the thread; then `done`
    // (on the GUI thread). Safe to call when the server never started.
    void shutdown(std::function<void()> done);

    bool isRunning() const { return m_running; }
    QString error() const { return m_error; }
    QString url() const { return m_url; }
    QString listenAddress() const;
    bool loopbackOnly() const;
    QString storeKind() const;
    QString dataDir() const { return m_config.dataDir; }
    bool insecure() const { return m_config.insecure; }
    QString feedStatus() const { return m_feedStatus; }
    bool storeHealthy() const { return m_storeStatus.isEmpty(); }
    QString storeStatus() const { return m_storeStatus; }
    bool redisUsed() const { return m_config.store == StoreKind::Redis; }
    bool redisUp() const { return m_redisUp; }
    double ticksInRate() const { return m_inRate; }
    double ticksOutRate() const { return m_outRate; }
    double ticksInTotal() const { return m_inTotal; }
    int viewerCount() const { return m_viewerCount; }
    QObject *viewers() { return &m_viewers; }
    ViewerListModel *viewerModel() { return &m_viewers; }
    // Registered once the server runs; thread-safe to use.
    ServerMetrics *metrics() const { return m_metrics; }

    // Mints a read-only token for sharing and answers with shareReady({token, url, link,
    // tickscopeCommand, websocatCommand, curlCommand, expires, symbols, loopbackOnly}).
    Q_INVOKABLE void requestShare(int ttlSeconds, const QString &symbols, const QString &subject);

signals:
    void started(const QString &url, const QString &desktopToken);
    void failed(const QString &error);
    void stateChanged();
    void statsChanged();
    void shareReady(const QVariantMap &share);
    void shareFailed(const QString &error);

private:
    template <typename F> void inServerThread(F &&function);
    void poll();

    ServerConfig m_config;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;       // lives in m_thread; queued calls run there
    ServerRuntime *m_runtime = nullptr; // created, used and deleted in m_thread only
    ServerMetrics *m_metrics = nullptr;
    ViewerListModel m_viewers;
    QTimer m_pollTimer;
    QElapsedTimer m_rateClock;
    bool m_running = false;
    bool m_polling = false;
    QString m_error;
    QString m_url;
    QString m_feedStatus;
    QString m_storeStatus;
    bool m_redisUp = false;
    int m_viewerCount = 0;
    double m_inTotal = 0;
    double m_outTotal = 0;
    double m_inRate = 0;
    double m_outRate = 0;
};

} // namespace tickscope
