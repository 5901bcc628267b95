#include "SeriesStore.h"

#include <algorithm>

namespace tickscope {

SeriesStore::SeriesStore(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(capacity, 4 * BlockSize))
{}

void SeriesStore::clear()
{
    m_time.clear();
    m_price.clear();
    m_size.clear();
    m_blocks.clear();
    m_dropped = 0;
}

void SeriesStore::reserve(qsizetype count)
{
    const size_t n = size_t(std::min(count, m_capacity + m_capacity / 4));
    m_time.reserve(n);
    m_price.reserve(n);
    m_size.reserve(n);
}

void SeriesStore::append(double timeMs, double price, double size)
{
    if (!m_time.empty() && timeMs < m_time.back())
        timeMs = m_time.back();
    m_time.push_back(timeMs);
    m_price.push_back(price);
    m_size.push_back(size);
    const qsizetype n = this->size();
    if (n % BlockSize == 0) {
        Extremes block{n - BlockSize, n - BlockSize};
        for (qsizetype i = n - BlockSize + 1; i < n; ++i) {
            if (m_price[size_t(i)] < m_price[size_t(block.minIndex)])
                block.minIndex = i;
            if (m_price[size_t(i)] > m_price[size_t(block.maxIndex)])
                block.maxIndex = i;
        }
        m_blocks.push_back(block);
    }
    // A quarter of slack, so that the (linear) trim runs once per capacity/4 appends.
    if (n > m_capacity + m_capacity / 4)
        trimFront();
}

void SeriesStore::trimFront()
{
    const qsizetype drop = (size() - m_capacity) / BlockSize * BlockSize;
    if (drop <= 0)
        return;
    m_time.erase(m_time.begin(), m_time.begin() + drop);
    m_price.erase(m_price.begin(), m_price.begin() + drop);
    m_size.erase(m_size.begin(), m_size.begin() + drop);
    m_blocks.erase(m_blocks.begin(), m_blocks.begin() + drop / BlockSize);
    for (Extremes &block : m_blocks) {
        block.minIndex -= drop;
        block.maxIndex -= drop;
    }
    m_dropped += drop;
}

qsizetype SeriesStore::lowerBound(double timeMs) const
{
    return std::lower_bound(m_time.begin(), m_time.end(), timeMs) - m_time.begin();
}

qsizetype SeriesStore::upperBound(double timeMs) const
{
    return std::upper_bound(m_time.begin(), m_time.end(), timeMs) - m_time.begin();
}

SeriesStore::Extremes SeriesStore::extremes(qsizetype begin, qsizetype end) const
{
    begin = std::max<qsizetype>(begin, 0);
    end = std::min(end, size());
    Extremes out;
    if (begin >= end)
        return out;
    auto consider = [&](qsizetype minIndex, qsizetype maxIndex) {
        if (out.minIndex < 0 || m_price[size_t(minIndex)] < m_price[size_t(out.minIndex)])
            out.minIndex = minIndex;
        if (out.maxIndex < 0 || m_price[size_t(maxIndex)] > m_price[size_t(out.maxIndex)])
            out.maxIndex = maxIndex;
    };
    const qsizetype firstBlock = (begin + BlockSize - 1) / BlockSize;
    const qsizetype lastBlock = end / BlockSize; // exclusive
    if (firstBlock >= lastBlock) {
        for (qsizetype i = begin; i < end; ++i)
            consider(i, i);
        return out;
    }
    for (qsizetype i = begin; i < firstBlock * BlockSize; ++i)
        consider(i, i);
    for (qsizetype b = firstBlock; b < lastBlock; ++b)
        consider(m_blocks[size_t(b)].minIndex, m_blocks[size_t(b)].maxIndex);
    for (qsizetype i = lastBlock * BlockSize; i < end; ++i)
        consider(i, i);
    return out;
}

} // namespace tickscope
