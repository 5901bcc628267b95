#pragma once

#include "StreamClient.h"
#include "SymbolDirectory.h"
#include "TickBatch.h"
#include "models/CandleModel.h"
#include "models/ChartSeriesModel.h"
#include "models/TapeModel.h"
#include "models/WatchlistModel.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <functional>
#include <memory>

class QThread;

namespace prometheus {
class Counter;
class Gauge;
class Registry;
} // namespace prometheus

namespace tickscope {

class FrameTimer;

// The GUI side of the market data: a StreamClient on its own thread (viewing the embedded
// server, or a remote one in viewer mode) hands batches over by queued signal; they go into
// the models at once (cheap appends), and the models publish to the views only on the refresh
// timer, at a fixed rate whatever the tick rate.
class MarketFeed : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QObject *watchlist READ watchlist CONSTANT)
    Q_PROPERTY(QObject *directory READ directory CONSTANT)
    Q_PROPERTY(QObject *chart READ chart CONSTANT)
    Q_PROPERTY(QObject *candles READ candles CONSTANT)
    Q_PROPERTY(QObject *tape READ tape CONSTANT)
    Q_PROPERTY(QString mode READ mode NOTIFY connectionChanged)
    Q_PROPERTY(QString state READ state NOTIFY connectionChanged)
    Q_PROPERTY(QString stateText READ stateText NOTIFY connectionChanged)
    Q_PROPERTY(int retryInMs READ retryInMs NOTIFY connectionChanged)
    Q_PROPERTY(QString url READ displayUrl NOTIFY connectionChanged)
    Q_PROPERTY(QString serverVersion READ serverVersion NOTIFY connectionChanged)
    Q_PROPERTY(QString epoch READ epoch NOTIFY connectionChanged)
    Q_PROPERTY(QString session READ session NOTIFY connectionChanged)
    Q_PROPERTY(
        QString detailSymbol READ detailSymbol WRITE setDetailSymbol NOTIFY detailSymbolChanged)
    Q_PROPERTY(double replayProgress READ replayProgress NOTIFY replayChanged)
    Q_PROPERTY(bool replaying READ replaying NOTIFY replayChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(QString noticeKind READ noticeKind NOTIFY noticeChanged)
    Q_PROPERTY(double ticksPerSecond READ ticksPerSecond NOTIFY ratesChanged)
    Q_PROPERTY(double bytesPerSecond READ bytesPerSecond NOTIFY ratesChanged)
    Q_PROPERTY(qint64 ticksTotal READ ticksTotal NOTIFY ratesChanged)
    Q_PROPERTY(int refreshHz READ refreshHz WRITE setRefreshHz NOTIFY refreshHzChanged)

public:
    explicit MarketFeed(QObject *parent = nullptr);
    ~MarketFeed() override;

    void setFrameTimer(FrameTimer *timer) { m_frameTimer = timer; }
    // Exports what the window receives (ticks, the chart's stored ticks) as tickscope_gui_*
    // metrics on this registry (the embedded server's), next to the frame-time counter's.
    void exportTo(const std::shared_ptr<prometheus::Registry> &registry);

    // Starts viewing a server; `mode` is "local" or "remote". A running connection is
    // replaced.
    void connectTo(const QUrl &url, const QString &token, const QString &mode);
    // Closes the connection (1000) and stops the worker thread; then `done`.
    void stop(const std::function<void()> &done = {});

    QObject *watchlist() { return &m_watchlist; }
    QObject *directory() { return &m_directory; }
    QObject *chart() { return &m_chart; }
    QObject *candles() { return &m_candles; }
    QObject *tape() { return &m_tape; }
    WatchlistModel *watchlistModel() { return &m_watchlist; }
    ChartSeriesModel *chartModel() { return &m_chart; }
    CandleModel *candleModel() { return &m_candles; }
    TapeModel *tapeModel() { return &m_tape; }

    QString mode() const { return m_mode; }
    QString state() const;
    QString stateText() const { return m_stateText; }
    int retryInMs() const { return m_retryInMs; }
    QString displayUrl() const { return m_url.toDisplayString(QUrl::RemoveQuery); }
    QString serverVersion() const { return m_serverVersion; }
    QString epoch() const { return m_epoch; }
    QString session() const { return m_session; }
    QString detailSymbol() const { return m_detail; }
    void setDetailSymbol(const QString &symbol);
    double replayProgress() const { return m_replayProgress; }
    bool replaying() const { return m_replaying; }
    QString notice() const { return m_notice; }
    QString noticeKind() const { return m_noticeKind; }
    double ticksPerSecond() const { return m_tickRate; }
    double bytesPerSecond() const { return m_byteRate; }
    qint64 ticksTotal() const { return m_ticksTotal; }
    int refreshHz() const { return m_refreshHz; }
    void setRefreshHz(int hz);

    // Applies one batch as the queued signal would (public for tests and benchmarks).
    void applyBatch(const TickBatchPtr &batch);
    // One refresh: the models publish what changed. Returns the time it took, in ms.
    double refresh();

    Q_INVOKABLE void clearNotice();

signals:
    void connectionChanged();
    void detailSymbolChanged();
    void replayChanged();
    void noticeChanged();
    void ratesChanged();
    void refreshHzChanged();
    void symbolsRequested(const QStringList &symbols);
    void detailRequested(const QString &symbol);

private:
    void onStateChanged(StreamClient::State state, const QString &detail, qint64 retryInMs);
    void setNotice(const QString &text, const QString &kind);
    void stopClient();

    WatchlistModel m_watchlist;
    SymbolDirectory m_directory;
    ChartSeriesModel m_chart;
    CandleModel m_candles;
    TapeModel m_tape;
    FrameTimer *m_frameTimer = nullptr;

    QThread *m_thread = nullptr;
    StreamClient *m_client = nullptr; // lives in m_thread
    std::shared_ptr<std::atomic<int>> m_backlog;
    QTimer m_refreshTimer;
    QTimer m_rateTimer;
    QElapsedTimer m_rateClock;
    QElapsedTimer m_replayDoneClock;

    QString m_mode = u"local"_qs;
    StreamClient::State m_state = StreamClient::State::Idle;
    QString m_stateText;
    int m_retryInMs = -1;
    QUrl m_url;
    QString m_serverVersion;
    QString m_epoch;
    QString m_session;
    QString m_detail;
    quint64 m_generation = 0;
    double m_replayProgress = -1;
    bool m_replaying = false;
    QString m_notice;
    QString m_noticeKind;
    qint64 m_ticksTotal = 0;
    qint64 m_ticksWindow = 0;
    qint64 m_bytesWindow = 0;
    double m_tickRate = 0;
    double m_byteRate = 0;
    // The chart redraws at every refresh: at the usual display rate, so that the window
    // can present a new frame each time the screen does.
    int m_refreshHz = 60;
    quint64 m_refreshCount = 0;

    std::shared_ptr<prometheus::Registry> m_registry;
    prometheus::Counter *m_ticksCounter = nullptr;
    prometheus::Gauge *m_chartTicksGauge = nullptr;
};

} // namespace tickscope
