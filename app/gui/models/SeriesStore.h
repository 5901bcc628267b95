#pragma once

#include <QtGlobal>
#include <vector>

namespace tickscope {

// The ticks of the chart's symbol in columns (time, price, size), with the index of the lowest
// and highest price of every block of BlockSize ticks, so that the extremes of any range cost
// O(BlockSize + range / BlockSize) instead of O(range). Times are kept non-decreasing (a tick
// stamped earlier than its predecessor is drawn at the predecessor's time), which is what
// the binary searches rely on. Past `capacity` ticks the oldest are dropped, whole blocks at a
// time so that blocks stay aligned.
class SeriesStore
{
public:
    static constexpr qsizetype BlockSize = 32;

    explicit SeriesStore(qsizetype capacity = 2'000'000);

    void clear();
    // Room for `count` ticks (at most capacity plus the trim slack). For a known final size
    // only: calling it per batch would reallocate every time.
    void reserve(qsizetype count);
    void append(double timeMs, double price, double size);

    qsizetype size() const { return qsizetype(m_time.size()); }
    bool isEmpty() const { return m_time.empty(); }
    qsizetype capacity() const { return m_capacity; }
    // Ticks dropped from the front since the last clear().
    qint64 dropped() const { return m_dropped; }

    double time(qsizetype i) const { return m_time[size_t(i)]; }
    double price(qsizetype i) const { return m_price[size_t(i)]; }
    double tickSize(qsizetype i) const { return m_size[size_t(i)]; }
    double firstTime() const { return m_time.front(); }
    double lastTime() const { return m_time.back(); }

    // The first index whose time is >= t (size() when none).
    qsizetype lowerBound(double timeMs) const;
    // The first index whose time is > t (size() when none).
    qsizetype upperBound(double timeMs) const;

    struct Extremes
    {
        qsizetype minIndex = -1;
        qsizetype maxIndex = -1;
    };
    // The first lowest and first highest price in [begin, end); -1 when the range is empty.
    Extremes extremes(qsizetype begin, qsizetype end) const;

private:
    void trimFront();

    qsizetype m_capacity;
    qint64 m_dropped = 0;
    std::vector<double> m_time;
    std::vector<double> m_price;
    std::vector<double> m_size;
    std::vector<Extremes> m_blocks; // complete blocks only
};

} // namespace tickscope
