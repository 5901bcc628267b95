#include "LatencyHistogram.h"

#include <algorithm>

namespace tickscope::bench {

LatencyHistogram::LatencyHistogram() : m_counts(Buckets, 0) {}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    for (int i = 0; i < Buckets; ++i)
        m_counts[i] += other.m_counts[i];
    m_count += other.m_count;
    m_max = std::max(m_max, other.m_max);
    m_negative += other.m_negative;
    m_sum += other.m_sum;
}

void LatencyHistogram::clear()
{
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_count = 0;
    m_max = 0;
    m_negative = 0;
    m_sum = 0;
}

quint64 LatencyHistogram::lowerBound(int bucket)
{
    if (bucket < Exact)
        return quint64(bucket);
    const int k = bucket - Exact;
    const int msb = k / Sub + 8;
    const quint64 mantissa = quint64(Sub + k % Sub);
    return mantissa << (msb - SubBits);
}

quint64 LatencyHistogram::upperBound(int bucket)
{
    if (bucket < Exact)
        return quint64(bucket);
    const int k = bucket - Exact;
    const int msb = k / Sub + 8;
    return lowerBound(bucket) + (quint64(1) << (msb - SubBits)) - 1;
}

qint64 LatencyHistogram::percentile(double fraction) const
{
    if (m_count == 0)
        return 0;
    // The rank of the sample asked for (1-based), rounded up: p99 of 1000 samples is the 990th.
    const auto rank = std::max<qint64>(1, qint64(fraction * double(m_count) + 0.999999));
    qint64 seen = 0;
    for (int i = 0; i < Buckets; ++i) {
        seen += m_counts[i];
        if (seen >= rank) {
            // Midpoint of the bucket, never above the largest sample seen.
            const quint64 mid = (lowerBound(i) + upperBound(i)) / 2;
            return std::min<qint64>(qint64(mid), m_max);
        }
    }
    return m_max;
}

QJsonObject LatencyHistogram::toJson(double divisor) const
{
    const auto scaled = [divisor](double v) { return v / divisor; };
    return QJsonObject{
        {u"count"_qs, double(m_count)},
        {u"mean"_qs, scaled(mean())},
        {u"p50"_qs, scaled(double(percentile(0.50)))},
        {u"p90"_qs, scaled(double(percentile(0.90)))},
        {u"p99"_qs, scaled(double(percentile(0.99)))},
        {u"p999"_qs, scaled(double(percentile(0.999)))},
        {u"max"_qs, scaled(double(m_max))},
    };
}

} // namespace tickscope::bench
