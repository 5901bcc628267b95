#include "CandleBuilder.h"

#include <algorithm>
#include <cmath>

namespace tickscope {

CandleBuilder::CandleBuilder(qint64 intervalMs, qsizetype maxCandles)
    : m_intervalMs(std::max<qint64>(intervalMs, 1)),
      m_maxCandles(std::max<qsizetype>(maxCandles, 2))
{}

void CandleBuilder::setIntervalMs(qint64 intervalMs)
{
    m_intervalMs = std::max<qint64>(intervalMs, 1);
    clear();
}

void CandleBuilder::clear()
{
    m_candles.clear();
}

double CandleBuilder::bucketStart(double timeMs) const
{
    return std::floor(timeMs / double(m_intervalMs)) * double(m_intervalMs);
}

void CandleBuilder::add(double timeMs, double price, double size)
{
    const double start = bucketStart(timeMs);
    if (!m_candles.empty() && start <= m_candles.back().startMs) {
        Candle &bar = m_candles.back();
        bar.high = std::max(bar.high, price);
        bar.low = std::min(bar.low, price);
        bar.close = price;
        bar.volume += size;
        ++bar.ticks;
        return;
    }
    m_candles.push_back(Candle{start, price, price, price, price, size, 1});
    if (qsizetype(m_candles.size()) > m_maxCandles + m_maxCandles / 4)
        m_candles.erase(m_candles.begin(), m_candles.end() - m_maxCandles);
}

} // namespace tickscope
