// The contract of TickStore (TickStoreConformance.h) run against the embedded backends:
// each case runs once per backend ("memory", "sqlite"), so they accept, number and keep
// ticks alike.
#include "TickStoreConformance.h"
#include "store/MemoryTickStore.h"
#include "store/SqliteTickStore.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace tickscope;

class tst_TickStore : public TickStoreConformance
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;

    QStringList backends() const override { return {u"memory"_qs, u"sqlite"_qs}; }

    std::unique_ptr<TickStore> make(const QString &backend) override
    {
        if (backend == u"memory")
            return std::make_unique<MemoryTickStore>();
        return std::make_unique<SqliteTickStore>(m_dir->filePath(u"history.sqlite"_qs));
    }

    // Another file is another history.
    std::unique_ptr<TickStore> makeOther(const QString &backend) override
    {
        if (backend == u"memory")
            return std::make_unique<MemoryTickStore>();
        return std::make_unique<SqliteTickStore>(m_dir->filePath(u"h.sqlite"_qs));
    }

    QString expectedKind(const QString &backend) const override { return backend; }

private slots:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }
    void cleanup() { m_dir.reset(); }
};

QTEST_GUILESS_MAIN(tst_TickStore)
#include "tst_tickstore.moc"
