#include "MarketFeed.h"

#include "FrameTimer.h"

#include <QDateTime>
#include <QPointer>
#include <QThread>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace tickscope {

MarketFeed::MarketFeed(QObject *parent) : QObject(parent), m_candles(&m_chart.store()), m_tape(400)
{
    qRegisterMetaType<TickBatchPtr>();
    qRegisterMetaType<StreamClient::State>();
    m_refreshTimer.setTimerType(Qt::PreciseTimer);
    m_refreshTimer.setInterval(1000 / m_refreshHz);
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] {
        const double ms = refresh();
        if (m_frameTimer)
            m_frameTimer->addModelTime(ms);
    });
    m_refreshTimer.start();
    m_rateTimer.setInterval(1000);
    connect(&m_rateTimer, &QTimer::timeout, this, [this] {
        const double seconds = std::max(0.001, double(m_rateClock.restart()) / 1000.0);
        m_tickRate = double(m_ticksWindow) / seconds;
        m_byteRate = double(m_bytesWindow) / seconds;
        m_ticksWindow = 0;
        m_bytesWindow = 0;
        emit ratesChanged();
    });
    m_rateClock.start();
    m_rateTimer.start();
    connect(&m_watchlist, &WatchlistModel::symbolsChanged, this, [this] {
        const QStringList symbols = m_watchlist.symbols();
        if (m_client)
            QMetaObject::invokeMethod(
                m_client, [client = m_client, symbols] { client->setSymbols(symbols); });
        emit symbolsRequested(symbols);
    });
}

MarketFeed::~MarketFeed()
{
    stopClient();
}

void MarketFeed::exportTo(const std::shared_ptr<prometheus::Registry> &registry)
{
    if (!registry || m_registry)
        return;
    m_registry = registry;
    m_ticksCounter = &prometheus::BuildCounter()
                          .Name("tickscope_gui_ticks_received_total")
                          .Help("Ticks the desktop window's stream connection received")
                          .Register(*registry)
                          .Add({});
    m_chartTicksGauge = &prometheus::BuildGauge()
                             .Name("tickscope_gui_chart_ticks")
                             .Help("Ticks the chart holds for its symbol")
                             .Register(*registry)
                             .Add({});
}

void MarketFeed::setRefreshHz(int hz)
{
    hz = std::clamp(hz, 1, 240);
    if (hz == m_refreshHz)
        return;
    m_refreshHz = hz;
    m_refreshTimer.setInterval(1000 / hz);
    emit refreshHzChanged();
}

QString MarketFeed::state() const
{
    switch (m_state) {
    case StreamClient::State::Idle:
        return u"idle"_qs;
    case StreamClient::State::Connecting:
        return u"connecting"_qs;
    case StreamClient::State::Live:
        return u"live"_qs;
    case StreamClient::State::Reconnecting:
        return u"reconnecting"_qs;
    case StreamClient::State::Failed:
        return u"failed"_qs;
    }
    return {};
}

void MarketFeed::connectTo(const QUrl &url, const QString &token, const QString &mode)
{
    stopClient();
    m_mode = mode;
    m_url = url;
    m_directory.setServer(url, token);
    m_serverVersion.clear();
    m_epoch.clear();
    m_session.clear();
    ++m_generation; // whatever the old connection still delivers is dropped
    m_chart.reset(m_detail);
    m_candles.reset();
    m_tape.clear();

    StreamClient::Options options;
    options.url = url;
    options.token = token;
    m_thread = new QThread;
    m_thread->setObjectName(u"stream-client"_qs);
    m_client = new StreamClient(options);
    m_client->moveToThread(m_thread);
    m_backlog = m_client->backlog();
    connect(m_thread, &QThread::finished, m_client, &QObject::deleteLater);
    connect(m_client, &StreamClient::batchReady, this, &MarketFeed::applyBatch);
    connect(m_client, &StreamClient::stateChanged, this, &MarketFeed::onStateChanged);
    connect(m_client, &StreamClient::serverInfo, this,
            [this](const QString &server, const QString &epoch, const QString &session) {
                m_serverVersion = server;
                m_epoch = epoch;
                m_session = session;
                emit connectionChanged();
            });
    connect(m_client, &StreamClient::symbolError, this,
            [this](const QString &symbol, const QString &message) {
                m_watchlist.setError(symbol, message);
                setNotice(u"%1: %2"_qs.arg(symbol, message), u"error"_qs);
            });
    connect(m_client, &StreamClient::notice, this,
            [this](const QString &message) { setNotice(message, u"warning"_qs); });
    m_thread->start();
    const QStringList symbols = m_watchlist.symbols();
    const QString detail = m_detail;
    QMetaObject::invokeMethod(m_client, [client = m_client, symbols, detail] {
        client->setSymbols(symbols);
        client->setDetailSymbol(detail);
        client->start();
    });
    m_state = StreamClient::State::Connecting;
    m_stateText = u"connecting to %1"_qs.arg(displayUrl());
    emit connectionChanged();
}

void MarketFeed::stopClient()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(m_client, &StreamClient::stop, Qt::BlockingQueuedConnection);
    disconnect(m_client, nullptr, this, nullptr);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_client = nullptr;
    m_backlog.reset();
}

void MarketFeed::stop(const std::function<void()> &done)
{
    stopClient();
    m_state = StreamClient::State::Idle;
    emit connectionChanged();
    if (done)
        done();
}

void MarketFeed::setDetailSymbol(const QString &symbol)
{
    if (symbol == m_detail)
        return;
    m_detail = symbol;
    m_chart.reset(symbol);
    m_candles.reset();
    m_tape.clear();
    m_replaying = false;
    m_replayProgress = -1;
    if (m_client)
        QMetaObject::invokeMethod(m_client,
                                  [client = m_client, symbol] { client->setDetailSymbol(symbol); });
    emit detailSymbolChanged();
    emit replayChanged();
    emit detailRequested(symbol);
}

void MarketFeed::applyBatch(const TickBatchPtr &batch)
{
    if (m_backlog && sender())
        m_backlog->fetch_sub(1);
    m_ticksTotal += batch->ticksReceived;
    if (m_ticksCounter)
        m_ticksCounter->Increment(double(batch->ticksReceived));
    m_ticksWindow += batch->ticksReceived;
    m_bytesWindow += batch->bytesReceived;
    m_watchlist.apply(batch->symbols);

    const DetailColumns &detail = batch->detail;
    if (!detail.empty() && detail.symbol == m_detail) {
        if (detail.generation != m_generation) {
            // A new subscription of the detail symbol: its history starts over.
            m_generation = detail.generation;
            m_chart.reset(m_detail);
            m_candles.reset();
            m_tape.clear();
        }
        m_chart.append(detail);
        m_candles.append(detail);
        m_tape.push(detail);
    }
    for (const StreamEvent &event : batch->events) {
        if (event.symbol == m_detail)
            m_chart.addMarker(event);
        switch (event.kind) {
        case StreamEvent::Kind::Gap:
            setNotice(
                u"%1: ticks %2–%3 are no longer retained on the server (gap)"_qs.arg(event.symbol)
                    .arg(event.fromSeq)
                    .arg(event.toSeq),
                u"warning"_qs);
            break;
        case StreamEvent::Kind::NotRecovered:
            setNotice(u"%1: resumed with loss, ticks %2–%3 were not recovered"_qs.arg(event.symbol)
                          .arg(event.fromSeq)
                          .arg(event.toSeq),
                      u"warning"_qs);
            break;
        case StreamEvent::Kind::EpochChanged:
            setNotice(u"The server's history was reset (new epoch): charts start over"_qs,
                      u"warning"_qs);
            break;
        }
    }
    if (batch->replayProgress >= 0) {
        const bool replaying = batch->replayProgress < 1;
        if (replaying != m_replaying || batch->replayProgress != m_replayProgress) {
            m_replaying = replaying;
            m_replayProgress = batch->replayProgress;
            emit replayChanged();
        }
    }
}

double MarketFeed::refresh()
{
    QElapsedTimer timer;
    timer.start();
    // The chart moves every refresh; numbers people read (watchlist, tape) at about 10 and
    // 15 updates a second, which is as fast as they can be read.
    ++m_refreshCount;
    if (m_refreshCount % std::max(1, m_refreshHz / 10) == 0)
        m_watchlist.commit(QDateTime::currentMSecsSinceEpoch());
    if (m_refreshCount % std::max(1, m_refreshHz / 15) == 0)
        m_tape.commit();
    m_chart.commit();
    m_candles.commit();
    if (m_chartTicksGauge)
        m_chartTicksGauge->Set(double(m_chart.storedTicks()));
    return double(timer.nsecsElapsed()) / 1e6;
}

void MarketFeed::onStateChanged(StreamClient::State state, const QString &detail, qint64 retryInMs)
{
    m_state = state;
    m_retryInMs = int(retryInMs);
    switch (state) {
    case StreamClient::State::Live:
        m_stateText = u"live"_qs;
        break;
    case StreamClient::State::Reconnecting:
        m_stateText = retryInMs > 0 ? u"reconnecting in %1 s: %2"_qs
                                          .arg(double(retryInMs) / 1000.0, 0, 'f', 1)
                                          .arg(detail)
                                    : u"reconnecting: %1"_qs.arg(detail);
        break;
    case StreamClient::State::Failed:
        m_stateText = detail;
        setNotice(u"Cannot view %1: %2"_qs.arg(displayUrl(), detail), u"error"_qs);
        break;
    default:
        m_stateText = detail;
        break;
    }
    emit connectionChanged();
}

void MarketFeed::setNotice(const QString &text, const QString &kind)
{
    m_notice = QDateTime::currentDateTime().toString(u"HH:mm:ss "_qs) + text;
    m_noticeKind = kind;
    emit noticeChanged();
}

void MarketFeed::clearNotice()
{
    m_notice.clear();
    m_noticeKind.clear();
    emit noticeChanged();
}

} // namespace tickscope
