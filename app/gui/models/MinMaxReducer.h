#pragma once

#include <QList>
#include <QPointF>

namespace tickscope {

class SeriesStore;

// Turns the ticks of a time window into at most two points per pixel column: the lowest and
// the highest price of the column, in the order they happened. A line through these points
// looks the same as a line through every tick (every spike stays visible), however many
// ticks the window holds. The point just before the window is kept too, so the line enters
// from the left edge instead of starting mid-plot.
class MinMaxReducer
{
public:
    struct Result
    {
        QList<QPointF> points; // x: time in ms since the epoch, y: price
        qsizetype ticksInWindow = 0;
        double minPrice = 0;
        double maxPrice = 0; // min > max when the window is empty
    };

    // Below this many ticks per column the ticks themselves are returned.
    static constexpr double RawThreshold = 2.0;

    static Result reduce(const SeriesStore &store, double fromMs, double toMs, int columns);
};

} // namespace tickscope
