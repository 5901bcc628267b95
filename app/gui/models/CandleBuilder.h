#pragma once

#include <QtGlobal>
#include <vector>

namespace tickscope {

// One OHLC bar.
struct Candle
{
    double startMs = 0; // aligned to the interval, counted from the Unix epoch (UTC)
    double open = 0;
    double high = 0;
    double low = 0;
    double close = 0;
    double volume = 0;
    qint64 ticks = 0;

    friend bool operator==(const Candle &, const Candle &) = default;
};

// Builds OHLC bars of a fixed interval from ticks in time order. Intervals with no tick get
// no bar (a chart shows the hole as a missing candle rather than inventing a flat one).
class CandleBuilder
{
public:
    explicit CandleBuilder(qint64 intervalMs = 60'000, qsizetype maxCandles = 100'000);

    qint64 intervalMs() const { return m_intervalMs; }
    // Changes the interval; the bars are cleared (rebuild them from the ticks).
    void setIntervalMs(qint64 intervalMs);
    void clear();

    // Ticks must come in non-decreasing time; an earlier one goes into the current bar.
    void add(double timeMs, double price, double size);

    const std::vector<Candle> &candles() const { return m_candles; }
    // The start of the bar that holds `timeMs`.
    double bucketStart(double timeMs) const;

private:
    qint64 m_intervalMs;
    qsizetype m_maxCandles;
    std::vector<Candle> m_candles;
};

} // namespace tickscope
