#include "PriceFormat.h"

#include <QLocale>
#include <cmath>

namespace tickscope {

int PriceFormat::decimalsOf(double price)
{
    if (!std::isfinite(price))
        return 2;
    const double magnitude = std::abs(price);
    for (int d = 0; d <= MaxDecimals; ++d) {
        const double scaled = magnitude * std::pow(10.0, d);
        if (std::abs(scaled - std::round(scaled)) <= 1e-9 * std::max(1.0, scaled))
            return magnitude < 10'000 ? std::max(d, 2) : d;
    }
    return MaxDecimals;
}

QString PriceFormat::format(double price, int decimals)
{
    return QLocale::c().toString(price, 'f', decimals);
}

} // namespace tickscope
