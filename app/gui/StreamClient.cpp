#include "StreamClient.h"

#include "core/Symbol.h"
#include "core/TickJson.h"
#include "resilience/RetryLoop.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QWebSocket>

namespace tickscope {

namespace {

QByteArray subscribeCommand(qint64 id, const QString &symbol, const QString &epoch,
                            std::optional<qint64> sinceSeq)
{
    QByteArray out = "{\"op\":\"subscribe\",\"id\":";
    TickJson::appendInteger(out, id);
    out.append(",\"symbols\":[");
    TickJson::appendString(out, symbol);
    out.append("]");
    if (sinceSeq) {
        out.append(",\"since\":{\"epoch\":");
        TickJson::appendString(out, epoch);
        out.append(",\"seq\":{");
        TickJson::appendString(out, symbol);
        out.append(":");
        TickJson::appendInteger(out, *sinceSeq);
        out.append("}}");
    }
    out.append("}");
    return out;
}

// "…Unhandled http status code: 401 (Unauthorized)." -> 401
int handshakeStatus(const QString &error)
{
    static const QRegularExpression pattern(u"status code: (\\d{3})"_qs);
    const auto match = pattern.match(error);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

QString describeHandshakeFailure(int status)
{
    switch (status) {
    case 401:
        return u"the server refused the token (401 invalid_token)"_qs;
    case 403:
        return u"the server refused this client (403: origin or scope)"_qs;
    case 404:
        return u"no stream at this address (404): the path should be /v1/stream"_qs;
    case 429:
        return u"too many connection attempts (429 rate_limited)"_qs;
    case 503:
        return u"the server is full or shutting down (503 unavailable)"_qs;
    default:
        return u"the server answered the handshake with HTTP %1"_qs.arg(status);
    }
}

} // namespace

StreamClient::StreamClient(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_flushTimer(this), m_pingTimer(this)
{
    m_flushTimer.setInterval(std::max(1, m_options.batchIntervalMs));
    m_flushTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_flushTimer, &QTimer::timeout, this, &StreamClient::flush);
    m_pingTimer.setInterval(std::max(100, m_options.pingIntervalMs));
    connect(&m_pingTimer, &QTimer::timeout, this, &StreamClient::onStallCheck);
}

StreamClient::~StreamClient() = default;

void StreamClient::start()
{
    if (m_socket)
        return;
    // Created here, in the worker thread, so that the socket and timers live there.
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingMessageSize(2 << 20);
    connect(m_socket, &QWebSocket::connected, this, &StreamClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &StreamClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &StreamClient::onTextMessage);
    connect(m_socket, &QWebSocket::pong, this, &StreamClient::onPong);
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) { m_lastError = m_socket->errorString(); });
    m_http = new QNetworkAccessManager(this);

    RetryLoopConfig config;
    config.backoff.baseMs = m_options.retryBaseMs;
    config.backoff.capMs = m_options.retryCapMs;
    config.attemptTimeoutMs = 10'000;
    // A viewer wants its data back soon after a server restart: a short open breaker (it
    // still spaces out the attempts against a server that stays down).
    config.breaker.failureThreshold = 8;
    config.breaker.openDurationMs = 2000;
    m_retry = new RetryLoop([this](RetryLoop *) { attempt(); }, config, this);
    connect(m_retry, &RetryLoop::attemptTimedOut, this, [this] { m_socket->abort(); });
    connect(m_retry, &RetryLoop::attemptScheduled, this, [this](qint64 delayMs) {
        if (delayMs > 0)
            setState(State::Reconnecting, m_lastError, delayMs);
    });
    m_flushTimer.start();
    m_pingTimer.start();
    m_retry->start();
}

void StreamClient::stop()
{
    m_stopping = true;
    m_flushTimer.stop();
    m_pingTimer.stop();
    if (m_retry)
        m_retry->stop();
    if (m_socket && m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->close(QWebSocketProtocol::CloseCodeNormal, u"viewer closed"_qs);
    setState(State::Idle, u"stopped"_qs);
}

void StreamClient::attempt()
{
    ++m_connection;
    m_helloSeen = false;
    m_detailActive = false;
    m_commands.clear();
    for (SymbolInfo &info : m_symbols)
        info.subscribed = false;
    setState(m_everConnected ? State::Reconnecting : State::Connecting,
             u"connecting to %1"_qs.arg(m_options.url.toDisplayString(QUrl::RemoveQuery)));
    QNetworkRequest request(m_options.url);
    if (!m_options.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_options.token.toUtf8());
    m_socket->open(request);
}

void StreamClient::onConnected()
{
    m_sinceTraffic.start();
    // The session starts with the server's hello; subscriptions wait for it.
}

void StreamClient::onDisconnected()
{
    if (m_stopping)
        return;
    const int code = m_socket->closeCode();
    QString why = m_lastError;
    if (const int status = handshakeStatus(m_lastError); status != 0)
        why = describeHandshakeFailure(status);
    else if (code == 4001)
        why = u"the token expired (4001)"_qs;
    else if (code == 4003)
        why = u"the token no longer allows reading (4003)"_qs;
    else if (code == QWebSocketProtocol::CloseCodeGoingAway)
        why = u"the server is restarting (1001)"_qs;
    else if (!m_socket->closeReason().isEmpty())
        why = m_socket->closeReason();
    else if (why.isEmpty())
        why = u"connection lost"_qs;
    m_lastError = why;

    const int status = handshakeStatus(m_socket->errorString());
    if (status == 401 || status == 403 || status == 404 || code == 4001 || code == 4003) {
        // Retrying cannot fix a refused token or a wrong address: say so and stop.
        m_retry->stop();
        setState(State::Failed, why);
        return;
    }
    m_retry->failed(why);
}

void StreamClient::onPong()
{
    m_sinceTraffic.restart();
}

void StreamClient::onStallCheck()
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (m_sinceTraffic.isValid() && m_sinceTraffic.elapsed() > m_options.stallTimeoutMs) {
        m_lastError = u"the server stopped answering"_qs;
        m_socket->abort();
        return;
    }
    m_socket->ping();
}

void StreamClient::onTextMessage(const QString &message)
{
    m_sinceTraffic.restart();
    const QByteArray utf8 = message.toUtf8();
    pending().bytesReceived += utf8.size();
    FrameDecoder::Frame frame;
    QString error;
    if (!FrameDecoder::decode(utf8, &frame, &error)) {
        emit notice(error);
        return;
    }
    handleFrame(frame);
}

void StreamClient::handleFrame(const FrameDecoder::Frame &frame)
{
    using Op = FrameDecoder::Op;
    switch (frame.op) {
    case Op::Ticks:
        handleTicks(frame.ticks);
        break;
    case Op::Hello:
        onHello(frame);
        break;
    case Op::Subscribed:
        handleSubscribed(frame);
        break;
    case Op::Gap: {
        StreamEvent event;
        event.kind = StreamEvent::Kind::Gap;
        event.symbol = frame.symbol;
        event.fromSeq = frame.from;
        event.toSeq = frame.to;
        event.timeMs = frame.symbol == m_detail ? m_detailLastTimeMs
                                                : m_symbols.value(frame.symbol).lastTimeMs;
        addEvent(event);
        break;
    }
    case Op::Error:
        handleError(frame);
        break;
    case Op::Unsubscribed:
        m_commands.remove(frame.id);
        break;
    case Op::Pong:
    case Op::Other:
        break;
    }
}

void StreamClient::onHello(const FrameDecoder::Frame &frame)
{
    m_helloSeen = true;
    if (!m_epoch.isEmpty() && frame.epoch != m_epoch) {
        // A new, empty history store: sequence numbers restart, nothing can be resumed.
        StreamEvent event;
        event.kind = StreamEvent::Kind::EpochChanged;
        event.symbol = m_detail;
        event.timeMs = m_detailLastTimeMs;
        addEvent(event);
        for (SymbolInfo &info : m_symbols)
            info = SymbolInfo{};
        m_detailLastSeq = 0;
        ++m_detailGeneration;
    }
    m_epoch = frame.epoch;
    m_everConnected = true;
    m_retry->succeeded();
    emit serverInfo(frame.server, frame.epoch, frame.session);
    setState(State::Live, frame.server);
    fetchSymbolStates();
}

// The newest q of every symbol, so that the detail backfill knows where to start and the
// replay progress bar knows where it ends; also the watchlist's prices before any tick.
void StreamClient::fetchSymbolStates()
{
    QUrl url = m_options.url;
    url.setScheme(url.scheme() == u"wss" ? u"https"_qs : u"http"_qs);
    url.setPath(u"/api/v1/symbols"_qs);
    url.setQuery(QString());
    QNetworkRequest request(url);
    request.setTransferTimeout(3000);
    if (!m_options.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_options.token.toUtf8());
    QNetworkReply *reply = m_http->get(request);
    const quint64 connection = m_connection;
    connect(reply, &QNetworkReply::finished, this, [this, reply, connection] {
        reply->deleteLater();
        if (connection != m_connection || m_stopping)
            return;
        if (reply->error() == QNetworkReply::NoError) {
            const QJsonArray symbols =
                QJsonDocument::fromJson(reply->readAll()).object().value(u"symbols").toArray();
            for (const auto &value : symbols) {
                const QJsonObject s = value.toObject();
                const QString symbol = s.value(u"symbol").toString();
                if (!m_watch.contains(symbol) && symbol != m_detail)
                    continue;
                SymbolInfo &info = m_symbols[symbol];
                info.restLastSeq = qint64(s.value(u"last_seq").toDouble());
                if (info.lastSeq == 0 && info.restLastSeq > 0) {
                    SymbolUpdate update;
                    update.symbol = symbol;
                    update.lastSeq = info.restLastSeq;
                    update.lastPrice = s.value(u"last_price").toDouble();
                    update.lastTimeUs = qint64(s.value(u"last_time").toDouble());
                    pending().symbols.append(update);
                }
            }
        }
        subscribeAll();
    });
}

void StreamClient::subscribeAll()
{
    for (const QString &symbol : std::as_const(m_watch)) {
        if (symbol != m_detail)
            subscribeWatch(symbol);
    }
    if (!m_detail.isEmpty())
        subscribeDetail(m_detailLastSeq > 0);
}

qint64 StreamClient::send(const QByteArray &json, PendingCommand command)
{
    const qint64 id = m_nextId - 1;
    m_commands.emplace(id, std::move(command));
    m_socket->sendTextMessage(QString::fromUtf8(json));
    return id;
}

void StreamClient::subscribeWatch(const QString &symbol)
{
    if (!m_helloSeen)
        return;
    m_symbols[symbol].subscribed = true;
    send(subscribeCommand(m_nextId++, symbol, m_epoch, std::nullopt),
         {symbol, Purpose::Watch, false});
}

void StreamClient::subscribeDetail(bool resume)
{
    if (!m_helloSeen || m_detail.isEmpty())
        return;
    SymbolInfo &info = m_symbols[m_detail];
    info.subscribed = true;
    qint64 since = 0;
    if (resume) {
        since = m_detailLastSeq;
    } else {
        const qint64 newest = std::max(info.lastSeq, info.restLastSeq);
        since = std::max<qint64>(0, newest - m_options.backfillTicks);
    }
    m_detailActive = false;
    m_detailCommandId = m_nextId;
    send(subscribeCommand(m_nextId++, m_detail, m_epoch, since),
         {m_detail, Purpose::Detail, resume});
}

void StreamClient::unsubscribe(const QString &symbol)
{
    m_symbols[symbol].subscribed = false;
    if (!m_helloSeen)
        return;
    QByteArray out = "{\"op\":\"unsubscribe\",\"id\":";
    TickJson::appendInteger(out, m_nextId++);
    out.append(",\"symbols\":[");
    TickJson::appendString(out, symbol);
    out.append("]}");
    send(out, {symbol, Purpose::Unsubscribe, false});
}

void StreamClient::handleSubscribed(const FrameDecoder::Frame &frame)
{
    const PendingCommand command = m_commands.take(frame.id);
    for (const auto &s : frame.subscribed) {
        SymbolInfo &info = m_symbols[s.symbol];
        if (command.purpose != Purpose::Detail || s.symbol != m_detail) {
            info.lastSeq = std::max(info.lastSeq, s.next - 1);
            continue;
        }
        if (frame.id != m_detailCommandId)
            continue; // an older detail subscribe, overtaken by a newer one
        // Replayed ticks are history: the watchlist counts only what is newer than this.
        info.lastSeq = std::max({info.lastSeq, info.restLastSeq, s.next - 1});
        if (command.resume && !s.recovered) {
            StreamEvent event;
            event.kind = StreamEvent::Kind::NotRecovered;
            event.symbol = s.symbol;
            event.fromSeq = m_detailLastSeq + 1;
            event.toSeq = s.next - 1;
            event.timeMs = m_detailLastTimeMs;
            addEvent(event);
        }
        if (!command.resume)
            m_detailLastSeq = s.next - 1;
        m_replayFrom = s.next;
        m_replayTarget = info.restLastSeq >= s.next ? info.restLastSeq : 0;
        m_replayUnknownSize = false;
        m_detailActive = true;
    }
}

void StreamClient::handleError(const FrameDecoder::Frame &frame)
{
    const auto it = m_commands.find(frame.id);
    if (it == m_commands.end()) {
        emit notice(u"server error %1: %2"_qs.arg(frame.code, frame.message));
        return;
    }
    const PendingCommand command = std::move(*it);
    m_commands.erase(it);
    if (frame.code == u"rate_limited" || frame.code == u"unavailable") {
        const quint64 connection = m_connection;
        QTimer::singleShot(
            std::max<qint64>(200, frame.retryAfterMs), this, [this, command, connection] {
                if (connection != m_connection)
                    return;
                if (command.purpose == Purpose::Detail)
                    subscribeDetail(command.resume);
                else if (command.purpose == Purpose::Watch && m_watch.contains(command.symbol))
                    subscribeWatch(command.symbol);
            });
        return;
    }
    m_symbols[command.symbol].subscribed = false;
    emit symbolError(command.symbol, frame.message.isEmpty() ? frame.code : frame.message);
}

void StreamClient::handleTicks(const TickList &ticks)
{
    TickBatch &batch = pending();
    batch.ticksReceived += ticks.size();
    for (const Tick &tick : ticks) {
        const double timeMs = double(tick.timeUs) / 1000.0;
        if (tick.symbol == m_detail && m_detailActive && tick.seq > m_detailLastSeq) {
            DetailColumns &detail = batch.detail;
            if (detail.symbol != m_detail || detail.generation != m_detailGeneration) {
                detail.clear();
                detail.symbol = m_detail;
                detail.generation = m_detailGeneration;
            }
            detail.seq.push_back(tick.seq);
            detail.timeMs.push_back(timeMs);
            detail.price.push_back(tick.price);
            detail.size.push_back(tick.size);
            m_detailLastSeq = tick.seq;
            m_detailLastTimeMs = timeMs;
        }
        SymbolInfo &info = m_symbols[tick.symbol];
        if (tick.seq <= info.lastSeq)
            continue; // replayed history: not news for the watchlist
        info.lastSeq = tick.seq;
        info.lastTimeMs = timeMs;
        qsizetype &index = m_pendingIndex[tick.symbol];
        if (index == 0) {
            batch.symbols.append(SymbolUpdate{tick.symbol, 0, 0, 0, 0});
            index = batch.symbols.size();
        }
        SymbolUpdate &update = batch.symbols[index - 1];
        update.lastSeq = tick.seq;
        update.lastTimeUs = tick.timeUs;
        update.lastPrice = tick.price;
        ++update.newTicks;
    }
}

void StreamClient::addEvent(StreamEvent event)
{
    pending().events.append(std::move(event));
}

TickBatch &StreamClient::pending()
{
    if (!m_pending) {
        m_pending = std::make_shared<TickBatch>();
        m_pendingIndex.clear();
    }
    return *m_pending;
}

void StreamClient::flush()
{
    if (m_replayTarget > 0) {
        TickBatch &batch = pending();
        const qint64 total = m_replayTarget - m_replayFrom + 1;
        const qint64 done = m_detailLastSeq - m_replayFrom + 1;
        batch.replayProgress = total > 0 ? std::clamp(double(done) / double(total), 0.0, 1.0) : 1;
        if (m_detailLastSeq >= m_replayTarget) {
            m_replayTarget = 0;
            batch.replayProgress = 1;
        }
    }
    if (!m_pending || m_backlog->load() >= 2)
        return;
    const TickBatch &batch = *m_pending;
    if (batch.symbols.isEmpty() && batch.detail.empty() && batch.events.isEmpty() &&
        batch.replayProgress < 0 && batch.bytesReceived == 0)
        return;
    m_backlog->fetch_add(1);
    emit batchReady(std::move(m_pending));
    m_pending.reset();
    m_pendingIndex.clear();
}

void StreamClient::setSymbols(const QStringList &symbols)
{
    QStringList valid;
    for (const QString &symbol : symbols) {
        if (Symbol::isValid(symbol) && !valid.contains(symbol))
            valid.append(symbol);
    }
    const QStringList before = m_watch;
    m_watch = valid;
    for (const QString &symbol : before) {
        if (!m_watch.contains(symbol) && symbol != m_detail)
            unsubscribe(symbol);
    }
    for (const QString &symbol : std::as_const(m_watch)) {
        if (!before.contains(symbol) && symbol != m_detail)
            subscribeWatch(symbol);
    }
}

void StreamClient::setDetailSymbol(const QString &symbol)
{
    if (symbol == m_detail || (!symbol.isEmpty() && !Symbol::isValid(symbol)))
        return;
    const QString previous = m_detail;
    m_detail = symbol;
    ++m_detailGeneration;
    m_detailLastSeq = 0;
    m_detailLastTimeMs = 0;
    m_detailActive = false;
    m_replayTarget = 0;
    if (!previous.isEmpty() && !m_watch.contains(previous))
        unsubscribe(previous);
    if (symbol.isEmpty())
        return;
    // Re-subscribe with a backfill: ticks of the old subscription still in flight are
    // dropped until the new subscription's reply, which precedes its first tick.
    if (m_symbols.value(symbol).subscribed)
        unsubscribe(symbol);
    subscribeDetail(false);
}

void StreamClient::setState(State state, const QString &detail, qint64 retryInMs)
{
    m_state = state;
    emit stateChanged(state, detail, retryInMs);
}

} // namespace tickscope
