#include "MinMaxReducer.h"

#include "SeriesStore.h"

#include <algorithm>
#include <limits>

namespace tickscope {

MinMaxReducer::Result MinMaxReducer::reduce(const SeriesStore &store, double fromMs, double toMs,
                                            int columns)
{
    Result result;
    result.minPrice = std::numeric_limits<double>::infinity();
    result.maxPrice = -std::numeric_limits<double>::infinity();
    if (store.isEmpty() || toMs < fromMs)
        return result;
    columns = std::max(columns, 1);
    const qsizetype begin = store.lowerBound(fromMs);
    const qsizetype end = store.upperBound(toMs);
    result.ticksInWindow = end - begin;

    auto take = [&](qsizetype i) {
        const double price = store.price(i);
        result.points.append(QPointF(store.time(i), price));
        result.minPrice = std::min(result.minPrice, price);
        result.maxPrice = std::max(result.maxPrice, price);
    };
    if (begin > 0 && begin < end) // outside the window: drawn, but not part of the y range
        result.points.append(QPointF(store.time(begin - 1), store.price(begin - 1)));

    const qsizetype count = end - begin;
    if (count <= qsizetype(RawThreshold * columns)) {
        result.points.reserve(count + 1);
        for (qsizetype i = begin; i < end; ++i)
            take(i);
        return result;
    }

    result.points.reserve(2 * columns + 1);
    const double span = toMs - fromMs;
    qsizetype i = begin;
    for (int c = 0; c < columns && i < end; ++c) {
        const qsizetype columnEnd =
            c == columns - 1 ? end
                             : std::min(end, store.lowerBound(fromMs + span * (c + 1) / columns));
        if (columnEnd <= i)
            continue;
        const SeriesStore::Extremes ext = store.extremes(i, columnEnd);
        const qsizetype first = std::min(ext.minIndex, ext.maxIndex);
        const qsizetype second = std::max(ext.minIndex, ext.maxIndex);
        take(first);
        if (second != first)
            take(second);
        i = columnEnd;
    }
    return result;
}

} // namespace tickscope
