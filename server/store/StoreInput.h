#pragma once

#include "core/Tick.h"
#include "store/TickStore.h"

namespace tickscope {

// Checks shared by every backend, so that they accept and refuse the same input.
class StoreInput
{
public:
    // Symbol rule, finite price and size. Names the offending tick and value.
    static bool checkTicks(const TickList &ticks, QString *error);
    // -0.0 -> 0.0 for price and size (SQLite REAL columns drop the sign of zero).
    static void normalize(TickList &ticks);
    // No negative limits.
    static bool checkPolicy(const RetentionPolicy &policy, QString *error);
    // A new random epoch: a UUID without braces.
    static QString newEpoch();
};

} // namespace tickscope
