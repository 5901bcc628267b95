#pragma once

#include "FrameDecoder.h"
#include "TickBatch.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <atomic>
#include <memory>

class QNetworkAccessManager;
class QWebSocket;

namespace tickscope {

class RetryLoop;

// A viewer of one Tickscope server (the embedded one or a remote one), run on a worker
// thread: it subscribes the watchlist live and the detail symbol (the one on the chart) with
// a backfill of its recent history, reconnects with backoff, and resumes the detail symbol
// with `since` so that the chart has no hole after a server restart. What arrives is gathered
// into one TickBatch per batch window and handed on with batchReady(); a window is held back
// while the GUI has two batches it has not taken yet, so a busy GUI gets bigger batches
// instead of a growing queue.
class StreamClient : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Connecting,
        Live,
        Reconnecting,
        Failed
    };
    Q_ENUM(State)

    struct Options
    {
        QUrl url;      // ws[s]://host:port/v1/stream
        QString token; // empty: no Authorization header (an insecure server)
        int batchIntervalMs = 16;
        qint64 backfillTicks = 1'000'000; // history of the detail symbol to fetch
        int pingIntervalMs = 5000;
        int stallTimeoutMs = 20000; // no frame and no pong for this long: reconnect
        qint64 retryBaseMs = 250;
        qint64 retryCapMs = 5000;
    };

    explicit StreamClient(Options options, QObject *parent = nullptr);
    ~StreamClient() override;

    // Batches handed on but not yet taken; the GUI decrements it when it has applied one.
    std::shared_ptr<std::atomic<int>> backlog() const { return m_backlog; }

public slots:
    void start();
    void stop();
    void setSymbols(const QStringList &symbols);
    void setDetailSymbol(const QString &symbol);

signals:
    void batchReady(const tickscope::TickBatchPtr &batch);
    void stateChanged(tickscope::StreamClient::State state, const QString &detail,
                      qint64 retryInMs);
    void serverInfo(const QString &server, const QString &epoch, const QString &session);
    void symbolError(const QString &symbol, const QString &message);
    void notice(const QString &message);

private:
    enum class Purpose
    {
        Watch,
        Detail,
        Unsubscribe
    };
    struct PendingCommand
    {
        QString symbol;
        Purpose purpose = Purpose::Watch;
        bool resume = false; // a detail subscribe resuming from our own last q
    };
    struct SymbolInfo
    {
        qint64 lastSeq = 0; // newest q counted in the watchlist statistics
        double lastTimeMs = 0;
        qint64 restLastSeq = 0; // what /api/v1/symbols said at connect time
        bool subscribed = false;
    };

    void attempt();
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &message);
    void onPong();
    void onStallCheck();
    void handleFrame(const FrameDecoder::Frame &frame);
    void handleTicks(const TickList &ticks);
    void handleSubscribed(const FrameDecoder::Frame &frame);
    void handleError(const FrameDecoder::Frame &frame);
    void onHello(const FrameDecoder::Frame &frame);
    void fetchSymbolStates();
    void subscribeAll();
    void subscribeWatch(const QString &symbol);
    void subscribeDetail(bool resume);
    void unsubscribe(const QString &symbol);
    qint64 send(const QByteArray &json, PendingCommand command);
    void flush();
    void setState(State state, const QString &detail, qint64 retryInMs = -1);
    TickBatch &pending();
    void addEvent(StreamEvent event);

    Options m_options;
    QWebSocket *m_socket = nullptr;
    RetryLoop *m_retry = nullptr;
    QNetworkAccessManager *m_http = nullptr;
    QTimer m_flushTimer;
    QTimer m_pingTimer;
    QElapsedTimer m_sinceTraffic;
    State m_state = State::Idle;
    bool m_stopping = false;
    bool m_everConnected = false;
    bool m_helloSeen = false;
    quint64 m_connection = 0; // counts connections, so late replies of old ones are ignored
    QString m_epoch;
    QString m_lastError;

    QStringList m_watch;
    QHash<QString, SymbolInfo> m_symbols;
    qint64 m_nextId = 1;
    QHash<qint64, PendingCommand> m_commands;

    QString m_detail;
    quint64 m_detailGeneration = 0;
    qint64 m_detailCommandId = 0; // the subscribe whose reply starts the detail stream
    bool m_detailActive = false;
    qint64 m_detailLastSeq = 0;
    double m_detailLastTimeMs = 0;
    qint64 m_replayFrom = 0;
    qint64 m_replayTarget = 0; // 0: no replay running
    bool m_replayUnknownSize = false;

    std::shared_ptr<TickBatch> m_pending;
    QHash<QString, qsizetype> m_pendingIndex;
    std::shared_ptr<std::atomic<int>> m_backlog = std::make_shared<std::atomic<int>>(0);
};

} // namespace tickscope
