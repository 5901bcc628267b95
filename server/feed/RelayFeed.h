#pragma once

#include "feed/RelayCheckpoint.h"
#include "feed/TickFeed.h"
#include "resilience/RetryLoop.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <deque>
#include <vector>

class QWebSocket;

namespace tickscope {

class JsonValue;

// The settings of a RelayFeed.
struct RelayFeedConfig
{
    QUrl url;      // ws:// or wss:// of the upstream's /v1/stream
    QString token; // sent as `Authorization: Bearer`; empty for an upstream without auth
    QStringList symbols;
    RetryLoopConfig retry = defaultRetry(); // backoff, breaker; attemptTimeoutMs bounds
                                            // connect + hello + subscribed
    int authRetryMs = 30'000;               // the slow retry after the upstream refused the token
    qsizetype maxBufferedTicks = 100'000;   // held back locally while the writer is full
    int drainIntervalMs = 10;               // how often held-back ticks are offered again
    // The server calls acknowledge() for each batch; positions() then only counts durable
    // ticks, and a refused batch is fetched again from upstream.
    bool awaitAcknowledgements = false;

    static RetryLoopConfig defaultRetry();
    // Empty when valid, else a message naming the value and the rule (never the token).
    QString validate() const;
};

// Subscribes to another Tickscope server and re-emits its ticks; our server gives them its
// own q. A protocol client of PROTOCOL.md:
//
// - Waits for `hello`, then subscribes. The first time without `since` (live from now); after
//   that, and after a restart given a resume point, with `since` = {upstream epoch, last
//   upstream q per symbol}, so upstream replays what we missed and nothing is lost or doubled.
// - Drops ticks at or below the last q seen of their symbol (replays overlap), emits the rest
//   in order with s, t, p, v exactly as received.
// - `recovered:false` and `gap` are losses upstream itself had: reported in the status and
//   the log, counted in lostTicks(), and the relay continues from upstream's `next`.
// - A different epoch means upstream's history was reset: the positions are reset and the
//   relay asks for everything upstream retains of the new history (since.seq = 0).
// - Reconnects by itself through a RetryLoop: exponential backoff with full jitter behind a
//   circuit breaker, each attempt bounded by a timeout; close 1001 (upstream shutting down)
//   and lost connections alike. A refused token (HTTP 401/403, close 4001/4003, error
//   invalid_token/forbidden) makes the relay unhealthy and retries every authRetryMs.
// - Back-pressure: while the server does not accept (TickFeed::isAccepting), ticks wait in a
//   local buffer of at most maxBufferedTicks. A frame that would overflow it is not taken: the
//   relay closes the upstream connection, hands on the buffer as the server accepts again,
//   then reconnects with `since`. Upstream keeps the history, so nothing is lost and memory
//   stays bounded.
// - Durability: positions() is what the server should persist (RelayCheckpoint) after each
//   commit. With awaitAcknowledgements it only moves when acknowledge(true) confirms a batch;
//   acknowledge(false) rolls back to the durable position and fetches the rest again (ticks
//   of batches already in flight after the refused one may then be stored twice: at least
//   once, never lost).
class RelayFeed : public TickFeed
{
    Q_OBJECT
public:
    // The config should have passed validate(); invalid or repeated symbols are skipped.
    explicit RelayFeed(RelayFeedConfig config, QObject *parent = nullptr);
    ~RelayFeed() override;

    void start() override;
    void stop() override;
    // "relay ws://host:port/v1/stream", without credentials.
    QString describe() const override;
    void acknowledge(bool durable) override;

    // The resume point: upstream's epoch and the last upstream q per symbol, durable ones only
    // when awaitAcknowledgements. Set it before start() from a saved checkpoint.
    QString upstreamEpoch() const { return m_epoch; }
    QHash<QString, qint64> positions() const;
    void setResumePoint(const QString &epoch, const QHash<QString, qint64> &positions);
    RelayCheckpoint::Point checkpoint() const;

    // A new token (config reload) for the next connection; an auth-refused relay retries now.
    void setToken(const QString &token);

    // Subscribed and streaming.
    bool isStreaming() const { return m_phase == Phase::Streaming; }
    quint64 connectAttempts() const { return m_loop.attemptId(); }
    qsizetype bufferedTicks() const { return m_buffer.size(); }
    qint64 relayedTicks() const { return m_relayed; }
    qint64 duplicateTicks() const { return m_duplicates; }
    qint64 lostTicks() const { return m_lost; }
    qint64 malformedFrames() const { return m_malformed; }

    // The URL without user info, query (access_token) or fragment.
    static QString describeUrl(const QUrl &url);

protected:
    void resumed() override;

private:
    enum class Phase
    {
        Stopped,
        Connecting, // attempt in flight or scheduled
        AwaitHello,
        AwaitSubscribed,
        Streaming,
        HeldBack,   // disconnected on purpose until the buffer drains
        AuthRefused // waiting authRetryMs before trying again
    };
    using Marks = QHash<int, qint64>; // symbol index -> upstream q reached

    void attempt();
    void retireSocket(bool graceful);
    void onConnected();
    void onDisconnected();
    void onSocketError();
    void onTextMessage(const QString &message);
    void onHello(const JsonValue &frame);
    void onSubscribed(const JsonValue &frame);
    void onTicks(const JsonValue &frame);
    void onGap(const JsonValue &frame);
    void onError(const JsonValue &frame);
    void onWatchdog();
    void onAttemptScheduled(qint64 delayMs);
    void onDrainTimer();
    void sendSubscribe(bool withSince);

    // The connection could not be opened (refused, unreachable, HTTP error).
    void connectFailed(const QString &error);
    // The connection failed or was lost: retry with backoff.
    void connectionLost(const QString &reason);
    // Upstream refused the token: unhealthy, slow retry.
    void authRefused(const QString &reason);
    void holdBack();
    void notice(const QString &message);

    void advance(int index, qint64 q);
    void flush();
    void applyMarks(const Marks &marks, std::vector<qint64> &positions);
    void resetForEpoch(const QString &epoch);

    RelayFeedConfig m_config;
    QStringList m_symbols; // canonical strings, shared by every relayed tick
    QHash<QString, int> m_symbolIndex;
    RetryLoop m_loop;
    QPointer<QWebSocket> m_socket;
    Phase m_phase = Phase::Stopped;
    bool m_closeFrameSeen = false;
    quint64 m_connection = 0; // counts retired sockets
    QString m_lastProblem;
    QTimer m_authRetryTimer;
    QTimer m_drainTimer;
    QTimer m_watchdog;
    qint64 m_lastActivityNs = 0;
    int m_heartbeatMs = 15'000;
    QSet<qint64> m_pendingSubscribes; // ids of subscribe commands awaiting their reply
    qint64 m_nextId = 1;

    QString m_epoch;
    // Positions per symbol index, -1 when unknown: received (includes the buffer), handed
    // on by ticks(), and durable (acknowledged).
    std::vector<qint64> m_received;
    std::vector<qint64> m_emitted;
    std::vector<qint64> m_durable;
    // Positions named in since.seq of the current subscribe (-1: not named).
    std::vector<qint64> m_sinceSeq;

    TickList m_buffer;
    Marks m_bufferMarks;         // positions reached by the buffer (and by control frames)
    std::deque<Marks> m_unacked; // per emitted batch, awaiting acknowledge()
    qsizetype m_ignoreAcks = 0;  // acknowledgements of batches given up by a rollback

    qint64 m_relayed = 0;
    qint64 m_duplicates = 0;
    qint64 m_lost = 0;
    qint64 m_malformed = 0;
};

} // namespace tickscope
