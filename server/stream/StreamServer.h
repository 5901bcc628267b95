#pragma once

#include "Hub.h"
#include "config/TierLimits.h"
#include "history/TickChunk.h"
#include "http/HandshakeGate.h"
#include "http/RestApi.h"
#include "limits/RateLimiter.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocketServer>
#include <functional>
#include <memory>

namespace tickscope {

class BatchWriter;
class HttpConnection;
class JwtVerifier;
class ServerMetrics;
class TickHistory;
class ViewerSession;

// The one listening port: reads each request head itself, answers HTTP, runs the
// handshake checks before any upgrade, hands accepted sockets to QWebSocketServer and
// keeps the viewer sessions and the hub.
class StreamServer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address = QHostAddress::LocalHost;
        quint16 port = 8765;
        int maxConnections = 10000;
        qint64 viewerQueueCap = 8 << 20;
        int heartbeatMs = 15000;
        qint64 leewaySeconds = 5;
        int headTimeoutMs = 10000;
        QHash<QString, TierLimits> tiers;
        HandshakeGate::Settings gate;
    };

    struct ViewerInfo
    {
        QString session;
        QString subject;
        QString peer;
        qint64 connectedAtMs = 0;
        bool catchingUp = false;
        qint64 queuedBytes = 0; // unsent, see ViewerSession::queuedBytes()
        qint64 lagTicks = 0;    // committed but not yet sent
    };

    StreamServer(const Options &options, TickHistory *history, BatchWriter *writer,
                 const JwtVerifier *verifier, ServerMetrics *metrics, QObject *parent = nullptr);
    ~StreamServer() override;

    bool listen(QString *error);
    quint16 port() const;
    QHostAddress address() const;
    QString url() const; // ws://host:port/v1/stream

    // Empty when the server accepts viewers and the store takes writes; else why not.
    QString notReadyReason() const;

    int viewerCount() const { return int(m_sessions.size()); }
    QList<ViewerInfo> viewers() const;
    // Shares the handshake, command and HTTP buckets with other processes (null: this
    // process's own only). Call before listen().
    void shareLimits(SharedLimitBackend *backend);

    // Stops accepting, writes what was acknowledged, closes viewers with 1001, then
    // calls `done`.
    void shutdown(std::function<void()> done);

signals:
    void viewersChanged();

private:
    void onNewTcpConnection();
    void onRequest(HttpConnection *connection, const HttpRequest &request);
    void onNewWebSocket();
    void onCommitted(const std::vector<TickChunkPtr> &chunks, qint64 committedNs, qint64 tickCount,
                     double storeSeconds);
    void onHeartbeat();
    QString nextSessionId();
    void forgetStaleClaims();
    bool canAccept() const;

    Options m_options;
    TickHistory *m_history;
    BatchWriter *m_writer;
    const JwtVerifier *m_verifier;
    ServerMetrics *m_metrics;

    QTcpServer m_tcp;
    QWebSocketServer m_ws;
    RateLimiter m_handshakeLimiter;
    RateLimiter m_commandLimiter;
    RateLimiter m_httpLimiter;
    std::unique_ptr<HandshakeGate> m_gate;
    std::unique_ptr<RestApi> m_rest;
    Hub m_hub;

    struct AcceptedClaims
    {
        Claims claims;
        qint64 acceptedNs = 0;
        QPointer<QTcpSocket> transport; // the socket QWebSocketServer upgrades
    };
    QHash<QString, AcceptedClaims> m_acceptedClaims; // by peer "address|port", until the upgrade
    QHash<ViewerSession *, bool> m_sessions;
    int m_httpConnections = 0;
    QTimer m_heartbeat;
    bool m_draining = false;
    quint64 m_sessionCounter = 0;
};

} // namespace tickscope
