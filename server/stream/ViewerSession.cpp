#include "ViewerSession.h"

#include "Hub.h"
#include "TextFrame.h"
#include "auth/JwtVerifier.h"
#include "core/Clock.h"
#include "history/BatchWriter.h"
#include "history/TickHistory.h"
#include "limits/RateLimiter.h"
#include "metrics/ServerMetrics.h"
#include "protocol/CommandParser.h"
#include "protocol/ServerMessage.h"

#include <QDateTime>
#include <QSet>

namespace tickscope {

namespace {
constexpr int BadFrameLimit = 20;
constexpr qint64 BadFrameWindowMs = 10'000;
constexpr int MaxMissedPongs = 4;
constexpr qint64 FrameTarget = qint64{256} * 1024;       // send a frame once it is this big
constexpr qint64 CatchUpSliceBytes = qint64{256} * 1024; // bytes read per catch-up step
constexpr qint64 CatchUpSliceTicks = 10'000;
constexpr qint64 StoreRetryMs = 500;
constexpr size_t MaxQueuedCommands = 1024;
} // namespace

ViewerSession::ViewerSession(QWebSocket *socket, QTcpSocket *transport, const Claims &claims,
                             const QString &sessionId, const Services &services, QObject *parent)
    : QObject(parent), m_socket(socket), m_transport(transport), m_claims(claims),
      m_sessionId(sessionId), m_services(services),
      m_connectedAtMs(QDateTime::currentMSecsSinceEpoch())
{
    m_clock.start();
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingMessageSize(ProtocolLimits::MaxClientMessageBytes);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &ViewerSession::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &ViewerSession::onBinaryMessage);
    connect(m_socket, &QWebSocket::disconnected, this, &ViewerSession::onDisconnected);
    connect(m_socket, &QWebSocket::pong, this, [this] { m_missedPongs = 0; });
    connect(m_socket, &QWebSocket::bytesWritten, this, [this] {
        if (m_catchingUp > 0 && !backedUp())
            pump();
    });
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, [this] {
        // The timer may fire early for far-away expiries; re-arm until it is due.
        if (QDateTime::currentSecsSinceEpoch() < m_claims.exp + m_services.leewaySeconds) {
            scheduleExpiry();
            return;
        }
        closeWith(CloseCode::TokenExpired, u"token expired"_qs);
    });
}

ViewerSession::~ViewerSession()
{
    if (m_services.hub)
        m_services.hub->removeAll(this, m_subscriptions.keys());
    if (m_services.metrics && m_catchingUp > 0)
        m_services.metrics->viewerCaughtUp();
}

QString ViewerSession::peer() const
{
    QString address = m_socket->peerAddress().toString();
    if (address.startsWith(u"::ffff:"))
        address = address.sliced(7);
    return address + u':' + QString::number(m_socket->peerPort());
}

void ViewerSession::start(const QString &serverVersion)
{
    send(ServerMessage::hello(serverVersion, m_services.history->epoch(), m_sessionId,
                              m_services.heartbeatMs));
    if (!m_services.insecure)
        scheduleExpiry();
}

void ViewerSession::scheduleExpiry()
{
    const qint64 dueMs =
        (m_claims.exp + m_services.leewaySeconds) * 1000 - QDateTime::currentMSecsSinceEpoch();
    // QTimer takes an int of milliseconds: cap at a day and re-arm when it fires.
    m_expiry.start(int(std::clamp<qint64>(dueMs + 1, 0, 86'400'000)));
}

void ViewerSession::closeWith(CloseCode code, const QString &reason)
{
    if (m_closing)
        return;
    m_closing = true;
    sendFrame();
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
}

void ViewerSession::onDisconnected()
{
    m_closing = true;
    emit finished(this);
}

void ViewerSession::heartbeat()
{
    if (m_closing)
        return;
    if (m_missedPongs >= MaxMissedPongs) {
        // A stalled peer: nothing it sent back for four intervals.
        m_closing = true;
        m_socket->abort();
        return;
    }
    ++m_missedPongs;
    m_socket->ping();
}

// --- incoming frames -------------------------------------------------------------

void ViewerSession::badFrame(std::optional<qint64> id, ErrorCode code, const QString &message)
{
    const qint64 now = m_clock.elapsed();
    m_badFrameTimesMs.push_back(now);
    while (!m_badFrameTimesMs.empty() && m_badFrameTimesMs.front() <= now - BadFrameWindowMs)
        m_badFrameTimesMs.pop_front();
    if (m_badFrameTimesMs.size() > size_t(BadFrameLimit)) {
        closeWith(CloseCode::PolicyViolation, u"more than 20 bad frames in 10 s"_qs);
        return;
    }
    PendingCommand pending;
    pending.command.id = id;
    pending.command.body = PingCommand{};
    pending.stage = Stage::Done;
    pending.reply = ServerMessage::error(id, code, message);
    m_commands.push_back(std::move(pending));
    processCommands();
}

void ViewerSession::onBinaryMessage(const QByteArray &)
{
    badFrame(std::nullopt, ErrorCode::BadRequest,
             u"binary frames are not part of the JSON protocol"_qs);
}

void ViewerSession::onTextMessage(const QString &message)
{
    if (m_closing)
        return;
    auto parsed = CommandParser::parse(QStringView(message));
    if (!parsed.ok()) {
        badFrame(parsed.id, parsed.error.code, parsed.error.message);
        return;
    }
    if (m_commands.size() >= MaxQueuedCommands) {
        closeWith(CloseCode::PolicyViolation, u"too many commands awaiting replies"_qs);
        return;
    }
    // Command rate per token subject, by the token's tier.
    const TierLimits tier = m_services.tiers->value(
        m_claims.tier, m_services.tiers->value(QString(TierLimits::DefaultTier)));
    if (!tier.unlimited && m_services.commandLimiter) {
        // Per subject and per address (PROTOCOL.md section 7), both sized by the token's
        // tier; an address may carry a few subjects.
        const qint64 now = Clock::monotonicNs();
        auto decision = m_services.commandLimiter->check(
            u"sub:"_qs + m_claims.sub, tier.commandsPerSecond, tier.commandsBurst, now);
        if (decision.allowed) {
            decision = m_services.commandLimiter->check(
                u"ip:"_qs + m_socket->peerAddress().toString(),
                tier.commandsPerSecond * TierLimits::AddressFactor,
                tier.commandsBurst * TierLimits::AddressFactor, now);
        }
        if (!decision.allowed) {
            m_services.metrics->rateLimited(RateLimitScope::Command);
            PendingCommand pending;
            pending.command.id = parsed.command->id;
            pending.command.body = PingCommand{};
            pending.stage = Stage::Done;
            pending.reply = ServerMessage::error(
                parsed.command->id, ErrorCode::RateLimited,
                u"too many commands for tier %1; retry later"_qs.arg(m_claims.tier),
                decision.retryAfterMs);
            m_commands.push_back(std::move(pending));
            processCommands();
            return;
        }
    }
    PendingCommand pending;
    pending.command = std::move(*parsed.command);
    m_commands.push_back(std::move(pending));
    processCommands();
}

// --- the command queue: replies leave in the order commands came -----------------

void ViewerSession::processCommands()
{
    if (m_processing)
        return;
    m_processing = true;
    bool progress = true;
    while (progress && !m_closing) {
        progress = false;
        // Start what may start: anything when nothing before it runs; a publish also
        // behind running publishes, so that producers can pipeline.
        bool onlyPublishesRunning = true;
        bool anyRunning = false;
        for (PendingCommand &pending : m_commands) {
            if (pending.stage == Stage::Running) {
                anyRunning = true;
                onlyPublishesRunning = onlyPublishesRunning && pending.isPublish();
                continue;
            }
            if (pending.stage == Stage::Done)
                continue;
            const bool mayStart = !anyRunning || (pending.isPublish() && onlyPublishesRunning);
            if (!mayStart)
                break;
            pending.stage = Stage::Running;
            startCommand(pending);
            progress = true;
            if (pending.stage == Stage::Running) {
                anyRunning = true;
                onlyPublishesRunning = onlyPublishesRunning && pending.isPublish();
            }
        }
        // Send the replies that are ready, in order.
        while (!m_commands.empty() && m_commands.front().stage == Stage::Done) {
            PendingCommand done = std::move(m_commands.front());
            m_commands.pop_front();
            sendFrame(); // ticks gathered so far go before the reply
            send(done.reply);
            if (done.afterReply)
                done.afterReply();
            progress = true;
        }
    }
    m_processing = false;
}

void ViewerSession::finishCommand(PendingCommand *pending, QByteArray reply)
{
    pending->reply = std::move(reply);
    pending->stage = Stage::Done;
}

void ViewerSession::startCommand(PendingCommand &pending)
{
    std::visit(
        [this, &pending](const auto &body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, SubscribeCommand>)
                runSubscribe(pending, body);
            else if constexpr (std::is_same_v<T, UnsubscribeCommand>)
                runUnsubscribe(pending, body);
            else if constexpr (std::is_same_v<T, HistoryCommand>)
                runHistory(pending, body);
            else if constexpr (std::is_same_v<T, PublishCommand>)
                runPublish(pending, body);
            else if constexpr (std::is_same_v<T, RefreshCommand>)
                runRefresh(pending, body);
            else
                finishCommand(&pending, ServerMessage::pong(pending.command.id, Clock::nowUs()));
        },
        pending.command.body);
}

void ViewerSession::runSubscribe(PendingCommand &pending, const SubscribeCommand &command)
{
    const auto id = pending.command.id;
    for (const QString &symbol : command.symbols) {
        if (!m_claims.allowsSymbol(symbol)) {
            finishCommand(&pending, ServerMessage::error(
                                        id, ErrorCode::Forbidden,
                                        u"the token does not allow symbol \"%1\""_qs.arg(symbol)));
            return;
        }
    }
    qsizetype added = 0;
    for (const QString &symbol : command.symbols)
        added += m_subscriptions.contains(symbol) ? 0 : 1;
    if (m_subscriptions.size() + added > ProtocolLimits::MaxSymbolsPerConnection) {
        finishCommand(&pending,
                      ServerMessage::error(id, ErrorCode::TooManySymbols,
                                           u"a connection subscribes to at most %1 symbols"_qs.arg(
                                               ProtocolLimits::MaxSymbolsPerConnection)));
        return;
    }

    const QString epoch = m_services.history->epoch();
    const bool sameEpoch = command.since && command.since->epoch == epoch;
    // With a shared store another server may have stored ticks we have not heard of yet: a
    // `since` beyond our newest q is checked against the store before it counts as lost.
    if (sameEpoch && !pending.storeChecked) {
        QStringList ahead;
        for (const QString &symbol : command.symbols) {
            const auto given = command.since->seq.constFind(symbol);
            if (given != command.since->seq.cend() &&
                *given > m_services.history->state(symbol).value_or(SymbolState{}).lastSeq)
                ahead.append(symbol);
        }
        if (!ahead.isEmpty()) {
            PendingCommand *target = &pending;
            QPointer<ViewerSession> self(this);
            m_services.history->store()->run([self, target, ahead, command](TickStore *store) {
                QHash<QString, SymbolState> states;
                for (const QString &symbol : ahead) {
                    if (const auto state = store->symbol(symbol))
                        states.insert(symbol, *state);
                }
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, target, command, states] {
                        if (!self)
                            return;
                        target->storeStates = states;
                        target->storeChecked = true;
                        self->runSubscribe(*target, command);
                        self->processCommands();
                    },
                    Qt::QueuedConnection);
            });
            return;
        }
    }
    QList<ServerMessage::SubscribedSymbol> replies;
    QList<std::pair<QString, Subscription>> subscriptions;
    for (const QString &symbol : command.symbols) {
        SymbolState state =
            m_services.history->state(symbol).value_or(SymbolState{symbol, 0, 0, 0, 0.0});
        if (const auto stored = pending.storeStates.constFind(symbol);
            stored != pending.storeStates.cend() && stored->lastSeq > state.lastSeq)
            state = *stored;
        const qint64 newest = state.lastSeq;
        // The oldest q a client can still get: nothing retained means newest + 1.
        const qint64 oldest = state.firstSeq > 0 ? state.firstSeq : newest + 1;
        ServerMessage::SubscribedSymbol reply{symbol, true, newest + 1};
        if (command.since && command.since->seq.contains(symbol)) {
            const qint64 given = command.since->seq.value(symbol);
            if (!sameEpoch || given > newest || given + 1 < oldest) {
                reply.recovered = false;
                reply.next = oldest;
            } else {
                reply.next = given + 1;
            }
        }
        // A symbol not named in since.seq starts live with recovered true, whatever the
        // epoch (PROTOCOL.md section 5).
        replies.append(reply);
        Subscription subscription;
        subscription.next = reply.next;
        subscription.live = reply.next > newest;
        subscriptions.append({symbol, subscription});
    }
    finishCommand(&pending, ServerMessage::subscribed(id, epoch, replies));
    // Ticks the subscription brings go after the reply.
    pending.afterReply = [this, subscriptions] {
        for (const auto &[symbol, subscription] : subscriptions) {
            auto it = m_subscriptions.find(symbol);
            if (it == m_subscriptions.end()) {
                it = m_subscriptions.insert(symbol, Subscription{subscription.next, true, false});
                m_services.hub->add(this, symbol);
            } else {
                it->next = subscription.next;
                it->fetching = false;
            }
            setLive(*it, subscription.live);
        }
        if (m_catchingUp > 0)
            pump();
    };
}

void ViewerSession::runUnsubscribe(PendingCommand &pending, const UnsubscribeCommand &command)
{
    unsubscribeSymbols(command.symbols);
    finishCommand(&pending, ServerMessage::unsubscribed(pending.command.id, command.symbols));
}

void ViewerSession::unsubscribeSymbols(const QStringList &symbols)
{
    for (const QString &symbol : symbols) {
        auto it = m_subscriptions.find(symbol);
        if (it == m_subscriptions.end())
            continue;
        setLive(*it, true); // keeps the catching-up count right
        m_subscriptions.erase(it);
        m_services.hub->remove(this, symbol);
    }
}

void ViewerSession::runHistory(PendingCommand &pending, const HistoryCommand &command)
{
    const auto id = pending.command.id;
    if (!m_claims.allowsSymbol(command.symbol)) {
        finishCommand(
            &pending,
            ServerMessage::error(id, ErrorCode::Forbidden,
                                 u"the token does not allow symbol \"%1\""_qs.arg(command.symbol)));
        return;
    }
    const auto state = m_services.history->state(command.symbol);
    if (!state || state->lastSeq == 0) {
        finishCommand(&pending, ServerMessage::error(
                                    id, ErrorCode::UnknownSymbol,
                                    u"symbol \"%1\" never had a tick"_qs.arg(command.symbol)));
        return;
    }
    const qint64 newest = state->lastSeq;
    const qint64 from = std::max(command.from, state->firstSeq > 0 ? state->firstSeq : newest + 1);
    const auto reply = [id, symbol = command.symbol, newest](const TickHistory::Slice &slice) {
        QByteArray out = "{\"op\":\"history\"";
        if (id)
            out += ",\"id\":" + QByteArray::number(*id);
        out += ",\"symbol\":\"" + symbol.toLatin1() + "\",\"ticks\":[";
        out += slice.json;
        out += "],\"next\":";
        out += (slice.count > 0 && slice.lastSeq < newest) ? QByteArray::number(slice.lastSeq + 1)
                                                           : QByteArray("null");
        out += '}';
        return out;
    };
    if (from > newest) {
        finishCommand(&pending, reply(TickHistory::Slice{}));
        return;
    }
    TickHistory::Slice slice;
    PendingCommand *target = &pending;
    const bool ready = m_services.history->read(
        command.symbol, from, command.limit, ProtocolLimits::MaxServerMessageBytes - 4096, &slice,
        this, [this, target, reply, id](const TickHistory::Slice &result) {
            if (!result.ok) {
                finishCommand(target, ServerMessage::error(id, ErrorCode::Unavailable,
                                                           u"the history store cannot be read "
                                                           "now: %1"_qs.arg(result.error),
                                                           StoreRetryMs));
            } else {
                finishCommand(target, reply(result));
            }
            processCommands();
        });
    if (ready)
        finishCommand(&pending, reply(slice));
}

void ViewerSession::runPublish(PendingCommand &pending, const PublishCommand &command)
{
    const auto id = pending.command.id;
    if (!m_claims.hasScope(Claims::ScopePublish)) {
        finishCommand(&pending, ServerMessage::error(id, ErrorCode::Forbidden,
                                                     u"publishing needs the publish scope"_qs));
        return;
    }
    for (const Tick &tick : command.ticks) {
        if (!m_claims.allowsSymbol(tick.symbol)) {
            finishCommand(&pending,
                          ServerMessage::error(
                              id, ErrorCode::Forbidden,
                              u"the token does not allow symbol \"%1\""_qs.arg(tick.symbol)));
            return;
        }
    }
    // The writer calls back directly, so guard against a session closed meanwhile.
    // Pending commands live in a deque: their addresses stay valid until popped.
    PendingCommand *target = &pending;
    QPointer<ViewerSession> self(this);
    const bool queued = m_services.writer->submit(command.ticks, [this, self, target, id](
                                                                     bool ok, const TickList &ticks,
                                                                     const QString &error) {
        if (!self)
            return;
        if (!ok) {
            finishCommand(target, ServerMessage::error(
                                      id, ErrorCode::Unavailable,
                                      u"the history store did not take the ticks: %1"_qs.arg(error),
                                      StoreRetryMs));
        } else {
            QList<ServerMessage::PublishedRange> ranges;
            QHash<QString, qsizetype> index;
            for (const Tick &tick : ticks) {
                const auto it = index.constFind(tick.symbol);
                if (it == index.cend()) {
                    index.insert(tick.symbol, ranges.size());
                    ranges.append({tick.symbol, tick.seq, tick.seq});
                } else {
                    ranges[*it].last = tick.seq;
                }
            }
            finishCommand(target, ServerMessage::published(id, ranges));
        }
        processCommands();
    });
    if (!queued) {
        finishCommand(&pending, ServerMessage::error(id, ErrorCode::Unavailable,
                                                     u"the history store is behind; retry later"_qs,
                                                     m_services.writer->flushWindowMs() * 4 + 50));
    }
}

void ViewerSession::runRefresh(PendingCommand &pending, const RefreshCommand &command)
{
    const auto id = pending.command.id;
    const VerifyResult verified =
        m_services.verifier->verify(command.token, QDateTime::currentSecsSinceEpoch());
    if (!verified.ok) {
        finishCommand(&pending, ServerMessage::error(id, ErrorCode::InvalidToken,
                                                     u"invalid token: %1"_qs.arg(verified.reason)));
        return;
    }
    m_claims = verified.claims;
    finishCommand(&pending, ServerMessage::refreshed(id, m_claims.exp));
    pending.afterReply = [this] {
        if (!m_claims.hasScope(Claims::ScopeRead)) {
            closeWith(CloseCode::Forbidden, u"the refreshed token lacks the read scope"_qs);
            return;
        }
        QStringList outside;
        for (auto it = m_subscriptions.cbegin(); it != m_subscriptions.cend(); ++it) {
            if (!m_claims.allowsSymbol(it.key()))
                outside.append(it.key());
        }
        if (!outside.isEmpty()) {
            outside.sort();
            unsubscribeSymbols(outside);
            send(ServerMessage::unsubscribed(std::nullopt, outside));
        }
        if (!m_services.insecure)
            scheduleExpiry();
    };
}

// --- outgoing ticks ---------------------------------------------------------------

void ViewerSession::setLive(Subscription &subscription, bool live)
{
    if (subscription.live == live)
        return;
    subscription.live = live;
    const bool wasCatchingUp = m_catchingUp > 0;
    m_catchingUp += live ? -1 : 1;
    if (!wasCatchingUp && m_catchingUp > 0)
        m_services.metrics->viewerCatchingUp();
    else if (wasCatchingUp && m_catchingUp == 0)
        m_services.metrics->viewerCaughtUp();
}

qint64 ViewerSession::queuedBytes() const
{
    return m_socket->bytesToWrite() + m_frame.size() + m_deferredBytes;
}

qint64 ViewerSession::lagTicks() const
{
    if (m_catchingUp == 0 || !m_services.history)
        return 0;
    qint64 lag = 0;
    for (auto it = m_subscriptions.cbegin(); it != m_subscriptions.cend(); ++it) {
        if (it->live)
            continue;
        if (const auto state = m_services.history->state(it.key()))
            lag += std::max<qint64>(0, state->lastSeq - (it->next - 1));
    }
    return lag;
}

bool ViewerSession::backedUp() const
{
    // Leave room for one more frame under the cap: a full one, or half the cap when the
    // cap is below 2 MiB (else a small cap would never let a frame out).
    const qint64 room = std::min(ProtocolLimits::MaxServerMessageBytes, m_services.queueCap / 2);
    return queuedBytes() > m_services.queueCap - room;
}

qint64 ViewerSession::catchUpFrameBytes() const
{
    // Catch-up frames fit in the room backedUp() leaves, also under a small cap.
    return std::clamp<qint64>(m_services.queueCap / 4, 4096, CatchUpSliceBytes);
}

void ViewerSession::deliver(const TickChunkPtr &chunk, quint64 batchId)
{
    if (batchId != m_batchId) {
        m_batchId = batchId;
        m_batchWhole = m_frame.isEmpty() && m_deferred.empty();
        m_batchChunks = 0;
    }
    auto it = m_subscriptions.find(chunk->symbol);
    if (it == m_subscriptions.end() || !it->live || m_closing)
        return;
    Subscription &subscription = *it;
    if (chunk->lastSeq < subscription.next)
        return;
    if (chunk->firstSeq > subscription.next) {
        // Should not happen on one thread, but never skip ticks silently.
        setLive(subscription, false);
        return;
    }
    const QByteArrayView bytes = chunk->from(subscription.next);
    const qint64 count = chunk->lastSeq - subscription.next + 1;
    if (subscription.next != chunk->firstSeq)
        m_batchWhole = false;
    if (m_frame.size() + m_deferredBytes + bytes.size() + 64 >
        ProtocolLimits::MaxServerMessageBytes) {
        sendFrame();
        m_batchWhole = false;
    }
    if (bytes.size() + 64 > ProtocolLimits::MaxServerMessageBytes) {
        // A chunk larger than a frame: let catch-up send it in slices.
        setLive(subscription, false);
        return;
    }
    if (m_batchWhole) {
        m_deferredBytes += m_deferred.empty()
                               ? qsizetype(ServerMessage::ticksPrefix().size()) + bytes.size()
                               : 1 + bytes.size();
        m_deferred.push_back(chunk);
        m_frameTicks += count;
    } else {
        appendToFrame(bytes, count);
    }
    ++m_batchChunks;
    subscription.next = chunk->lastSeq + 1;
}

void ViewerSession::endOfBatch(qint64 committedNs, size_t chunkCount,
                               const std::function<const QByteArray &()> &wholeBatch)
{
    if ((m_frame.isEmpty() && m_deferred.empty()) || m_closing)
        return;
    if (m_batchWhole && m_batchChunks == chunkCount && m_frame.isEmpty()) {
        // The same frame as every viewer of all these symbols: send the shared one.
        m_services.metrics->ticksSent(m_frameTicks);
        sendEncoded(wholeBatch());
        m_deferred.clear();
        m_deferredBytes = 0;
        m_frameTicks = 0;
    } else {
        sendFrame();
    }
    m_services.metrics->observeTickLatency(double(Clock::monotonicNs() - committedNs) / 1e9);
    if (backedUp()) {
        // A slow consumer: stop queueing live ticks; it reads history at its own pace.
        m_services.metrics->slowConsumer();
        for (auto &subscription : m_subscriptions)
            setLive(subscription, false);
    }
    if (m_catchingUp > 0 && !backedUp())
        pump();
}

void ViewerSession::materialize()
{
    if (m_deferred.empty())
        return;
    m_frame.reserve(std::max<qsizetype>(4096, m_deferredBytes + 64));
    m_frame.append(ServerMessage::ticksPrefix());
    for (size_t i = 0; i < m_deferred.size(); ++i) {
        if (i)
            m_frame.append(',');
        m_frame.append(m_deferred[i]->json);
    }
    m_deferred.clear();
    m_deferredBytes = 0;
}

void ViewerSession::appendToFrame(QByteArrayView ticksJson, qint64 count)
{
    materialize();
    if (m_frame.isEmpty()) {
        m_frame.reserve(std::max<qsizetype>(4096, ticksJson.size() + 64));
        m_frame.append(ServerMessage::ticksPrefix());
    } else {
        m_frame.append(',');
    }
    m_frame.append(ticksJson.data(), ticksJson.size());
    m_frameTicks += count;
}

void ViewerSession::sendFrame()
{
    materialize();
    if (m_frame.isEmpty())
        return;
    m_frame.append(ServerMessage::ticksSuffix());
    m_services.metrics->ticksSent(m_frameTicks);
    send(m_frame);
    m_frame.clear();
    m_frameTicks = 0;
}

void ViewerSession::send(const QByteArray &message)
{
    sendEncoded(TextFrame::encode(message));
}

void ViewerSession::sendEncoded(const QByteArray &frame)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    const QByteArrayView payload = TextFrame::payload(frame);
    if (m_transport) {
        // QWebSocket writes each of its own frames (pong, close) whole and at once, so a
        // frame written here never lands inside one of them.
        m_transport->write(frame);
    } else {
        m_socket->sendTextMessage(QString::fromUtf8(payload));
    }
    if (m_catchingUp == 0) {
        // Qt writes one block of the socket's buffer per event-loop pass: unflushed, a live
        // frame would wait behind whatever the next pass brings (parsing the next publish,
        // say). Catch-up frames are left to Qt: they are paced by bytesWritten, which a flush
        // can emit (or, inside another bytesWritten, swallow) before the caller has finished
        // with its frame.
        m_socket->flush();
    }
    m_services.metrics->bytesSent(payload.size());
    m_services.metrics->framesSent();
}

void ViewerSession::pump()
{
    if (m_closing)
        return;
    bool progress = true;
    while (progress && m_catchingUp > 0 && !backedUp()) {
        progress = false;
        for (auto it = m_subscriptions.begin(); it != m_subscriptions.end(); ++it) {
            Subscription &subscription = *it;
            if (subscription.live || subscription.fetching)
                continue;
            const QString &symbol = it.key();
            const SymbolState state =
                m_services.history->state(symbol).value_or(SymbolState{symbol, 0, 0, 0, 0.0});
            if (subscription.next > state.lastSeq) {
                setLive(subscription, true);
                progress = true;
                continue;
            }
            const qint64 oldest = state.firstSeq > 0 ? state.firstSeq : state.lastSeq + 1;
            if (subscription.next < oldest) {
                sendFrame();
                send(ServerMessage::gap(symbol, subscription.next, oldest - 1));
                subscription.next = oldest;
                progress = true;
                continue;
            }
            TickHistory::Slice slice;
            const qint64 requested = subscription.next;
            const bool ready = m_services.history->read(
                symbol, requested, CatchUpSliceTicks, catchUpFrameBytes(), &slice, this,
                [this, symbol, requested](const TickHistory::Slice &result) {
                    auto found = m_subscriptions.find(symbol);
                    if (found == m_subscriptions.end() || found->live || found->next != requested) {
                        return; // unsubscribed or resubscribed meanwhile
                    }
                    found->fetching = false;
                    if (!result.ok || result.count == 0) {
                        // The store cannot be read now (or moved under us): try again
                        // shortly rather than spin.
                        found->fetching = true;
                        QTimer::singleShot(StoreRetryMs, this, [this, symbol] {
                            auto again = m_subscriptions.find(symbol);
                            if (again != m_subscriptions.end())
                                again->fetching = false;
                            pump();
                        });
                        return;
                    }
                    if (result.count > 0) {
                        if (result.firstSeq > requested) {
                            sendFrame();
                            send(ServerMessage::gap(symbol, requested, result.firstSeq - 1));
                        }
                        appendToFrame(result.json, result.count);
                        m_services.metrics->replayTicks(result.count);
                        found->next = result.lastSeq + 1;
                    }
                    sendFrame();
                    pump();
                });
            if (ready) {
                appendToFrame(slice.json, slice.count);
                m_services.metrics->replayTicks(slice.count);
                subscription.next = slice.lastSeq + 1;
                if (m_frame.size() >= std::min(FrameTarget, catchUpFrameBytes()))
                    sendFrame();
                progress = true;
            } else {
                subscription.fetching = true;
            }
        }
    }
    sendFrame();
}

} // namespace tickscope
