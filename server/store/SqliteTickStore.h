#pragma once

#include "store/TickStore.h"

#include <QHash>
#include <QSqlDatabase>
#include <memory>

struct sqlite3;

namespace tickscope {

struct SqliteStoreOptions
{
    // What survives once append() returned true. A commit is in the WAL either way;
    // the choice is whether each commit waits for fsync. Measured here (1M ticks over 20
    // symbols, tests/store/store_throughput): batches of 1,000: ~430k ticks/s NORMAL,
    // ~385k FULL; batches of 5,000: ~540k / ~530k. Where fsync is slow, FULL pays it per
    // commit: bigger batches matter more there.
    enum class Durability
    {
        Process, // synchronous=NORMAL: survives a crash of the process, not of the OS
        Power,   // synchronous=FULL: fsync per commit, survives an OS crash or power loss
    };
    // How open() checks an existing file before trusting it.
    enum class OpenCheck
    {
        Quick, // PRAGMA quick_check: reads every page, ~150 ms per 1M ticks (43 MiB)
        Light, // header, schema, each symbol's first and last tick: O(symbols log n)
    };

    Durability durability = Durability::Power;
    OpenCheck openCheck = OpenCheck::Quick;
};

// History in one SQLite file (WAL journal), through Qt's QSQLITE driver. The hot
// statements use the driver's native sqlite3 handle: through QSqlQuery (a QVariant per
// value) appending ran at half the speed, and reading 1M ticks took 0.43 s, not 0.19 s.
//
// The file is locked exclusively while open, so a second server pointed at the same
// file fails at open() instead of allocating the same q twice.
class SqliteTickStore final : public TickStore
{
public:
    static constexpr int SchemaVersion = 1;

    explicit SqliteTickStore(const QString &filePath, const SqliteStoreOptions &options = {});
    ~SqliteTickStore() override;

    QString kind() const override { return u"sqlite"_qs; }
    QString location() const override { return m_path; }

    bool open(QString *error) override;
    void close() override;

    QString epoch() const override { return m_epoch; }

    QList<SymbolState> symbols() const override;
    std::optional<SymbolState> symbol(const QString &symbol) const override;

    bool append(TickList &ticks, QString *error) override;
    bool read(const QString &symbol, qint64 fromSeq, int limit, TickList *out,
              QString *error) override;
    qint64 trim(const RetentionPolicy &policy, qint64 nowUs, QString *error) override;

    bool isAvailable() const override { return m_open && m_available; }

    const SqliteStoreOptions &options() const { return m_options; }

    // Tests only: runs SQL on the store's own connection (the file is locked, so a
    // second connection cannot), e.g. to make the next write fail for real. *value gets
    // the first column of the first result row, if any.
    bool executeForTesting(const QString &sql, QString *error, QString *value = nullptr);

private:
    struct Statements;

    bool openConnection(bool isNew, QString *error);
    bool createSchema(QString *error);
    bool checkSchema(QString *error);
    bool loadSymbols(QString *error);
    bool checkIntegrity(QString *error);
    bool prepareStatements(QString *error);
    bool exec(const char *sql, QString *error);
    bool fail(QString *error, const QString &message);
    bool failOpen(QString *error, int code, const QString &detail);
    bool failOperation(QString *error, const QString &what);
    void rollback();
    bool notOpen(QString *error) const;

    QString m_path;
    SqliteStoreOptions m_options;
    QString m_connectionName;
    QSqlDatabase m_db;
    sqlite3 *m_handle = nullptr;
    std::unique_ptr<Statements> m_statements;
    QHash<QString, SymbolState> m_symbols;
    QString m_epoch;
    bool m_open = false;
    bool m_available = false;
};

} // namespace tickscope
