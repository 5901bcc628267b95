#include "StreamServer.h"

#include "ViewerSession.h"
#include "auth/JwtVerifier.h"
#include "core/Clock.h"
#include "history/BatchWriter.h"
#include "history/TickHistory.h"
#include "http/HttpConnection.h"
#include "metrics/ServerMetrics.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QWebSocket>

namespace tickscope {

namespace {
QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u'|' + QString::number(port);
}

// The refusal of an upgrade request that is not a valid WebSocket opening handshake
// (RFC 6455 4.2.1); QWebSocketServer would drop it without a word or answer without the
// JSON body every HTTP error has here.
std::optional<HttpResponse> handshakeRefusal(const HttpRequest &request)
{
    if (request.version != "HTTP/1.1") {
        return HttpResponse::error(400, ErrorCode::BadRequest,
                                   u"a WebSocket handshake needs HTTP/1.1"_qs);
    }
    const auto key = request.header("sec-websocket-key");
    const auto decoded = QByteArray::fromBase64Encoding(key.value_or(QByteArray()),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!key || !decoded || decoded.decoded.size() != 16) {
        return HttpResponse::error(400, ErrorCode::BadRequest,
                                   u"Sec-WebSocket-Key must be the base64 of 16 bytes"_qs);
    }
    if (request.header("sec-websocket-version") != "13") {
        // RFC 6455 4.4: name the version this server speaks.
        HttpResponse response = HttpResponse::error(426, ErrorCode::UpgradeRequired,
                                                    u"Sec-WebSocket-Version must be 13"_qs);
        response.setHeader("Sec-WebSocket-Version", "13");
        return response;
    }
    return std::nullopt;
}
} // namespace

StreamServer::StreamServer(const Options &options, TickHistory *history, BatchWriter *writer,
                           const JwtVerifier *verifier, ServerMetrics *metrics, QObject *parent)
    : QObject(parent), m_options(options), m_history(history), m_writer(writer),
      m_verifier(verifier), m_metrics(metrics),
      m_ws(u"tickscope/"_qs + QStringLiteral(TICKSCOPE_VERSION), QWebSocketServer::NonSecureMode)
{
    m_gate = std::make_unique<HandshakeGate>(*m_verifier, m_handshakeLimiter, m_options.gate);
    RestApi::Services rest;
    rest.history = m_history;
    rest.gate = m_gate.get();
    rest.limiter = &m_httpLimiter;
    rest.tiers = &m_options.tiers;
    rest.metrics = m_metrics;
    rest.notReadyReason = [this] { return notReadyReason(); };
    m_rest = std::make_unique<RestApi>(rest);

    connect(&m_tcp, &QTcpServer::newConnection, this, &StreamServer::onNewTcpConnection);
    connect(&m_ws, &QWebSocketServer::newConnection, this, &StreamServer::onNewWebSocket);
    connect(m_writer, &BatchWriter::committed, this, &StreamServer::onCommitted);
    connect(m_writer, &BatchWriter::writeFailed, this,
            [this](const QString &, double seconds) { m_metrics->observeStoreWrite(seconds); });
    m_heartbeat.setInterval(m_options.heartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &StreamServer::onHeartbeat);
}

StreamServer::~StreamServer()
{
    // Every session, including closed ones still waiting for deleteLater(), goes now,
    // while the hub they unregister from still exists.
    const auto sessions = findChildren<ViewerSession *>(Qt::FindDirectChildrenOnly);
    for (ViewerSession *session : sessions) {
        disconnect(session, nullptr, this, nullptr);
        delete session;
    }
    m_sessions.clear();
}

bool StreamServer::listen(QString *error)
{
    m_tcp.setMaxPendingConnections(1024);
    if (!m_tcp.listen(m_options.address, m_options.port)) {
        if (error) {
            *error = u"cannot listen on %1:%2: %3"_qs.arg(m_options.address.toString())
                         .arg(m_options.port)
                         .arg(m_tcp.errorString());
        }
        return false;
    }
    m_heartbeat.start();
    return true;
}

quint16 StreamServer::port() const
{
    return m_tcp.serverPort();
}

QHostAddress StreamServer::address() const
{
    return m_tcp.serverAddress();
}

QString StreamServer::url() const
{
    QHostAddress host = address();
    QString name = host.toString();
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        name = u"127.0.0.1"_qs;
    else if (host == QHostAddress::AnyIPv6)
        name = u"[::1]"_qs;
    else if (host.protocol() == QAbstractSocket::IPv6Protocol)
        name = u'[' + name + u']';
    return u"ws://%1:%2/v1/stream"_qs.arg(name).arg(port());
}

QString StreamServer::notReadyReason() const
{
    if (m_draining)
        return u"the server is shutting down"_qs;
    if (!m_tcp.isListening())
        return u"the server is not listening"_qs;
    if (!m_history->isOpen())
        return u"the history store is not open yet"_qs;
    if (!m_history->unavailableReason().isEmpty())
        return m_history->unavailableReason();
    if (m_writer->lastWriteFailed())
        return u"the history store refused the last write"_qs;
    return {};
}

bool StreamServer::canAccept() const
{
    return !m_draining && m_sessions.size() < m_options.maxConnections;
}

QString StreamServer::nextSessionId()
{
    ++m_sessionCounter;
    return QString::number(QRandomGenerator::global()->generate64() & 0xffffffffffffULL, 36) +
           u'-' + QString::number(m_sessionCounter, 36);
}

void StreamServer::shareLimits(SharedLimitBackend *backend)
{
    m_handshakeLimiter.share(backend, u"handshake"_qs);
    m_commandLimiter.share(backend, u"command"_qs);
    m_httpLimiter.share(backend, u"http"_qs);
}

QList<StreamServer::ViewerInfo> StreamServer::viewers() const
{
    QList<ViewerInfo> result;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        const ViewerSession *session = it.key();
        result.append({session->sessionId(), session->claims().sub, session->peer(),
                       session->connectedAtMs(), session->isCatchingUp(), session->queuedBytes(),
                       session->lagTicks()});
    }
    return result;
}

void StreamServer::onNewTcpConnection()
{
    while (QTcpSocket *socket = m_tcp.nextPendingConnection()) {
        if (m_draining ||
            m_httpConnections + m_sessions.size() >= qsizetype(m_options.maxConnections) * 2) {
            // Far past capacity: do not even read the request.
            socket->abort();
            socket->deleteLater();
            continue;
        }
        // Replies and frames are written whole: do not let Nagle hold them back.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto *connection = new HttpConnection(socket, m_options.headTimeoutMs, this);
        ++m_httpConnections;
        connect(connection, &HttpConnection::requestReady, this, &StreamServer::onRequest);
        connect(connection, &HttpConnection::rejected, this, [this](HttpConnection *, int) {
            m_metrics->handshake(HandshakeResult::BadRequest);
        });
        connect(connection, &HttpConnection::closed, this, [this](HttpConnection *closed) {
            --m_httpConnections;
            closed->deleteLater();
        });
    }
}

void StreamServer::onRequest(HttpConnection *connection, const HttpRequest &request)
{
    const bool head = request.method == "HEAD";
    if (request.path == u"/v1/stream") {
        // 426 before any other check (PROTOCOL.md section 10).
        if (request.method != "GET" || !request.isWebSocketUpgrade()) {
            HttpResponse response = HttpResponse::error(
                426, ErrorCode::UpgradeRequired,
                u"/v1/stream is a WebSocket endpoint: send a GET with Upgrade: websocket"_qs);
            response.setHeader("Upgrade", "websocket");
            m_metrics->handshake(HandshakeResult::BadRequest);
            connection->respond(response, head);
            return;
        }
        if (const auto refusal = handshakeRefusal(request)) {
            m_metrics->handshake(HandshakeResult::BadRequest);
            connection->respond(*refusal, head);
            return;
        }
        QTcpSocket *socket = connection->socket();
        const auto decision =
            m_gate->checkUpgrade(request, socket->peerAddress(), Clock::monotonicNs(),
                                 QDateTime::currentSecsSinceEpoch(), canAccept());
        m_metrics->handshake(decision.result);
        if (!decision.accepted()) {
            if (decision.result == HandshakeResult::RateLimited)
                m_metrics->rateLimited(RateLimitScope::Handshake);
            connection->respond(*decision.refusal);
            return;
        }
        forgetStaleClaims();
        m_acceptedClaims.insert(peerKey(socket->peerAddress(), socket->peerPort()),
                                {decision.claims, Clock::monotonicNs(), socket});
        --m_httpConnections;
        connection->release();
        connection->deleteLater();
        m_ws.handleConnection(socket);
        return;
    }
    if (!RestApi::serves(request.path)) {
        m_metrics->handshake(HandshakeResult::NotFound);
        connection->respond(HttpResponse::error(404, ErrorCode::NotFound,
                                                u"no such endpoint: %1"_qs.arg(request.path)),
                            head);
        return;
    }
    QPointer<HttpConnection> guard(connection);
    m_rest->handle(request, connection->socket()->peerAddress().toString(), connection,
                   [guard, head](const HttpResponse &response) {
                       if (guard)
                           guard->respond(response, head);
                   });
}

void StreamServer::forgetStaleClaims()
{
    // A socket that passed the gate but never finished its WebSocket handshake
    // (QWebSocketServer times it out) leaves its claims behind; drop them.
    const qint64 cutoff = Clock::monotonicNs() - qint64(60) * 1'000'000'000;
    for (auto it = m_acceptedClaims.begin(); it != m_acceptedClaims.end();) {
        if (it->acceptedNs < cutoff)
            it = m_acceptedClaims.erase(it);
        else
            ++it;
    }
}

void StreamServer::onNewWebSocket()
{
    while (QWebSocket *socket = m_ws.nextPendingConnection()) {
        const QString key = peerKey(socket->peerAddress(), socket->peerPort());
        const auto it = m_acceptedClaims.find(key);
        if (it == m_acceptedClaims.end() || m_draining) {
            // Only sockets that passed the gate get here; anything else is refused.
            m_acceptedClaims.remove(key);
            socket->close(QWebSocketProtocol::CloseCodeGoingAway);
            socket->deleteLater();
            continue;
        }
        const Claims claims = it->claims;
        const QPointer<QTcpSocket> transport = it->transport;
        m_acceptedClaims.erase(it);

        ViewerSession::Services services;
        services.history = m_history;
        services.writer = m_writer;
        services.hub = &m_hub;
        services.verifier = m_verifier;
        services.metrics = m_metrics;
        services.commandLimiter = &m_commandLimiter;
        services.tiers = &m_options.tiers;
        services.queueCap = m_options.viewerQueueCap;
        services.heartbeatMs = m_options.heartbeatMs;
        services.leewaySeconds = m_options.leewaySeconds;
        services.insecure = m_options.gate.insecure;
        auto *session =
            new ViewerSession(socket, transport, claims, nextSessionId(), services, this);
        m_sessions.insert(session, true);
        m_metrics->setConnections(m_sessions.size());
        connect(session, &ViewerSession::finished, this, [this](ViewerSession *finished) {
            if (m_sessions.remove(finished)) {
                m_metrics->setConnections(m_sessions.size());
                finished->deleteLater();
                emit viewersChanged();
            }
        });
        session->start(QStringLiteral(TICKSCOPE_VERSION));
        emit viewersChanged();
    }
}

void StreamServer::onCommitted(const std::vector<TickChunkPtr> &chunks, qint64 committedNs,
                               qint64 tickCount, double storeSeconds)
{
    if (tickCount > 0) { // zero for ticks another server wrote to a shared store
        m_metrics->ticksIngested(tickCount);
        m_metrics->observeStoreWrite(storeSeconds);
    }
    m_hub.fanOut(chunks, committedNs);
}

void StreamServer::onHeartbeat()
{
    const auto sessions = m_sessions.keys();
    for (ViewerSession *session : sessions)
        session->heartbeat();
}

void StreamServer::shutdown(std::function<void()> done)
{
    m_draining = true;
    m_tcp.close();
    m_heartbeat.stop();
    m_writer->drain([this, done = std::move(done)] {
        // Everything acknowledged is written and delivered; now say goodbye.
        const auto sessions = m_sessions.keys();
        for (ViewerSession *session : sessions)
            session->closeWith(CloseCode::GoingAway, u"server shutting down"_qs);
        if (m_sessions.isEmpty()) {
            done();
            return;
        }
        // Wait for the close handshakes, but not forever.
        auto *deadline = new QTimer(this);
        deadline->setSingleShot(true);
        auto finish = std::make_shared<std::function<void()>>(done);
        auto check = [this, deadline, finish] {
            if (!*finish)
                return;
            if (m_sessions.isEmpty() || !deadline->isActive()) {
                deadline->stop();
                auto call = std::move(*finish);
                *finish = nullptr;
                call();
            }
        };
        connect(this, &StreamServer::viewersChanged, deadline, check);
        connect(deadline, &QTimer::timeout, this, check);
        deadline->start(2000);
    });
}

} // namespace tickscope
