#include "TickStoreFactory.h"

#include "store/MemoryTickStore.h"

#include <QDir>

namespace tickscope {

std::unique_ptr<TickStore> TickStoreFactory::create(const QString &kind, const QString &dataDir,
                                                    QString *error,
                                                    const SqliteStoreOptions &sqliteOptions)
{
    if (kind == u"memory")
        return std::make_unique<MemoryTickStore>();
    if (kind == u"sqlite") {
        if (dataDir.isEmpty()) {
            if (error)
                *error = u"store sqlite needs a data directory"_qs;
            return nullptr;
        }
        return std::make_unique<SqliteTickStore>(QDir(dataDir).filePath(sqliteFileName()),
                                                 sqliteOptions);
    }
    if (error) {
        *error = kind == u"redis"
                     ? u"store redis is not available in this build"_qs
                     : u"store '%1' is unknown (expected memory, sqlite or redis)"_qs.arg(kind);
    }
    return nullptr;
}

} // namespace tickscope
