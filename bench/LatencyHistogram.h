#pragma once

#include <QJsonObject>
#include <QtGlobal>
#include <vector>

namespace tickscope::bench {

// A log-linear histogram of non-negative integer samples (microseconds here): exact below
// 256, then 128 sub-buckets per power of two, so any percentile is within 0.8 % of the true
// sample. Recording is a few instructions, which matters at millions of ticks per second.
class LatencyHistogram
{
public:
    LatencyHistogram();

    void record(qint64 value)
    {
        if (value < 0) {
            ++m_negative;
            value = 0;
        }
        ++m_counts[bucketOf(quint64(value))];
        ++m_count;
        m_sum += double(value);
        if (value > m_max)
            m_max = value;
    }

    void merge(const LatencyHistogram &other);
    void clear();

    qint64 count() const { return m_count; }
    qint64 max() const { return m_max; }
    qint64 negative() const { return m_negative; }
    double mean() const { return m_count ? m_sum / double(m_count) : 0.0; }
    // The value below which `fraction` (0..1) of the samples lie; 0 when empty.
    qint64 percentile(double fraction) const;

    // count, mean, p50, p90, p99, p99.9, max, in the unit given (samples are divided by
    // `divisor`, e.g. 1000 to turn microseconds into milliseconds).
    QJsonObject toJson(double divisor) const;

private:
    static constexpr int Exact = 256;
    static constexpr int SubBits = 7;
    static constexpr int Sub = 1 << SubBits;
    static constexpr int Buckets = Exact + (63 - 8 + 1) * Sub;

    static int bucketOf(quint64 value)
    {
        if (value < Exact)
            return int(value);
        const int msb = 63 - __builtin_clzll(value); // >= 8
        const int shift = msb - SubBits;
        return Exact + (msb - 8) * Sub + int((value >> shift) & (Sub - 1));
    }
    static quint64 lowerBound(int bucket);
    static quint64 upperBound(int bucket);

    std::vector<qint64> m_counts;
    qint64 m_count = 0;
    qint64 m_max = 0;
    qint64 m_negative = 0;
    double m_sum = 0;
};

} // namespace tickscope::bench
