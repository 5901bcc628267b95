#pragma once

#include "auth/Claims.h"
#include "config/TierLimits.h"
#include "history/TickChunk.h"
#include "protocol/CloseCode.h"
#include "protocol/Command.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <deque>

namespace tickscope {

class BatchWriter;
class Hub;
class JwtVerifier;
class RateLimiter;
class ServerMetrics;
class TickHistory;

// One connected client: its token, its subscriptions and what it has been sent.
//
// Each subscribed symbol is either live (it gets the hub's chunks as batches commit)
// or catching up (it reads committed history at the pace the socket drains). A viewer
// whose socket backs up past the queue cap leaves the live path for catch-up, so its
// memory stays bounded; a subscribe with `since` starts in catch-up. Both end in live
// once nothing committed is left to read.
class ViewerSession : public QObject
{
    Q_OBJECT
public:
    struct Services
    {
        TickHistory *history = nullptr;
        BatchWriter *writer = nullptr;
        Hub *hub = nullptr;
        const JwtVerifier *verifier = nullptr;
        ServerMetrics *metrics = nullptr;
        RateLimiter *commandLimiter = nullptr;
        const QHash<QString, TierLimits> *tiers = nullptr;
        qint64 queueCap = 8 << 20;
        int heartbeatMs = 15000;
        qint64 leewaySeconds = 5;
        bool insecure = false;
    };

    // `transport` is the TCP socket `socket` was upgraded from: frames are written to it
    // already encoded (see TextFrame). Without it they go through QWebSocket.
    ViewerSession(QWebSocket *socket, QTcpSocket *transport, const Claims &claims,
                  const QString &sessionId, const Services &services, QObject *parent = nullptr);
    ~ViewerSession() override;

    void start(const QString &serverVersion);

    // Live fan-out from the hub: a chunk of a symbol this session subscribes to.
    void deliver(const TickChunkPtr &chunk, quint64 batchId);
    // The end of one committed batch: send what deliver() gathered as one frame. A
    // session that got every chunk of the batch whole sends `wholeBatch()`, the frame
    // the hub encoded once for all such sessions, instead of building its own.
    void endOfBatch(qint64 committedNs, size_t chunkCount,
                    const std::function<const QByteArray &()> &wholeBatch);

    // Called every heartbeat interval by the server.
    void heartbeat();

    void closeWith(CloseCode code, const QString &reason);

    const Claims &claims() const { return m_claims; }
    QString sessionId() const { return m_sessionId; }
    QString peer() const;
    qint64 connectedAtMs() const { return m_connectedAtMs; }
    bool isCatchingUp() const { return m_catchingUp > 0; }
    // What the peer has not taken yet: the socket's unsent bytes and the frame being
    // gathered. The viewer's lag as the server sees it.
    qint64 queuedBytes() const;
    // Committed ticks not yet sent, over the subscriptions that are catching up.
    qint64 lagTicks() const;

signals:
    void finished(tickscope::ViewerSession *session);

private:
    struct Subscription
    {
        qint64 next = 1;
        bool live = true;
        bool fetching = false;
    };

    enum class Stage
    {
        Waiting,
        Running,
        Done
    };
    struct PendingCommand
    {
        Command command;
        Stage stage = Stage::Waiting;
        QByteArray reply;
        std::function<void()> afterReply; // runs once the reply is sent
        // subscribe: the shared store's view of symbols resumed beyond our newest q
        QHash<QString, SymbolState> storeStates;
        bool storeChecked = false;
        bool isPublish() const { return std::holds_alternative<PublishCommand>(command.body); }
    };

    void onTextMessage(const QString &message);
    void onBinaryMessage(const QByteArray &message);
    void onDisconnected();
    void badFrame(std::optional<qint64> id, ErrorCode code, const QString &message);

    void processCommands();
    void startCommand(PendingCommand &pending);
    void runSubscribe(PendingCommand &pending, const SubscribeCommand &command);
    void runUnsubscribe(PendingCommand &pending, const UnsubscribeCommand &command);
    void runHistory(PendingCommand &pending, const HistoryCommand &command);
    void runPublish(PendingCommand &pending, const PublishCommand &command);
    void runRefresh(PendingCommand &pending, const RefreshCommand &command);
    void finishCommand(PendingCommand *pending, QByteArray reply);

    void unsubscribeSymbols(const QStringList &symbols);
    void setLive(Subscription &subscription, bool live);
    void pump();
    void appendToFrame(QByteArrayView ticksJson, qint64 count);
    // Copies the chunks held back in m_deferred into m_frame.
    void materialize();
    void sendFrame();
    // A message, encoded as a TextFrame.
    void sendEncoded(const QByteArray &frame);
    void send(const QByteArray &message);
    bool backedUp() const;
    qint64 catchUpFrameBytes() const;
    void scheduleExpiry();

    QWebSocket *m_socket;
    QPointer<QTcpSocket> m_transport;
    Claims m_claims;
    QString m_sessionId;
    Services m_services;
    qint64 m_connectedAtMs;
    QHash<QString, Subscription> m_subscriptions;
    int m_catchingUp = 0; // subscriptions not live

    std::deque<PendingCommand> m_commands;
    bool m_processing = false;

    // The next ticks frame: m_frame, then m_deferred. While a batch arrives in whole chunks
    // they are only held (m_deferred): usually the viewer then sends the batch's shared text,
    // and copying every chunk into each viewer's frame first was a third of the fan-out's
    // time with 100 viewers. m_deferred is non-empty only while m_frame is empty.
    QByteArray m_frame;
    std::vector<TickChunkPtr> m_deferred;
    qsizetype m_deferredBytes = 0; // the size m_frame would have with them in it
    qint64 m_frameTicks = 0;       // in m_frame and m_deferred
    quint64 m_batchId = 0;
    bool m_batchWhole = false; // this batch's frame so far is whole chunks only
    size_t m_batchChunks = 0;

    std::deque<qint64> m_badFrameTimesMs;
    int m_missedPongs = 0;
    QTimer m_expiry;
    QElapsedTimer m_clock;
    bool m_closing = false;
};

} // namespace tickscope
