#pragma once

#include "store/SqliteTickStore.h"
#include "store/TickStore.h"

#include <memory>

namespace tickscope {

// Builds the configured backend, not yet opened: open() belongs on the store thread.
class TickStoreFactory
{
public:
    // The SQLite file inside the data directory.
    static QString sqliteFileName() { return u"history.sqlite"_qs; }

    // kind: "memory", "sqlite" (file <dataDir>/history.sqlite) or "redis".
    // Returns null with *error set for an unknown or unavailable kind.
    static std::unique_ptr<TickStore> create(const QString &kind, const QString &dataDir,
                                             QString *error,
                                             const SqliteStoreOptions &sqliteOptions = {});
};

} // namespace tickscope
