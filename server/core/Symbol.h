#pragma once

#include <QString>
#include <QStringView>

namespace tickscope {

// The symbol rule of the protocol: ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,31}$, case-sensitive.
class Symbol
{
public:
    static constexpr int MaxLength = 32;

    static bool isValid(QStringView symbol);

    // A pattern of a token's `symbols` claim: an exact symbol, or a prefix ending in `*`.
    static bool matchesPattern(QStringView pattern, QStringView symbol);
    static bool matchesAny(const QStringList &patterns, QStringView symbol);
};

} // namespace tickscope
