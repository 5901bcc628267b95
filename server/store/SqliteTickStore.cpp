#include "SqliteTickStore.h"

#include "store/StoreInput.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <algorithm>
#include <atomic>
#include <sqlite3.h>
#include <vector>

namespace tickscope {

namespace {

// 'TSCP' in PRAGMA application_id, so that tools like file(1) can tell the file apart.
constexpr int ApplicationId = 0x54534350;

QString text(const char *utf8)
{
    return QString::fromUtf8(utf8 ? utf8 : "");
}

// A prepared statement that finalizes itself.
class Statement
{
public:
    Statement() = default;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    int prepare(sqlite3 *db, const char *sql)
    {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    }
    sqlite3_stmt *get() const { return m_stmt; }
    // Runs a statement without result rows (or ignores them); leaves it reset.
    int run()
    {
        int rc = sqlite3_step(m_stmt);
        while (rc == SQLITE_ROW)
            rc = sqlite3_step(m_stmt);
        sqlite3_reset(m_stmt);
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
    }

private:
    sqlite3_stmt *m_stmt = nullptr;
};

// Keeps a statement's bindings from outliving the scope, and resets it on every exit.
class ResetGuard
{
public:
    explicit ResetGuard(const Statement &statement) : m_stmt(statement.get()) {}
    ResetGuard(const ResetGuard &) = delete;
    ResetGuard &operator=(const ResetGuard &) = delete;
    ~ResetGuard()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }

private:
    sqlite3_stmt *m_stmt;
};

bool bindText(sqlite3_stmt *stmt, int index, const QByteArray &utf8)
{
    // SQLITE_STATIC: the caller keeps `utf8` alive until the statement is reset.
    return sqlite3_bind_text(stmt, index, utf8.constData(), int(utf8.size()), SQLITE_STATIC) ==
           SQLITE_OK;
}

} // namespace

struct SqliteTickStore::Statements
{
    Statement begin;
    Statement commit;
    Statement rollback;
    Statement insertTick;
    Statement upsertSymbol;
    Statement readTicks;
    Statement firstYoung;
    Statement deleteBefore;
    Statement setFirstSeq;
};

SqliteTickStore::SqliteTickStore(const QString &filePath, const SqliteStoreOptions &options)
    : m_path(filePath), m_options(options)
{}

SqliteTickStore::~SqliteTickStore()
{
    close();
}

bool SqliteTickStore::fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool SqliteTickStore::notOpen(QString *error) const
{
    if (error)
        *error = u"history store %1 is not open"_qs.arg(m_path);
    return false;
}

// Open errors name the file, the reason and what to do, and never lead to a new epoch.
// open() closes the connection afterwards.
bool SqliteTickStore::failOpen(QString *error, int code, const QString &detail)
{
    QString reason;
    switch (code & 0xff) {
    case SQLITE_NOTADB:
        reason = u"is not a SQLite database (%1); move it away or fix it"_qs;
        break;
    case SQLITE_CORRUPT:
        reason = u"is corrupt (%1); move it away or restore a backup"_qs;
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        reason = u"is in use by another process (%1); stop it or use another data directory"_qs;
        break;
    case SQLITE_READONLY:
        reason = u"cannot be written (%1); check its permissions"_qs;
        break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        reason = u"cannot be opened (%1); check the path and its permissions"_qs;
        break;
    case SQLITE_FULL:
        reason = u"cannot be written (%1); free some disk space"_qs;
        break;
    case SQLITE_IOERR:
        reason = u"cannot be read or written (%1)"_qs;
        break;
    default:
        reason = u"cannot be opened (%1)"_qs;
        break;
    }
    return fail(error, u"history store %1 "_qs.arg(m_path) + reason.arg(detail));
}

// For open(): errors are worded as open errors.
bool SqliteTickStore::exec(const char *sql, QString *error)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_handle, sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return true;
    const QString detail = message ? text(message) : text(sqlite3_errstr(rc));
    sqlite3_free(message);
    return failOpen(error, rc, detail);
}

bool SqliteTickStore::open(QString *error)
{
    if (m_open)
        return true;
    const QFileInfo info(m_path);
    if (m_path.isEmpty())
        return fail(error, u"history store: no SQLite file path given"_qs);
    const QString dirPath = info.absolutePath();
    if (!QDir().mkpath(dirPath)) {
        return fail(error, u"history store %1: cannot create its directory %2; check the path "
                           "and its permissions"_qs.arg(m_path, dirPath));
    }
    bool isNew = true;
    if (info.exists()) {
        if (info.isDir()) {
            return fail(error, u"history store %1 is a directory, not a SQLite file; name a "
                               "file"_qs.arg(m_path));
        }
        QFile file(m_path);
        if (!file.open(QIODevice::ReadOnly)) {
            return fail(error, u"history store %1 cannot be read (%2); check its "
                               "permissions"_qs.arg(m_path, file.errorString()));
        }
        const QByteArray header = file.read(16);
        if (!header.isEmpty()) {
            isNew = false;
            if (header != QByteArray("SQLite format 3", 16)) {
                return fail(error, u"history store %1 is not a SQLite database (file is not a "
                                   "database); move it away or fix it"_qs.arg(m_path));
            }
        }
    }
    // On failure the connection is closed only here, once every statement of the failed
    // steps is finalized: sqlite3_close() refuses (and keeps the lock) while one is alive.
    if (!openConnection(isNew, error)) {
        close();
        return false;
    }
    return true;
}

bool SqliteTickStore::openConnection(bool isNew, QString *error)
{
    static std::atomic<int> counter{0};
    m_connectionName = u"tickscope-store-%1"_qs.arg(counter.fetch_add(1) + 1);
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, m_connectionName);
    if (!m_db.isValid()) {
        const QString message = u"history store %1 cannot be opened: the Qt SQLite driver "
                                "(QSQLITE) is not available"_qs.arg(m_path);
        return fail(error, message);
    }
    m_db.setDatabaseName(m_path);
    // The lock is exclusive anyway; waiting would only delay the error.
    m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=0"_qs);
    if (!m_db.open())
        return failOpen(error, SQLITE_CANTOPEN, m_db.lastError().text());
    const QVariant handle = m_db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0 ||
        !*static_cast<sqlite3 *const *>(handle.constData())) {
        return failOpen(error, SQLITE_CANTOPEN, u"the QSQLITE driver gave no sqlite3 handle"_qs);
    }
    m_handle = *static_cast<sqlite3 *const *>(handle.constData());
    sqlite3_extended_result_codes(m_handle, 1);
    if (sqlite3_db_readonly(m_handle, "main") == 1)
        return failOpen(error, SQLITE_READONLY, u"no write permission"_qs);

    // EXCLUSIVE before the first access: the file stays locked until close(), and in
    // WAL mode no shared-memory index is used. Everything up to COMMIT only reads, so
    // a file that is refused is left exactly as it was.
    if (!exec("PRAGMA locking_mode=EXCLUSIVE", error) || !exec("BEGIN EXCLUSIVE", error))
        return false;
    if (!isNew && !checkIntegrity(error))
        return false;
    if (!checkSchema(error) || !loadSymbols(error) || !exec("COMMIT", error))
        return false;
    // Journal mode cannot change inside a transaction; for our own file it is WAL already.
    {
        Statement wal;
        int rc = wal.prepare(m_handle, "PRAGMA journal_mode=WAL");
        if (rc == SQLITE_OK)
            rc = sqlite3_step(wal.get());
        if (rc != SQLITE_ROW)
            return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
        const QString mode =
            text(reinterpret_cast<const char *>(sqlite3_column_text(wal.get(), 0)));
        if (mode != u"wal")
            return failOpen(error, SQLITE_CANTOPEN, u"journal mode stays %1, not wal"_qs.arg(mode));
    }
    if (!exec(m_options.durability == SqliteStoreOptions::Durability::Power
                  ? "PRAGMA synchronous=FULL"
                  : "PRAGMA synchronous=NORMAL",
              error)) {
        return false;
    }
    // Keep the checkpointed WAL file instead of recreating it for every checkpoint.
    if (!exec("PRAGMA journal_size_limit=67108864", error) || !prepareStatements(error))
        return false;
    m_open = true;
    m_available = true;
    return true;
}

bool SqliteTickStore::checkIntegrity(QString *error)
{
    if (m_options.openCheck == SqliteStoreOptions::OpenCheck::Light)
        return true; // checkSchema() and loadSymbols() read the pages that matter
    Statement check;
    int rc = check.prepare(m_handle, "PRAGMA quick_check(5)");
    if (rc != SQLITE_OK)
        return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
    QStringList problems;
    while ((rc = sqlite3_step(check.get())) == SQLITE_ROW)
        problems.append(text(reinterpret_cast<const char *>(sqlite3_column_text(check.get(), 0))));
    if (rc != SQLITE_DONE)
        return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
    if (problems != QStringList{u"ok"_qs}) {
        // One line for the log: "Page 67: btreeInitPage() returns error code 11; ...".
        QString detail = problems.join(u'\n');
        detail.remove(u"*** in database main ***"_qs);
        detail = detail.split(u'\n', Qt::SkipEmptyParts).join(u"; "_qs);
        if (detail.size() > 300)
            detail = detail.left(300) + u"..."_qs;
        return failOpen(error, SQLITE_CORRUPT, u"quick_check: "_qs + detail);
    }
    return true;
}

bool SqliteTickStore::checkSchema(QString *error)
{
    QStringList tables;
    {
        Statement list;
        int rc = list.prepare(m_handle,
                              "SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name");
        if (rc != SQLITE_OK)
            return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
        while ((rc = sqlite3_step(list.get())) == SQLITE_ROW)
            tables.append(text(reinterpret_cast<const char *>(sqlite3_column_text(list.get(), 0))));
        if (rc != SQLITE_DONE)
            return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
    }
    if (tables.isEmpty())
        return createSchema(error); // a new file, or a database without any table

    const QString notOurs = u"history store %1 is not a Tickscope history (%2; tables: %3); move "
                            "it away or name another file"_qs;
    if (!tables.contains(u"meta"_qs)) {
        const QString message = notOurs.arg(m_path, u"no meta table"_qs, tables.join(u", "_qs));
        return fail(error, message);
    }
    QHash<QString, QString> meta;
    {
        Statement read;
        int rc = read.prepare(m_handle, "SELECT key, value FROM meta");
        if (rc != SQLITE_OK)
            return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
        while ((rc = sqlite3_step(read.get())) == SQLITE_ROW) {
            meta.insert(text(reinterpret_cast<const char *>(sqlite3_column_text(read.get(), 0))),
                        text(reinterpret_cast<const char *>(sqlite3_column_text(read.get(), 1))));
        }
        if (rc != SQLITE_DONE)
            return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
    }
    const QString version = meta.value(u"schema_version"_qs);
    if (version != QString::number(SchemaVersion)) {
        const QString message =
            version.isEmpty()
                ? notOurs.arg(m_path, u"no schema_version in its meta table"_qs,
                              tables.join(u", "_qs))
                : u"history store %1 has schema version %2, this build reads version %3; use a "
                  "matching Tickscope or move the file away"_qs.arg(m_path, version)
                      .arg(SchemaVersion);
        return fail(error, message);
    }
    const QString epoch = meta.value(u"epoch"_qs);
    if (epoch.isEmpty()) {
        // Never mint a new epoch over existing data: clients would trust their old q.
        const QString message = u"history store %1 has no epoch in its meta table; move it away "
                                "or restore a backup"_qs.arg(m_path);
        return fail(error, message);
    }
    for (const QString &table : {u"symbols"_qs, u"ticks"_qs}) {
        if (!tables.contains(table)) {
            const QString message = u"history store %1 has no %2 table; move it away or restore "
                                    "a backup"_qs.arg(m_path, table);
            return fail(error, message);
        }
    }
    m_epoch = epoch;
    return true;
}

bool SqliteTickStore::createSchema(QString *error)
{
    const QString epoch = StoreInput::newEpoch();
    const QByteArray sql =
        QByteArrayLiteral("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                          "CREATE TABLE symbols(symbol TEXT PRIMARY KEY, first_seq INTEGER NOT "
                          "NULL, last_seq INTEGER NOT NULL, last_time_us INTEGER NOT NULL, "
                          "last_price REAL NOT NULL);"
                          "CREATE TABLE ticks(symbol TEXT NOT NULL, seq INTEGER NOT NULL, "
                          "time_us INTEGER NOT NULL, price REAL NOT NULL, size REAL NOT NULL, "
                          "PRIMARY KEY(symbol, seq)) WITHOUT ROWID;") +
        "INSERT INTO meta(key, value) VALUES('schema_version', '" +
        QByteArray::number(SchemaVersion) + "'), ('epoch', '" + epoch.toLatin1() +
        "'), ('created_us', '" + QByteArray::number(QDateTime::currentMSecsSinceEpoch() * 1000) +
        "');" + "PRAGMA application_id=" + QByteArray::number(ApplicationId) +
        ";PRAGMA user_version=" + QByteArray::number(SchemaVersion) + ";";
    // Inside open()'s transaction: the schema and the epoch come into being together.
    if (!exec(sql.constData(), error))
        return false;
    m_epoch = epoch;
    return true;
}

bool SqliteTickStore::loadSymbols(QString *error)
{
    m_symbols.clear();
    Statement read;
    Statement first;
    Statement last;
    int rc = read.prepare(m_handle, "SELECT symbol, first_seq, last_seq, last_time_us, last_price "
                                    "FROM symbols");
    if (rc == SQLITE_OK) {
        rc = first.prepare(m_handle,
                           "SELECT seq FROM ticks WHERE symbol=?1 ORDER BY seq ASC LIMIT 1");
    }
    if (rc == SQLITE_OK) {
        rc = last.prepare(m_handle,
                          "SELECT seq FROM ticks WHERE symbol=?1 ORDER BY seq DESC LIMIT 1");
    }
    if (rc != SQLITE_OK)
        return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
    auto seqOf = [](const Statement &statement, const QByteArray &symbol, qint64 *seq) {
        ResetGuard guard(statement);
        bindText(statement.get(), 1, symbol);
        const int step = sqlite3_step(statement.get());
        *seq = step == SQLITE_ROW ? sqlite3_column_int64(statement.get(), 0) : 0;
        return step == SQLITE_ROW || step == SQLITE_DONE ? SQLITE_OK : step;
    };
    while ((rc = sqlite3_step(read.get())) == SQLITE_ROW) {
        sqlite3_stmt *row = read.get();
        SymbolState state;
        const QByteArray symbol(reinterpret_cast<const char *>(sqlite3_column_text(row, 0)),
                                sqlite3_column_bytes(row, 0));
        state.symbol = QString::fromUtf8(symbol);
        state.firstSeq = sqlite3_column_int64(row, 1);
        state.lastSeq = sqlite3_column_int64(row, 2);
        state.lastTimeUs = sqlite3_column_int64(row, 3);
        state.lastPrice = sqlite3_column_double(row, 4);
        // The symbols row and the ticks are written in one transaction; if they
        // disagree, the file was damaged or edited, and q could be given twice.
        qint64 firstTick = 0;
        qint64 lastTick = 0;
        int check = seqOf(first, symbol, &firstTick);
        if (check == SQLITE_OK)
            check = seqOf(last, symbol, &lastTick);
        if (check != SQLITE_OK)
            return failOpen(error, check, text(sqlite3_errmsg(m_handle)));
        const bool consistent =
            state.lastSeq >= 0 &&
            (firstTick == 0 ? state.firstSeq == 0
                            : firstTick == state.firstSeq && lastTick == state.lastSeq);
        if (!consistent) {
            return failOpen(
                error, SQLITE_CORRUPT,
                u"symbol %1 has ticks q %2..%3 but its symbols row says %4..%5"_qs.arg(state.symbol)
                    .arg(firstTick)
                    .arg(lastTick)
                    .arg(state.firstSeq)
                    .arg(state.lastSeq));
        }
        m_symbols.insert(state.symbol, state);
    }
    if (rc != SQLITE_DONE)
        return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
    return true;
}

bool SqliteTickStore::prepareStatements(QString *error)
{
    m_statements = std::make_unique<Statements>();
    Statements &s = *m_statements;
    const std::pair<Statement *, const char *> all[] = {
        {&s.begin, "BEGIN IMMEDIATE"},
        {&s.commit, "COMMIT"},
        {&s.rollback, "ROLLBACK"},
        {&s.insertTick, "INSERT INTO ticks(symbol, seq, time_us, price, size) "
                        "VALUES(?1, ?2, ?3, ?4, ?5)"},
        {&s.upsertSymbol,
         "INSERT INTO symbols(symbol, first_seq, last_seq, last_time_us, last_price) "
         "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(symbol) DO UPDATE SET "
         "first_seq=excluded.first_seq, last_seq=excluded.last_seq, "
         "last_time_us=excluded.last_time_us, last_price=excluded.last_price"},
        {&s.readTicks, "SELECT seq, time_us, price, size FROM ticks "
                       "WHERE symbol=?1 AND seq>=?2 ORDER BY seq LIMIT ?3"},
        {&s.firstYoung, "SELECT seq FROM ticks WHERE symbol=?1 AND seq>=?2 AND time_us>=?3 "
                        "ORDER BY seq LIMIT 1"},
        {&s.deleteBefore, "DELETE FROM ticks WHERE symbol=?1 AND seq<?2"},
        {&s.setFirstSeq, "UPDATE symbols SET first_seq=?2 WHERE symbol=?1"},
    };
    for (const auto &[statement, sql] : all) {
        const int rc = statement->prepare(m_handle, sql);
        if (rc != SQLITE_OK)
            return failOpen(error, rc, text(sqlite3_errmsg(m_handle)));
    }
    return true;
}

void SqliteTickStore::close()
{
    m_statements.reset(); // finalized before the driver closes the handle
    m_handle = nullptr;
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
    }
    if (!m_connectionName.isEmpty()) {
        QSqlDatabase::removeDatabase(m_connectionName);
        m_connectionName.clear();
    }
    m_symbols.clear();
    m_epoch.clear();
    m_open = false;
    m_available = false;
}

QList<SymbolState> SqliteTickStore::symbols() const
{
    QList<SymbolState> out = m_symbols.values();
    std::sort(out.begin(), out.end(),
              [](const SymbolState &a, const SymbolState &b) { return a.symbol < b.symbol; });
    return out;
}

std::optional<SymbolState> SqliteTickStore::symbol(const QString &symbol) const
{
    const auto it = m_symbols.constFind(symbol);
    if (it == m_symbols.cend())
        return std::nullopt;
    return *it;
}

void SqliteTickStore::rollback()
{
    // Some errors (IOERR, FULL, ...) already rolled the transaction back.
    if (!sqlite3_get_autocommit(m_handle))
        m_statements->rollback.run();
}

bool SqliteTickStore::failOperation(QString *error, const QString &what)
{
    const QString detail = text(sqlite3_errmsg(m_handle));
    rollback();
    m_available = false;
    return fail(error, u"history store %1: %2 failed (%3)"_qs.arg(m_path, what, detail));
}

bool SqliteTickStore::append(TickList &ticks, QString *error)
{
    if (!m_open)
        return notOpen(error);
    if (ticks.isEmpty())
        return true;
    if (!StoreInput::checkTicks(ticks, error))
        return false;
    StoreInput::normalize(ticks);
    Statements &s = *m_statements;

    // The new state of each symbol of the batch; m_symbols changes only after COMMIT.
    struct Pending
    {
        SymbolState state;
        QByteArray utf8;
        qsizetype count = 0;
    };
    std::vector<Pending> pending;
    QHash<QString, int> groupOf;
    std::vector<int> group(size_t(ticks.size()));
    std::vector<qint64> seqs(size_t(ticks.size()));
    int current = -1;
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        const Tick &tick = ticks.at(i);
        if (current < 0 || pending[size_t(current)].state.symbol != tick.symbol) {
            auto it = groupOf.constFind(tick.symbol);
            if (it == groupOf.cend()) {
                SymbolState state = m_symbols.value(tick.symbol);
                state.symbol = tick.symbol;
                it = groupOf.insert(tick.symbol, int(pending.size()));
                pending.push_back(Pending{state, tick.symbol.toUtf8()});
            }
            current = *it;
        }
        Pending &p = pending[size_t(current)];
        const qint64 seq = ++p.state.lastSeq;
        if (p.state.firstSeq == 0)
            p.state.firstSeq = seq;
        p.state.lastTimeUs = tick.timeUs;
        p.state.lastPrice = tick.price;
        ++p.count;
        group[size_t(i)] = current;
        seqs[size_t(i)] = seq;
    }
    // Insert symbol by symbol in ascending q: each run lands at the end of one B-tree
    // range, which touches fewer pages than interleaved symbols (counting sort, O(n)).
    std::vector<qsizetype> start(pending.size() + 1, 0);
    for (size_t g = 0; g < pending.size(); ++g)
        start[g + 1] = start[g] + pending[g].count;
    std::vector<qsizetype> order(size_t(ticks.size()));
    for (qsizetype i = 0; i < ticks.size(); ++i)
        order[size_t(start[size_t(group[size_t(i)])]++)] = i;

    const QString what = u"append of %1 ticks"_qs.arg(ticks.size());
    if (s.begin.run() != SQLITE_OK)
        return failOperation(error, what);
    {
        sqlite3_stmt *insert = s.insertTick.get();
        ResetGuard guard(s.insertTick);
        for (const qsizetype i : order) {
            const Tick &tick = ticks.at(i);
            bindText(insert, 1, pending[size_t(group[size_t(i)])].utf8);
            sqlite3_bind_int64(insert, 2, seqs[size_t(i)]);
            sqlite3_bind_int64(insert, 3, tick.timeUs);
            sqlite3_bind_double(insert, 4, tick.price);
            sqlite3_bind_double(insert, 5, tick.size);
            const int rc = sqlite3_step(insert);
            sqlite3_reset(insert);
            if (rc != SQLITE_DONE)
                return failOperation(error, what);
        }
    }
    {
        sqlite3_stmt *upsert = s.upsertSymbol.get();
        ResetGuard guard(s.upsertSymbol);
        for (const Pending &p : pending) {
            bindText(upsert, 1, p.utf8);
            sqlite3_bind_int64(upsert, 2, p.state.firstSeq);
            sqlite3_bind_int64(upsert, 3, p.state.lastSeq);
            sqlite3_bind_int64(upsert, 4, p.state.lastTimeUs);
            sqlite3_bind_double(upsert, 5, p.state.lastPrice);
            const int rc = sqlite3_step(upsert);
            sqlite3_reset(upsert);
            if (rc != SQLITE_DONE)
                return failOperation(error, what);
        }
    }
    if (s.commit.run() != SQLITE_OK)
        return failOperation(error, what);

    for (const Pending &p : pending)
        m_symbols.insert(p.state.symbol, p.state);
    for (qsizetype i = 0; i < ticks.size(); ++i)
        ticks[i].seq = seqs[size_t(i)];
    m_available = true;
    return true;
}

bool SqliteTickStore::read(const QString &symbol, qint64 fromSeq, int limit, TickList *out,
                           QString *error)
{
    out->clear();
    if (!m_open)
        return notOpen(error);
    const auto it = m_symbols.constFind(symbol);
    if (it == m_symbols.cend() || it->firstSeq == 0 || limit <= 0 || fromSeq > it->lastSeq)
        return true;
    // Every tick of the page shares the one stored copy of the symbol string.
    const QString name = it->symbol;
    const qint64 from = std::max(fromSeq, it->firstSeq);
    out->reserve(qsizetype(std::min<qint64>(limit, it->lastSeq - from + 1)));

    const QByteArray utf8 = name.toUtf8(); // bound without a copy: outlives the guard
    sqlite3_stmt *select = m_statements->readTicks.get();
    ResetGuard guard(m_statements->readTicks);
    bindText(select, 1, utf8);
    sqlite3_bind_int64(select, 2, from);
    sqlite3_bind_int64(select, 3, limit);
    int rc;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
        out->append(Tick{name, sqlite3_column_int64(select, 0), sqlite3_column_int64(select, 1),
                         sqlite3_column_double(select, 2), sqlite3_column_double(select, 3)});
    }
    if (rc != SQLITE_DONE) {
        out->clear();
        const QString detail = text(sqlite3_errmsg(m_handle));
        m_available = false;
        return fail(error,
                    u"history store %1: read of %2 from q %3 failed (%4)"_qs.arg(m_path, symbol)
                        .arg(fromSeq)
                        .arg(detail));
    }
    m_available = true;
    return true;
}

qint64 SqliteTickStore::trim(const RetentionPolicy &policy, qint64 nowUs, QString *error)
{
    if (!m_open) {
        notOpen(error);
        return -1;
    }
    if (!StoreInput::checkPolicy(policy, error))
        return -1;
    if (policy.maxTicksPerSymbol == 0 && policy.maxAgeUs == 0)
        return 0;
    Statements &s = *m_statements;
    const auto failed = [&] {
        failOperation(error, u"trim"_qs);
        return qint64(-1);
    };
    QHash<QString, qint64> newFirst; // applied to m_symbols only after COMMIT
    qint64 removed = 0;

    if (s.begin.run() != SQLITE_OK)
        return failed();
    for (const SymbolState &state : std::as_const(m_symbols)) {
        if (state.firstSeq == 0)
            continue;
        qint64 first = state.firstSeq;
        if (policy.maxTicksPerSymbol > 0)
            first = std::max(first, state.lastSeq - policy.maxTicksPerSymbol + 1);
        const QByteArray utf8 = state.symbol.toUtf8();
        if (policy.maxAgeUs > 0 && first <= state.lastSeq) {
            ResetGuard guard(s.firstYoung);
            sqlite3_stmt *select = s.firstYoung.get();
            bindText(select, 1, utf8);
            sqlite3_bind_int64(select, 2, first);
            sqlite3_bind_int64(select, 3, nowUs - policy.maxAgeUs);
            const int rc = sqlite3_step(select);
            if (rc == SQLITE_ROW)
                first = sqlite3_column_int64(select, 0);
            else if (rc == SQLITE_DONE)
                first = state.lastSeq + 1;
            else
                return failed();
        }
        if (first <= state.firstSeq)
            continue;
        {
            ResetGuard guard(s.deleteBefore);
            bindText(s.deleteBefore.get(), 1, utf8);
            sqlite3_bind_int64(s.deleteBefore.get(), 2, first);
            if (sqlite3_step(s.deleteBefore.get()) != SQLITE_DONE)
                return failed();
            removed += sqlite3_changes64(m_handle);
        }
        const qint64 stored = first > state.lastSeq ? 0 : first;
        {
            ResetGuard guard(s.setFirstSeq);
            bindText(s.setFirstSeq.get(), 1, utf8);
            sqlite3_bind_int64(s.setFirstSeq.get(), 2, stored);
            if (sqlite3_step(s.setFirstSeq.get()) != SQLITE_DONE)
                return failed();
        }
        newFirst.insert(state.symbol, stored);
    }
    if (s.commit.run() != SQLITE_OK)
        return failed();
    for (auto it = newFirst.cbegin(); it != newFirst.cend(); ++it)
        m_symbols[it.key()].firstSeq = it.value();
    m_available = true;
    return removed;
}

bool SqliteTickStore::executeForTesting(const QString &sql, QString *error, QString *value)
{
    if (!m_open)
        return notOpen(error);
    struct Capture
    {
        QString *value;
        bool done = false;
    } capture{value};
    const auto callback = [](void *data, int columns, char **values, char **) {
        auto *c = static_cast<Capture *>(data);
        if (!c->done && c->value && columns > 0)
            *c->value = text(values[0]);
        c->done = true;
        return 0;
    };
    char *message = nullptr;
    const int rc = sqlite3_exec(m_handle, sql.toUtf8().constData(), callback, &capture, &message);
    if (rc == SQLITE_OK)
        return true;
    const QString detail = message ? text(message) : text(sqlite3_errstr(rc));
    sqlite3_free(message);
    return fail(error, detail);
}

} // namespace tickscope
