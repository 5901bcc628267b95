#pragma once

#include <QString>

namespace tickscope {

// How many decimals a price needs, so that a symbol's prices line up in a column: the
// smallest count (0..8) that shows the price exactly, with a floor of 2 for prices under
// 10,000 (traders expect cents).
class PriceFormat
{
public:
    static constexpr int MaxDecimals = 8;
    static int decimalsOf(double price);
    static QString format(double price, int decimals);
};

} // namespace tickscope
