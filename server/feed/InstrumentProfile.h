#pragma once

#include <QString>
#include <QStringView>
#include <QtGlobal>

namespace tickscope {

// How the synthetic feed makes one symbol look like a real market: a starting price, the
// price grid (tick size), how sizes are quoted, how much the price moves per tick and how
// busy the symbol is. Grids are decimal fractions units/scale (scale a power of ten), so a
// price n*units/scale computed as one division is the double nearest to the decimal and is
// printed in its short form (64123.5, not 64123.500000000007).
struct InstrumentProfile
{
    enum class Kind
    {
        Crypto,
        Stock,
        Fx,
        Future
    };

    Kind kind = Kind::Stock;
    double startPrice = 100.0;
    qint64 tickUnits = 1; // tick size = tickUnits / tickScale
    qint64 tickScale = 100;
    qint64 sizeUnits = 1; // size step = sizeUnits / sizeScale
    qint64 sizeScale = 1;
    qint64 maxLots = 500;     // sizes are 1..maxLots steps
    bool roundLots = false;   // stocks: mostly multiples of 100 shares
    double volatility = 1e-4; // standard deviation of the relative move per tick
    double weight = 1.0;      // share of the feed's ticks, relative to the other symbols

    double tickSize() const { return double(tickUnits) / double(tickScale); }
    double sizeStep() const { return double(sizeUnits) / double(sizeScale); }

    // The profile of a well-known symbol (BTC-USD, AAPL, EURUSD, ES-FUT, ...) or, for any
    // other symbol, one derived from its shape (XXX-USD crypto, 6-letter currency pairs,
    // *-FUT futures, else a stock) with a price that is a deterministic hash of the name.
    static InstrumentProfile forSymbol(QStringView symbol);
    static bool isKnown(QStringView symbol);
    static QString kindName(Kind kind);
};

} // namespace tickscope
