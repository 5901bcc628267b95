#include "ChartSeriesModel.h"

#include "MinMaxReducer.h"
#include "TickBatch.h"

#include <QXYSeries>
#include <cmath>

namespace tickscope {

namespace {
constexpr int MaxMarkers = 200;

QString markerText(const StreamEvent &event)
{
    switch (event.kind) {
    case StreamEvent::Kind::Gap:
        return u"gap: ticks %1–%2 no longer retained"_qs.arg(event.fromSeq).arg(event.toSeq);
    case StreamEvent::Kind::NotRecovered:
        return event.toSeq >= event.fromSeq
                   ? u"not recovered: ticks %1–%2 missing"_qs.arg(event.fromSeq).arg(event.toSeq)
                   : u"not recovered after reconnect"_qs;
    case StreamEvent::Kind::EpochChanged:
        return u"server history was reset (new epoch)"_qs;
    }
    return {};
}
} // namespace

ChartSeriesModel::ChartSeriesModel(QObject *parent) : QObject(parent) {}

QObject *ChartSeriesModel::series() const
{
    return m_series.data();
}

void ChartSeriesModel::setSeries(QObject *series)
{
    auto *xy = qobject_cast<QXYSeries *>(series);
    if (xy == m_series)
        return;
    m_series = xy;
    m_dirty = true;
    emit seriesChanged();
}

void ChartSeriesModel::setWindowSeconds(int seconds)
{
    seconds = std::max(seconds, 0);
    if (seconds == m_windowSeconds)
        return;
    m_windowSeconds = seconds;
    m_dirty = true;
    emit windowChanged();
}

void ChartSeriesModel::setPlotWidth(int width)
{
    width = std::clamp(width, 16, 8192);
    if (width == m_plotWidth)
        return;
    m_plotWidth = width;
    m_dirty = true;
    emit plotWidthChanged();
}

void ChartSeriesModel::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    m_dirty = true;
    emit activeChanged();
}

void ChartSeriesModel::reset(const QString &symbol)
{
    m_store.clear();
    m_markers.clear();
    m_dirty = true;
    m_axisWindow = -1;
    m_yMin = 0;
    m_yMax = -1; // forces a fit on the first ticks
    if (symbol != m_symbol) {
        m_symbol = symbol;
        emit symbolChanged();
    }
    emit markersChanged();
}

void ChartSeriesModel::append(const DetailColumns &columns)
{
    const size_t n = columns.seq.size();
    if (n == 0)
        return;
    for (size_t i = 0; i < n; ++i)
        m_store.append(columns.timeMs[i], columns.price[i], columns.size[i]);
    m_dirty = true;
}

void ChartSeriesModel::addMarker(const StreamEvent &event)
{
    QVariantMap marker;
    marker[u"timeMs"_qs] =
        event.timeMs > 0 ? event.timeMs : (m_store.isEmpty() ? 0 : m_store.lastTime());
    marker[u"kind"_qs] = event.kind == StreamEvent::Kind::Gap ? u"gap"_qs : u"lost"_qs;
    marker[u"text"_qs] = markerText(event);
    m_markers.append(marker);
    while (m_markers.size() > MaxMarkers)
        m_markers.removeFirst();
    emit markersChanged();
}

bool ChartSeriesModel::commit()
{
    // Inactive (the candles are shown): the numbers of the title row stay current, the
    // series is left alone.
    if (!m_dirty)
        return false;
    m_dirty = false;
    QElapsedTimer timer;
    timer.start();
    if (m_store.isEmpty()) {
        if (m_series && m_active)
            m_series->clear();
        m_pointsDrawn = 0;
        m_ticksInWindow = 0;
        emit rangeChanged();
        return true;
    }
    const double first = m_store.firstTime();
    const double last = m_store.lastTime();
    const double span =
        m_windowSeconds > 0 ? m_windowSeconds * 1000.0 : std::max(1000.0, last - first);
    const double step = std::max(250.0, span / 40.0);
    double axisMax = m_xMax;
    const bool relayout =
        m_axisWindow != m_windowSeconds || last > m_xMax || m_xMax - last > 2 * step;
    if (relayout)
        axisMax = std::ceil((last + step / 2) / step) * step;
    const double axisMin = m_windowSeconds > 0 ? axisMax - span : first;
    const MinMaxReducer::Result reduced =
        MinMaxReducer::reduce(m_store, axisMin, axisMax, m_plotWidth);
    if (m_series && m_active)
        m_series->replace(reduced.points);
    m_pointsDrawn = int(reduced.points.size());
    m_ticksInWindow = reduced.ticksInWindow;
    bool axisMoved = relayout && (axisMax != m_xMax || axisMin != m_xMin);
    m_xMin = axisMin;
    m_xMax = axisMax;
    m_axisWindow = m_windowSeconds;
    if (reduced.minPrice <= reduced.maxPrice) {
        const double lo = reduced.minPrice;
        const double hi = reduced.maxPrice;
        m_windowLow = lo;
        m_windowHigh = hi;
        const qsizetype firstInWindow = m_store.lowerBound(axisMin);
        m_windowOpen = m_store.price(std::min(firstInWindow, m_store.size() - 1));
        // Re-fit when the prices leave the axis or fill less than a third of it; never a
        // flat axis: a constant price still gets a visible band.
        const double tiny = std::max(std::abs(hi) * 0.0005, 1e-6);
        const double needed = std::max(hi - lo, tiny);
        if (lo < m_yMin || hi > m_yMax || (m_yMax - m_yMin) > 3 * needed) {
            const double pad = std::max((hi - lo) * 0.12, tiny);
            m_yMin = lo - pad;
            m_yMax = hi + pad;
            axisMoved = true;
        }
    }
    if (axisMoved)
        emit axisChanged();
    m_lastCommitMs = double(timer.nsecsElapsed()) / 1e6;
    emit rangeChanged();
    return true;
}

QVariantMap ChartSeriesModel::sampleAt(double timeMs) const
{
    QVariantMap out;
    out[u"found"_qs] = false;
    if (m_store.isEmpty())
        return out;
    qsizetype i = m_store.lowerBound(timeMs);
    if (i >= m_store.size())
        i = m_store.size() - 1;
    else if (i > 0 && timeMs - m_store.time(i - 1) < m_store.time(i) - timeMs)
        --i;
    out[u"found"_qs] = true;
    out[u"time"_qs] = m_store.time(i);
    out[u"price"_qs] = m_store.price(i);
    out[u"size"_qs] = m_store.tickSize(i);
    return out;
}

} // namespace tickscope
