#include "CandleModel.h"

#include "SeriesStore.h"
#include "TickBatch.h"

#include <QCandlestickSeries>
#include <QCandlestickSet>
#include <algorithm>
#include <cmath>

namespace tickscope {

CandleModel::CandleModel(const SeriesStore *store, QObject *parent)
    : QObject(parent), m_store(store), m_builder(60'000)
{}

QObject *CandleModel::series() const
{
    return m_series.data();
}

void CandleModel::setSeries(QObject *series)
{
    auto *candles = qobject_cast<QCandlestickSeries *>(series);
    if (candles == m_series)
        return;
    if (m_series)
        m_series->clear();
    m_sets.clear();
    m_shown.clear();
    m_series = candles;
    m_dirty = true;
    emit seriesChanged();
}

void CandleModel::setIntervalSeconds(int seconds)
{
    seconds = std::clamp(seconds, 1, 24 * 3600);
    if (seconds == intervalSeconds())
        return;
    m_builder.setIntervalMs(qint64(seconds) * 1000);
    m_needsRebuild = true;
    m_dirty = true;
    emit intervalChanged();
}

void CandleModel::setWindowSeconds(int seconds)
{
    seconds = std::max(seconds, 0);
    if (seconds == m_windowSeconds)
        return;
    m_windowSeconds = seconds;
    m_dirty = true;
    emit windowChanged();
}

void CandleModel::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    m_dirty = true;
    emit activeChanged();
}

void CandleModel::setMaxVisible(int count)
{
    count = std::clamp(count, 10, 2000);
    if (count == m_maxVisible)
        return;
    m_maxVisible = count;
    m_dirty = true;
    emit rangeChanged();
}

void CandleModel::reset()
{
    m_builder.clear();
    m_needsRebuild = false;
    m_dirty = true;
}

void CandleModel::append(const DetailColumns &columns)
{
    if (m_needsRebuild)
        return; // the rebuild will read these ticks from the store
    for (size_t i = 0; i < columns.seq.size(); ++i)
        m_builder.add(columns.timeMs[i], columns.price[i], columns.size[i]);
    m_dirty = true;
}

void CandleModel::rebuild()
{
    m_builder.clear();
    for (qsizetype i = 0; i < m_store->size(); ++i)
        m_builder.add(m_store->time(i), m_store->price(i), m_store->tickSize(i));
    m_needsRebuild = false;
    m_dirty = true;
}

std::vector<Candle> CandleModel::visibleCandles() const
{
    const std::vector<Candle> &all = m_builder.candles();
    if (all.empty())
        return {};
    const double last = all.back().startMs;
    auto first = all.begin();
    if (m_windowSeconds > 0) {
        const double from = m_builder.bucketStart(last - m_windowSeconds * 1000.0);
        first = std::lower_bound(all.begin(), all.end(), from,
                                 [](const Candle &c, double t) { return c.startMs < t; });
    }
    if (all.end() - first > m_maxVisible)
        first = all.end() - m_maxVisible;
    return std::vector<Candle>(first, all.end());
}

bool CandleModel::commit()
{
    if (!m_active || !m_dirty)
        return false;
    if (m_needsRebuild)
        rebuild();
    m_dirty = false;
    std::vector<Candle> wanted = visibleCandles();
    const std::vector<Candle> &all = m_builder.candles();
    m_truncated = !wanted.empty() && m_windowSeconds > 0 &&
                  wanted.front().startMs >
                      m_builder.bucketStart(all.back().startMs - m_windowSeconds * 1000.0) &&
                  wanted.front().startMs > all.front().startMs;

    if (m_series) {
        // Keep the sets that are still wanted (they are a prefix of `wanted` once the ones
        // that scrolled out are gone), update what changed, append the rest.
        qsizetype drop = 0;
        while (drop < qsizetype(m_shown.size()) &&
               (wanted.empty() || m_shown[size_t(drop)].startMs < wanted.front().startMs))
            ++drop;
        bool aligned = true;
        for (qsizetype i = drop; i < qsizetype(m_shown.size()); ++i) {
            const qsizetype w = i - drop;
            if (w >= qsizetype(wanted.size()) ||
                m_shown[size_t(i)].startMs != wanted[size_t(w)].startMs) {
                aligned = false;
                break;
            }
        }
        if (!aligned) {
            m_series->clear();
            m_sets.clear();
            m_shown.clear();
            drop = 0;
        } else if (drop > 0) {
            const QList<QCandlestickSet *> gone = m_sets.mid(0, drop);
            m_series->remove(gone); // deletes them
            m_sets.remove(0, drop);
            m_shown.erase(m_shown.begin(), m_shown.begin() + drop);
        }
        for (size_t i = 0; i < m_shown.size(); ++i) {
            if (m_shown[i] == wanted[i])
                continue;
            QCandlestickSet *set = m_sets[qsizetype(i)];
            set->setHigh(wanted[i].high);
            set->setLow(wanted[i].low);
            set->setOpen(wanted[i].open);
            set->setClose(wanted[i].close);
        }
        QList<QCandlestickSet *> added;
        for (size_t i = m_shown.size(); i < wanted.size(); ++i) {
            const Candle &c = wanted[i];
            added.append(new QCandlestickSet(c.open, c.high, c.low, c.close, c.startMs));
        }
        if (!added.isEmpty()) {
            m_series->append(added);
            m_sets.append(added);
        }
    }
    m_shown = std::move(wanted);

    if (!m_shown.empty()) {
        const double interval = double(m_builder.intervalMs());
        double low = m_shown.front().low;
        double high = m_shown.front().high;
        for (const Candle &c : m_shown) {
            low = std::min(low, c.low);
            high = std::max(high, c.high);
        }
        double pad = (high - low) * 0.08;
        if (pad <= 0)
            pad = std::max(std::abs(high) * 0.0005, 1e-6);
        m_yMin = low - pad;
        m_yMax = high + pad;
        m_xMin = m_shown.front().startMs - interval;
        m_xMax = m_shown.back().startMs + interval;
    }
    emit rangeChanged();
    return true;
}

} // namespace tickscope
