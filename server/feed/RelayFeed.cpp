#include "feed/RelayFeed.h"

#include "core/Clock.h"
#include "core/Symbol.h"
#include "core/TickJson.h"
#include "protocol/CloseCode.h"
#include "protocol/Command.h"
#include "protocol/JsonReader.h"

#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QWebSocket>
#include <algorithm>
#include <cmath>

namespace tickscope {

Q_LOGGING_CATEGORY(lcRelay, "tickscope.feed.relay")

namespace {

constexpr qint64 MaxIncomingMessageBytes = qint64{4} * 1024 * 1024; // upstream frames are <= 1 MiB
constexpr int MissedHeartbeats = 4;

std::optional<qint64> integerMember(const JsonValue &object, QStringView key)
{
    const JsonValue *value = object.member(key);
    if (!value || !value->isInteger())
        return std::nullopt;
    return value->toInteger();
}

const QString *stringMember(const JsonValue &object, QStringView key)
{
    const JsonValue *value = object.member(key);
    if (!value || !value->isString())
        return nullptr;
    return &value->toString();
}

bool hasHttpStatus(const QString &errorString, int status)
{
    // Qt 6.4 reports a refused handshake only as text: "... Unhandled http status code: 401".
    return errorString.contains(u"status code: %1"_qs.arg(status));
}

} // namespace

RetryLoopConfig RelayFeedConfig::defaultRetry()
{
    RetryLoopConfig config;
    config.backoff = {250, 30'000};
    config.breaker = {5, 30'000, 1};
    config.attemptTimeoutMs = 10'000;
    return config;
}

QString RelayFeedConfig::validate() const
{
    if (!url.isValid() || url.host().isEmpty())
        return u"relay: the upstream URL \"%1\" is not a valid URL with a host"_qs.arg(
            RelayFeed::describeUrl(url));
    if (url.scheme() != u"ws" && url.scheme() != u"wss")
        return u"relay: the upstream URL \"%1\" must start with ws:// or wss://"_qs.arg(
            RelayFeed::describeUrl(url));
    for (const QChar c : token) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return u"relay: the token contains characters that cannot be sent in an HTTP "
                   "header (only visible ASCII is allowed)"_qs;
    }
    if (symbols.isEmpty())
        return u"relay: the symbol list is empty; name the symbols to relay"_qs;
    if (symbols.size() > ProtocolLimits::MaxSymbolsPerConnection)
        return u"relay: %1 symbols is more than the %2 one connection may subscribe"_qs
            .arg(symbols.size())
            .arg(ProtocolLimits::MaxSymbolsPerConnection);
    QSet<QString> seen;
    for (const QString &symbol : symbols) {
        if (!Symbol::isValid(symbol))
            return u"relay: invalid symbol \"%1\": a symbol is 1-32 characters of "
                   "A-Z a-z 0-9 . _ : / -, starting with a letter or digit"_qs.arg(symbol);
        if (seen.contains(symbol))
            return u"relay: symbol \"%1\" is listed twice"_qs.arg(symbol);
        seen.insert(symbol);
    }
    if (QString error = retry.validate(); !error.isEmpty())
        return u"relay: "_qs + error;
    if (authRetryMs < 1)
        return u"relay: the retry after a refused token must be at least 1 ms, got %1 ms"_qs.arg(
            authRetryMs);
    if (maxBufferedTicks < 1)
        return u"relay: the local buffer must hold at least 1 tick, got %1"_qs.arg(
            maxBufferedTicks);
    if (drainIntervalMs < 1 || drainIntervalMs > 10'000)
        return u"relay: the drain interval must be 1-10000 ms, got %1 ms"_qs.arg(drainIntervalMs);
    return {};
}

RelayFeed::RelayFeed(RelayFeedConfig config, QObject *parent)
    : TickFeed(parent), m_config(std::move(config)),
      m_loop([this](RetryLoop *) { attempt(); }, m_config.retry, this), m_authRetryTimer(this),
      m_drainTimer(this), m_watchdog(this)
{
    m_config.authRetryMs = std::max(1, m_config.authRetryMs);
    m_config.maxBufferedTicks = std::max<qsizetype>(1, m_config.maxBufferedTicks);
    m_config.drainIntervalMs = std::clamp(m_config.drainIntervalMs, 1, 10'000);
    for (const QString &symbol : std::as_const(m_config.symbols)) {
        if (!Symbol::isValid(symbol) || m_symbolIndex.contains(symbol) ||
            m_symbols.size() >= ProtocolLimits::MaxSymbolsPerConnection)
            continue;
        m_symbolIndex.insert(symbol, int(m_symbols.size()));
        m_symbols.append(symbol);
    }
    const size_t count = size_t(m_symbols.size());
    m_received.assign(count, -1);
    m_emitted.assign(count, -1);
    m_durable.assign(count, -1);
    m_sinceSeq.assign(count, -1);

    m_authRetryTimer.setSingleShot(true);
    connect(&m_authRetryTimer, &QTimer::timeout, this, [this] {
        if (m_phase != Phase::AuthRefused)
            return;
        m_phase = Phase::Connecting;
        m_loop.start();
    });
    m_drainTimer.setInterval(m_config.drainIntervalMs);
    connect(&m_drainTimer, &QTimer::timeout, this, &RelayFeed::onDrainTimer);
    connect(&m_watchdog, &QTimer::timeout, this, &RelayFeed::onWatchdog);
    connect(&m_loop, &RetryLoop::attemptScheduled, this, &RelayFeed::onAttemptScheduled);
    connect(&m_loop, &RetryLoop::attemptFailed, this,
            [this](const QString &reason) { m_lastProblem = reason; });
    // The loop already counted the failure; drop the half-open connection.
    connect(&m_loop, &RetryLoop::attemptTimedOut, this, [this] {
        retireSocket(false);
        m_watchdog.stop();
        m_pendingSubscribes.clear();
        if (m_phase == Phase::Stopped)
            return;
        m_phase = Phase::Connecting;
        qCWarning(lcRelay).noquote() << describe() << m_lastProblem;
        setStatus(u"%1; reconnecting in %2 ms"_qs.arg(m_lastProblem).arg(m_loop.nextAttemptInMs()),
                  false);
    });
    setStatus(u"relay stopped"_qs, false);
}

RelayFeed::~RelayFeed()
{
    // Detach the socket first: destroyed with us, it must not call back into a dying object.
    retireSocket(false);
}

QString RelayFeed::describeUrl(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

QString RelayFeed::describe() const
{
    return u"relay "_qs + describeUrl(m_config.url);
}

void RelayFeed::start()
{
    if (m_phase != Phase::Stopped)
        return;
    if (const QString error = m_config.validate(); !error.isEmpty()) {
        setStatus(u"relay not started: "_qs + error, false);
        return;
    }
    m_phase = Phase::Connecting;
    m_lastProblem.clear();
    setStatus(u"connecting to %1"_qs.arg(describeUrl(m_config.url)), false);
    m_loop.start();
}

void RelayFeed::stop()
{
    if (m_phase == Phase::Stopped)
        return;
    m_loop.stop();
    m_authRetryTimer.stop();
    m_drainTimer.stop();
    m_watchdog.stop();
    retireSocket(true);
    m_pendingSubscribes.clear();
    // Ticks not handed on are dropped; the position falls back so a later start fetches them.
    m_buffer.clear();
    m_bufferMarks.clear();
    m_received = m_emitted;
    m_phase = Phase::Stopped;
    setStatus(u"relay stopped"_qs, false);
}

QHash<QString, qint64> RelayFeed::positions() const
{
    const std::vector<qint64> &source = m_config.awaitAcknowledgements ? m_durable : m_emitted;
    QHash<QString, qint64> out;
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] >= 0)
            out.insert(m_symbols.at(qsizetype(i)), source[i]);
    }
    return out;
}

void RelayFeed::setResumePoint(const QString &epoch, const QHash<QString, qint64> &positions)
{
    m_epoch = epoch;
    std::fill(m_received.begin(), m_received.end(), -1);
    if (!epoch.isEmpty()) {
        for (auto it = positions.cbegin(); it != positions.cend(); ++it) {
            const int index = m_symbolIndex.value(it.key(), -1);
            if (index >= 0 && it.value() >= 0)
                m_received[size_t(index)] = it.value();
        }
    }
    m_emitted = m_received;
    m_durable = m_received;
    m_buffer.clear();
    m_bufferMarks.clear();
    m_unacked.clear();
    m_ignoreAcks = 0;
}

void RelayFeed::setToken(const QString &token)
{
    m_config.token = token;
    if (m_phase == Phase::AuthRefused) {
        m_authRetryTimer.stop();
        m_phase = Phase::Connecting;
        m_loop.start();
    }
}

RelayCheckpoint::Point RelayFeed::checkpoint() const
{
    return {describeUrl(m_config.url), m_epoch, positions()};
}

void RelayFeed::attempt()
{
    retireSocket(false);
    m_pendingSubscribes.clear();
    m_phase = Phase::Connecting;

    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    socket->setMaxAllowedIncomingMessageSize(MaxIncomingMessageBytes);
    m_socket = socket;
    m_closeFrameSeen = false;
    connect(socket, &QWebSocket::connected, this, &RelayFeed::onConnected);
    connect(socket, &QWebSocket::disconnected, this, &RelayFeed::onDisconnected);
    // A close frame from upstream makes the socket answer it, announced by aboutToClose; a
    // connection that just dies does not (and closeCode() then still reads 1000).
    connect(socket, &QWebSocket::aboutToClose, this, [this] { m_closeFrameSeen = true; });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &RelayFeed::onSocketError);
    connect(socket, &QWebSocket::textMessageReceived, this, &RelayFeed::onTextMessage);
    connect(socket, &QWebSocket::pong, this, [this] { m_lastActivityNs = Clock::monotonicNs(); });

    QNetworkRequest request(m_config.url);
    if (!m_config.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_config.token.toLatin1());
    socket->open(request);
}

void RelayFeed::retireSocket(bool graceful)
{
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    if (!socket)
        return;
    ++m_connection;
    socket->disconnect(this);
    if (graceful && socket->state() == QAbstractSocket::ConnectedState) {
        // Let the close handshake finish, but not forever.
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(2000, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        socket->close(QWebSocketProtocol::CloseCodeNormal);
    } else {
        socket->abort();
        socket->deleteLater();
    }
}

void RelayFeed::onConnected()
{
    if (sender() != m_socket || m_phase != Phase::Connecting)
        return;
    m_phase = Phase::AwaitHello;
    m_lastActivityNs = Clock::monotonicNs();
}

void RelayFeed::onDisconnected()
{
    if (!m_socket || sender() != m_socket)
        return;
    if (m_phase == Phase::Connecting) {
        // Never upgraded: refused, unreachable, or the handshake was answered with an error.
        connectFailed(m_socket->errorString());
        return;
    }
    if (!m_closeFrameSeen) {
        const QString error = m_socket->errorString();
        connectionLost(u"lost the connection to upstream%1"_qs.arg(
            error.isEmpty() ? QString() : u": "_qs + error));
        return;
    }
    const int code = int(m_socket->closeCode());
    const QString reason = m_socket->closeReason();
    const QString detail = reason.isEmpty() ? QString() : u": "_qs + reason.left(200);
    switch (code) {
    case int(CloseCode::TokenExpired):
        authRefused(u"upstream closed the connection with 4001 (token expired)%1"_qs.arg(detail));
        return;
    case int(CloseCode::Forbidden):
        authRefused(u"upstream closed the connection with 4003 (forbidden)%1"_qs.arg(detail));
        return;
    case int(CloseCode::GoingAway):
        connectionLost(u"upstream is shutting down (close 1001)"_qs);
        return;
    default:
        connectionLost(u"upstream closed the connection (close %1%2)"_qs.arg(code).arg(detail));
        return;
    }
}

void RelayFeed::onSocketError()
{
    QWebSocket *socket = m_socket;
    if (!socket || sender() != socket)
        return;
    const QString error = socket->errorString();
    if (m_phase == Phase::Connecting) {
        connectFailed(error);
        return;
    }
    // A connected socket follows its error with disconnected(), which carries the close code;
    // should it not, report the loss on the next pass.
    QTimer::singleShot(0, this, [this, socket = QPointer<QWebSocket>(socket), error] {
        if (socket && m_socket == socket && socket->state() == QAbstractSocket::UnconnectedState)
            connectionLost(u"lost the connection to upstream: %1"_qs.arg(error));
    });
}

void RelayFeed::connectFailed(const QString &error)
{
    if (hasHttpStatus(error, 401)) {
        authRefused(u"upstream refused the handshake with HTTP 401: the token is missing, "
                    "invalid or expired"_qs);
    } else if (hasHttpStatus(error, 403)) {
        authRefused(u"upstream refused the handshake with HTTP 403: the token lacks the read "
                    "scope, or the request was forbidden"_qs);
    } else {
        connectionLost(u"cannot connect to upstream: %1"_qs.arg(
            error.isEmpty() ? u"connection closed during the handshake"_qs : error));
    }
}

void RelayFeed::connectionLost(const QString &reason)
{
    retireSocket(false);
    m_watchdog.stop();
    m_pendingSubscribes.clear();
    if (m_phase == Phase::Stopped)
        return;
    qCWarning(lcRelay).noquote() << describe() << reason;
    m_phase = Phase::Connecting;
    m_lastProblem = reason;
    setStatus(reason, false);
    // Schedules the next attempt (attemptScheduled updates the status with the delay).
    m_loop.failed(reason);
}

void RelayFeed::authRefused(const QString &reason)
{
    retireSocket(false);
    m_watchdog.stop();
    m_pendingSubscribes.clear();
    if (m_phase == Phase::Stopped)
        return;
    qCWarning(lcRelay).noquote() << describe() << reason;
    m_loop.stop();
    m_phase = Phase::AuthRefused;
    m_lastProblem = reason;
    setStatus(u"%1; retrying in %2 ms"_qs.arg(reason).arg(m_config.authRetryMs), false);
    m_authRetryTimer.start(m_config.authRetryMs);
}

void RelayFeed::onAttemptScheduled(qint64 delayMs)
{
    if (m_phase != Phase::Connecting)
        return;
    if (m_lastProblem.isEmpty())
        setStatus(u"connecting to %1"_qs.arg(describeUrl(m_config.url)), false);
    else
        setStatus(u"%1; reconnecting in %2 ms"_qs.arg(m_lastProblem).arg(delayMs), false);
}

void RelayFeed::notice(const QString &message)
{
    qCWarning(lcRelay).noquote() << describe() << message;
    setStatus(message);
}

void RelayFeed::onTextMessage(const QString &message)
{
    if (!m_socket || sender() != m_socket)
        return;
    m_lastActivityNs = Clock::monotonicNs();
    JsonReader::Error error;
    const std::optional<JsonValue> frame = JsonReader::parse(message, &error);
    const QString *op = frame && frame->isObject() ? stringMember(*frame, u"op") : nullptr;
    if (!op) {
        ++m_malformed;
        qCWarning(lcRelay).noquote()
            << describe()
            << "ignoring a frame that is not a message:" << (frame ? u"no op"_qs : error.message);
        return;
    }
    if (*op == u"ticks")
        onTicks(*frame);
    else if (*op == u"hello")
        onHello(*frame);
    else if (*op == u"subscribed")
        onSubscribed(*frame);
    else if (*op == u"gap")
        onGap(*frame);
    else if (*op == u"error")
        onError(*frame);
    // Other ops (pong, unsubscribed, ...) and unknown ones are ignored, as the protocol asks.
}

void RelayFeed::onHello(const JsonValue &frame)
{
    if (m_phase != Phase::AwaitHello)
        return;
    if (const auto version = integerMember(frame, u"version"); version && *version != 1) {
        connectionLost(
            u"upstream speaks protocol version %1; this relay speaks version 1"_qs.arg(*version));
        return;
    }
    const QString *epoch = stringMember(frame, u"epoch");
    if (!epoch || epoch->isEmpty()) {
        connectionLost(u"upstream's hello has no epoch"_qs);
        return;
    }
    if (const auto heartbeat = integerMember(frame, u"heartbeat_ms"))
        m_heartbeatMs = int(std::clamp<qint64>(*heartbeat, 1000, 300'000));

    bool withSince = true;
    if (m_epoch.isEmpty()) {
        // The first contact: live from now.
        m_epoch = *epoch;
        withSince = false;
    } else if (*epoch != m_epoch) {
        notice(u"upstream epoch changed from %1 to %2: its history was reset; relaying all it "
               "retains of the new history"_qs.arg(m_epoch, *epoch));
        resetForEpoch(*epoch);
    }
    m_phase = Phase::AwaitSubscribed;
    sendSubscribe(withSince);
    m_watchdog.start(m_heartbeatMs);
}

void RelayFeed::resetForEpoch(const QString &epoch)
{
    // Ticks of the old history that wait in the buffer or in flight still go out; only the
    // positions start over, from q 0 of every symbol so that nothing of the new one is missed.
    m_epoch = epoch;
    std::fill(m_received.begin(), m_received.end(), 0);
    m_emitted = m_received;
    m_durable = m_received;
    m_bufferMarks.clear();
    for (Marks &marks : m_unacked)
        marks.clear();
}

void RelayFeed::sendSubscribe(bool withSince)
{
    std::fill(m_sinceSeq.begin(), m_sinceSeq.end(), -1);
    const qsizetype count = m_symbols.size();
    for (qsizetype first = 0; first < count; first += ProtocolLimits::MaxSymbolsPerCommand) {
        const qsizetype last = std::min(count, first + ProtocolLimits::MaxSymbolsPerCommand);
        const qint64 id = m_nextId++;
        m_pendingSubscribes.insert(id);
        QByteArray out;
        out.append("{\"op\":\"subscribe\",\"id\":");
        TickJson::appendInteger(out, id);
        out.append(",\"symbols\":[");
        for (qsizetype i = first; i < last; ++i) {
            if (i > first)
                out.append(',');
            TickJson::appendString(out, m_symbols.at(i));
        }
        out.append(']');
        if (withSince) {
            out.append(",\"since\":{\"epoch\":");
            TickJson::appendString(out, m_epoch);
            out.append(",\"seq\":{");
            bool firstEntry = true;
            for (qsizetype i = first; i < last; ++i) {
                const qint64 q = m_received[size_t(i)];
                if (q < 0)
                    continue; // never seen: live from now
                if (!firstEntry)
                    out.append(',');
                firstEntry = false;
                TickJson::appendString(out, m_symbols.at(i));
                out.append(':');
                TickJson::appendInteger(out, q);
                m_sinceSeq[size_t(i)] = q;
            }
            out.append("}}");
        }
        out.append('}');
        m_socket->sendTextMessage(QString::fromUtf8(out));
    }
}

void RelayFeed::onSubscribed(const JsonValue &frame)
{
    if (m_phase != Phase::AwaitSubscribed && m_phase != Phase::Streaming)
        return;
    const auto id = integerMember(frame, u"id");
    if (!id || !m_pendingSubscribes.contains(*id))
        return;
    if (const QString *epoch = stringMember(frame, u"epoch"); epoch && *epoch != m_epoch) {
        // The store was reset between hello and now: start over in the new history.
        notice(u"upstream epoch changed from %1 to %2 during the subscription"_qs.arg(m_epoch,
                                                                                      *epoch));
        resetForEpoch(*epoch);
        connectionLost(u"upstream epoch changed during the subscription"_qs);
        return;
    }
    const JsonValue *symbols = frame.member(u"symbols");
    if (!symbols || !symbols->isObject()) {
        connectionLost(u"upstream's subscribed reply has no symbols object"_qs);
        return;
    }
    for (const auto &[symbol, entry] : symbols->members()) {
        const int index = m_symbolIndex.value(symbol, -1);
        if (index < 0 || !entry.isObject())
            continue;
        const auto next = integerMember(entry, u"next");
        if (!next || *next < 1) {
            ++m_malformed;
            continue;
        }
        const JsonValue *recovered = entry.member(u"recovered");
        if (recovered && recovered->isBool() && !recovered->toBool()) {
            const qint64 given = m_sinceSeq[size_t(index)];
            const qint64 lost = given >= 0 ? std::max<qint64>(0, *next - 1 - given) : 0;
            m_lost += lost;
            if (lost > 0)
                notice(u"upstream could not recover %1: q %2..%3 are lost; relaying from q %4"_qs
                           .arg(symbol)
                           .arg(given + 1)
                           .arg(*next - 1)
                           .arg(*next));
            else
                notice(u"upstream could not recover %1 from q %2; relaying from q %3"_qs.arg(symbol)
                           .arg(given + 1)
                           .arg(*next));
        }
        // Continue from where upstream says, whether or not it could recover.
        advance(index, *next - 1);
    }
    m_pendingSubscribes.remove(*id);
    if (m_pendingSubscribes.isEmpty() && m_phase == Phase::AwaitSubscribed) {
        m_phase = Phase::Streaming;
        m_lastProblem.clear();
        m_loop.succeeded();
        qCInfo(lcRelay).noquote() << describe() << "streaming" << m_symbols.size() << "symbols";
        setStatus(u"relaying %1 %2 from %3"_qs.arg(m_symbols.size())
                      .arg(m_symbols.size() == 1 ? u"symbol"_qs : u"symbols"_qs,
                           describeUrl(m_config.url)),
                  true);
    }
    flush();
}

void RelayFeed::onTicks(const JsonValue &frame)
{
    if (m_phase != Phase::Streaming && m_phase != Phase::AwaitSubscribed)
        return;
    const JsonValue *items = frame.member(u"ticks");
    if (!items || !items->isArray()) {
        ++m_malformed;
        return;
    }
    std::vector<qint64> seqs = m_received;
    Marks marks;
    TickList accepted;
    accepted.reserve(qsizetype(items->items().size()));
    qint64 duplicates = 0;
    qint64 skipped = 0;
    bool malformed = false;
    for (const JsonValue &item : items->items()) {
        const QString *symbol = item.isObject() ? stringMember(item, u"s") : nullptr;
        if (!symbol) {
            malformed = true;
            continue;
        }
        const int index = m_symbolIndex.value(*symbol, -1);
        if (index < 0)
            continue; // not one of ours
        const auto q = integerMember(item, u"q");
        const auto t = integerMember(item, u"t");
        const JsonValue *p = item.member(u"p");
        const JsonValue *v = item.member(u"v");
        if (!q || *q < 1 || !t || *t < 0 || *t >= ProtocolLimits::MaxTimeUs || !p ||
            !p->isNumber() || !std::isfinite(p->toDouble()) ||
            (v && (!v->isNumber() || !std::isfinite(v->toDouble()) || v->toDouble() < 0))) {
            malformed = true;
            continue;
        }
        qint64 &last = seqs[size_t(index)];
        if (last >= 0 && *q <= last) {
            ++duplicates;
            continue;
        }
        if (last >= 0 && *q > last + 1) {
            skipped += *q - last - 1;
            qCWarning(lcRelay).noquote() << describe() << "upstream skipped" << *symbol << "q"
                                         << last + 1 << ".." << *q - 1 << "without a gap";
        }
        last = *q;
        marks.insert(index, *q);
        accepted.append(Tick{m_symbols.at(index), 0, *t, p->toDouble(), v ? v->toDouble() : 0.0});
    }
    if (malformed)
        ++m_malformed;
    m_duplicates += duplicates;
    if (accepted.isEmpty())
        return;

    // Hand on what waits, if the server takes it now. Whoever receives it may stop us or
    // refuse the batch (a rollback): then this frame belongs to a connection that is gone.
    const quint64 connection = m_connection;
    flush();
    if (connection != m_connection)
        return;
    if (m_buffer.size() + accepted.size() > m_config.maxBufferedTicks &&
        !(m_buffer.isEmpty() && isAccepting())) {
        // Not taking this frame: upstream keeps it, we fetch it again with `since`.
        holdBack();
        return;
    }
    m_lost += skipped;
    m_received = std::move(seqs);
    for (auto it = marks.cbegin(); it != marks.cend(); ++it)
        m_bufferMarks.insert(it.key(), it.value());
    m_buffer.append(std::move(accepted));
    flush();
}

void RelayFeed::onGap(const JsonValue &frame)
{
    if (m_phase != Phase::Streaming && m_phase != Phase::AwaitSubscribed)
        return;
    const QString *symbol = stringMember(frame, u"symbol");
    const auto from = integerMember(frame, u"from");
    const auto to = integerMember(frame, u"to");
    if (!symbol || !from || !to || *from < 1 || *to < *from) {
        ++m_malformed;
        return;
    }
    const int index = m_symbolIndex.value(*symbol, -1);
    if (index < 0)
        return;
    m_lost += *to - *from + 1;
    notice(u"upstream lost %1 q %2..%3 (gap): the relay cannot recover them"_qs.arg(*symbol)
               .arg(*from)
               .arg(*to));
    if (*to > m_received[size_t(index)])
        advance(index, *to);
    flush();
}

void RelayFeed::onError(const JsonValue &frame)
{
    const auto id = integerMember(frame, u"id");
    const QString *code = stringMember(frame, u"code");
    const QString *message = stringMember(frame, u"message");
    const QString text =
        u"%1: %2"_qs.arg(code ? *code : u"error"_qs, message ? message->left(300) : QString());
    if (!id || !m_pendingSubscribes.contains(*id)) {
        qCWarning(lcRelay).noquote() << describe() << "upstream error" << text;
        return;
    }
    if (code && (*code == u"invalid_token" || *code == u"forbidden"))
        authRefused(u"upstream refused the subscription (%1)"_qs.arg(text));
    else
        connectionLost(u"upstream refused the subscription (%1)"_qs.arg(text));
}

void RelayFeed::onWatchdog()
{
    if (!m_socket || (m_phase != Phase::Streaming && m_phase != Phase::AwaitSubscribed))
        return;
    const qint64 silentMs = (Clock::monotonicNs() - m_lastActivityNs) / 1'000'000;
    if (silentMs > qint64(MissedHeartbeats) * m_heartbeatMs) {
        connectionLost(u"upstream stalled: nothing received for %1 ms"_qs.arg(silentMs));
        return;
    }
    m_socket->ping();
}

void RelayFeed::holdBack()
{
    qCInfo(lcRelay).noquote() << describe() << "holding back:" << m_buffer.size()
                              << "ticks buffered, the local writer is full";
    retireSocket(true);
    m_watchdog.stop();
    m_pendingSubscribes.clear();
    m_loop.stop();
    m_phase = Phase::HeldBack;
    setStatus(u"holding back: the local writer is full; %1 ticks buffered, upstream keeps the "
              "rest"_qs.arg(m_buffer.size()));
    if (!m_drainTimer.isActive())
        m_drainTimer.start();
}

void RelayFeed::resumed()
{
    flush();
}

void RelayFeed::onDrainTimer()
{
    flush();
    if (m_buffer.isEmpty())
        m_drainTimer.stop();
}

void RelayFeed::advance(int index, qint64 q)
{
    m_received[size_t(index)] = q;
    m_bufferMarks.insert(index, q);
}

void RelayFeed::applyMarks(const Marks &marks, std::vector<qint64> &positions)
{
    for (auto it = marks.cbegin(); it != marks.cend(); ++it)
        positions[size_t(it.key())] = it.value();
}

void RelayFeed::flush()
{
    if (m_buffer.isEmpty()) {
        if (!m_bufferMarks.isEmpty()) {
            // Positions moved without ticks (subscribed, gap): they follow the ticks before them.
            const Marks marks = std::exchange(m_bufferMarks, {});
            applyMarks(marks, m_emitted);
            if (m_config.awaitAcknowledgements && !m_unacked.empty()) {
                Marks &pending = m_unacked.back();
                for (auto it = marks.cbegin(); it != marks.cend(); ++it) {
                    if (m_durable[size_t(it.key())] < 0)
                        m_durable[size_t(it.key())] = it.value(); // nothing to wait for
                    pending.insert(it.key(), it.value());
                }
            } else {
                applyMarks(marks, m_durable);
            }
        }
    } else if (!isAccepting()) {
        if (!m_drainTimer.isActive())
            m_drainTimer.start();
        return;
    } else {
        m_drainTimer.stop();
        const TickList batch = std::exchange(m_buffer, {});
        Marks marks = std::exchange(m_bufferMarks, {});
        applyMarks(marks, m_emitted);
        if (m_config.awaitAcknowledgements)
            m_unacked.push_back(std::move(marks));
        else
            applyMarks(marks, m_durable);
        m_relayed += batch.size();
        // May re-enter through acknowledge(false), which rolls back and reconnects.
        emit ticks(batch);
    }
    if (m_phase == Phase::HeldBack && m_buffer.isEmpty()) {
        qCInfo(lcRelay).noquote() << describe() << "buffer drained; resuming from upstream";
        m_phase = Phase::Connecting;
        m_lastProblem.clear();
        m_loop.start();
    }
}

void RelayFeed::acknowledge(bool durable)
{
    if (!m_config.awaitAcknowledgements)
        return;
    if (m_ignoreAcks > 0) {
        --m_ignoreAcks;
        return;
    }
    if (m_unacked.empty()) {
        qCWarning(lcRelay).noquote() << describe() << "acknowledge() without a batch in flight";
        return;
    }
    const Marks marks = std::move(m_unacked.front());
    m_unacked.pop_front();
    if (durable) {
        applyMarks(marks, m_durable);
        return;
    }
    // The batch is lost on our side: go back to the last durable position and let upstream
    // send the rest again.
    m_ignoreAcks += qsizetype(m_unacked.size());
    m_unacked.clear();
    m_buffer.clear();
    m_bufferMarks.clear();
    m_received = m_durable;
    m_emitted = m_durable;
    notice(u"the local store refused relayed ticks; fetching them again from upstream"_qs);
    if (m_phase == Phase::Stopped || m_phase == Phase::AuthRefused)
        return;
    retireSocket(false);
    m_watchdog.stop();
    m_drainTimer.stop();
    m_pendingSubscribes.clear();
    m_loop.stop();
    m_phase = Phase::Connecting;
    m_lastProblem.clear();
    m_loop.start();
}

} // namespace tickscope
