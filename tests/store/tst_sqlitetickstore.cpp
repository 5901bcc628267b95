// What only the SQLite backend has: a file that outlives the process, that can be
// damaged or foreign, and writes that can fail half-way.
#include "store/SqliteTickStore.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <memory>
#include <unistd.h>

using namespace tickscope;
using Durability = SqliteStoreOptions::Durability;
using OpenCheck = SqliteStoreOptions::OpenCheck;

Q_DECLARE_METATYPE(SqliteStoreOptions::Durability)
Q_DECLARE_METATYPE(SqliteStoreOptions::OpenCheck)

namespace {

// The child process of killedProcessLosesNothing(): appends, reports, waits to be killed.
constexpr char ChildPathVariable[] = "TST_SQLITETICKSTORE_CHILD_PATH";
constexpr char ChildDurabilityVariable[] = "TST_SQLITETICKSTORE_CHILD_DURABILITY";
constexpr int ChildBatches = 5;
constexpr int ChildBatchSize = 1000;

Tick tick(const QString &symbol, qint64 timeUs, double price)
{
    return Tick{symbol, 0, timeUs, price, 1.0};
}

TickList series(const QString &symbol, int count, qint64 base)
{
    TickList ticks;
    for (int i = 0; i < count; ++i)
        ticks.append(tick(symbol, base + i, 100.0 + i));
    return ticks;
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

// Runs SQL on a file through a connection of the test's own (the store is closed).
bool rawSql(const QString &path, const QStringList &statements)
{
    const QString name = u"tst-raw"_qs;
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, name);
        db.setDatabaseName(path);
        ok = db.open();
        for (const QString &sql : statements) {
            QSqlQuery query(db);
            if (!ok || !query.exec(sql)) {
                qWarning("raw sql '%s' failed: %s", qPrintable(sql),
                         qPrintable(query.lastError().text()));
                ok = false;
                break;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

[[noreturn]] void runChild(const QString &path, Durability durability)
{
    QTextStream out(stdout);
    SqliteTickStore store(path, {durability, OpenCheck::Quick});
    QString error;
    if (!store.open(&error)) {
        out << "open failed: " << error << Qt::endl;
        ::_exit(1);
    }
    for (int b = 0; b < ChildBatches; ++b) {
        TickList ticks = series(u"K"_qs, ChildBatchSize, qint64(b) * ChildBatchSize);
        if (!store.append(ticks, &error)) {
            out << "append failed: " << error << Qt::endl;
            ::_exit(1);
        }
    }
    // Acknowledged: from here on a SIGKILL must lose nothing.
    out << "appended " << store.symbol(u"K"_qs)->lastSeq << " " << store.epoch() << Qt::endl;
    for (;;)
        ::pause();
}

} // namespace

class tst_SqliteTickStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;

    QString path() const { return m_dir->filePath(u"history.sqlite"_qs); }

    // A closed store file holding `count` ticks of X.
    bool makeFile(int count, QString *epoch = nullptr)
    {
        SqliteTickStore store(path());
        QString error;
        TickList ticks = series(u"X"_qs, count, 1);
        if (!store.open(&error) || !store.append(ticks, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        if (epoch)
            *epoch = store.epoch();
        store.close();
        return true;
    }

    // Opening must fail, name the file and the reason, and leave the file as it was.
    void expectOpenFails(const QString &reason, OpenCheck check = OpenCheck::Quick)
    {
        const QByteArray before = fileHash(path());
        SqliteTickStore store(path(), {Durability::Power, check});
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.contains(path()), qPrintable(error));
        QVERIFY2(error.contains(reason), qPrintable(error));
        QVERIFY(!store.isAvailable());
        QVERIFY(store.epoch().isEmpty());
        QCOMPARE(fileHash(path()), before); // no new schema, no new epoch written
        // The failed open let go of the file: trying again says the same, not "in use".
        QString again;
        QVERIFY(!store.open(&again));
        QCOMPARE(again, error);
    }

private slots:
    void initTestCase()
    {
        const QByteArray childPath = qgetenv(ChildPathVariable);
        if (!childPath.isEmpty()) {
            runChild(QString::fromUtf8(childPath), qgetenv(ChildDurabilityVariable) == "power"
                                                       ? Durability::Power
                                                       : Durability::Process);
        }
    }
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }
    void cleanup() { m_dir.reset(); }

    void newFileGetsNewEpoch()
    {
        const QString nested = m_dir->filePath(u"a/b/c/history.sqlite"_qs);
        SqliteTickStore store(nested);
        QCOMPARE(store.location(), nested);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(QFile::exists(nested));
        const QString epoch = store.epoch();
        QCOMPARE(epoch.size(), 36);
        store.close();

        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.epoch(), epoch);
        store.close();

        // The content is gone: a new history, a new epoch.
        QVERIFY(QFile::remove(nested));
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(store.epoch() != epoch);
    }

    void emptyFileIsNew()
    {
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        SqliteTickStore store(path());
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.epoch().size(), 36);
    }

    void databaseWithoutTablesIsNew()
    {
        QVERIFY(rawSql(path(), {u"PRAGMA user_version=7"_qs}));
        QVERIFY(QFileInfo(path()).size() > 0);
        SqliteTickStore store(path());
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.epoch().size(), 36);
    }

    void reopenContinuesQ()
    {
        QString epoch;
        QVERIFY(makeFile(5, &epoch));
        QVERIFY(!QFile::exists(path() + u"-wal"_qs)); // checkpointed at close
        SqliteTickStore store(path());
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.epoch(), epoch);
        QCOMPARE(store.symbol(u"X"_qs),
                 std::optional<SymbolState>(SymbolState{u"X"_qs, 1, 5, 5, 104.0}));
        TickList next = series(u"X"_qs, 2, 100);
        QVERIFY2(store.append(next, &error), qPrintable(error));
        QCOMPARE(next.at(0).seq, 6);
        QCOMPARE(next.at(1).seq, 7);
        TickList all;
        QVERIFY(store.read(u"X"_qs, 1, 100, &all, &error));
        QCOMPARE(all.size(), 7);
        QCOMPARE(all.at(4), (Tick{u"X"_qs, 5, 5, 104.0, 1.0}));
    }

    void pragmas_data()
    {
        QTest::addColumn<Durability>("durability");
        QTest::addColumn<QString>("synchronous");
        QTest::newRow("process") << Durability::Process << u"1"_qs; // NORMAL
        QTest::newRow("power") << Durability::Power << u"2"_qs;     // FULL
    }
    void pragmas()
    {
        QFETCH(Durability, durability);
        QFETCH(QString, synchronous);
        SqliteTickStore store(path(), {durability, OpenCheck::Quick});
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QString value;
        QVERIFY(store.executeForTesting(u"PRAGMA synchronous"_qs, &error, &value));
        QCOMPARE(value, synchronous);
        QVERIFY(store.executeForTesting(u"PRAGMA journal_mode"_qs, &error, &value));
        QCOMPARE(value, u"wal"_qs);
        QVERIFY(store.executeForTesting(u"PRAGMA locking_mode"_qs, &error, &value));
        QCOMPARE(value, u"exclusive"_qs);
        QVERIFY(store.executeForTesting(u"SELECT value FROM meta WHERE key='schema_version'"_qs,
                                        &error, &value));
        QCOMPARE(value, u"1"_qs);
    }

    void secondStoreOnSameFileFails()
    {
        SqliteTickStore first(path());
        QString error;
        QVERIFY2(first.open(&error), qPrintable(error));
        SqliteTickStore second(path());
        QVERIFY(!second.open(&error));
        QVERIFY2(error.contains(path()), qPrintable(error));
        QVERIFY2(error.contains(u"in use by another process"_qs), qPrintable(error));
        // The first one is not disturbed.
        TickList ticks = series(u"X"_qs, 3, 1);
        QVERIFY2(first.append(ticks, &error), qPrintable(error));
        first.close();
        QVERIFY2(second.open(&error), qPrintable(error));
        QCOMPARE(second.symbol(u"X"_qs)->lastSeq, 3);
    }

    void usedFromAnotherThread()
    {
        // Constructed here, used on a "store thread": the connection belongs to the
        // thread that called open().
        SqliteTickStore store(path());
        QTest::failOnWarning(QRegularExpression(u".*"_qs));
        bool ok = false;
        QString error;
        std::unique_ptr<QThread> thread(QThread::create([&] {
            TickList ticks = series(u"X"_qs, 100, 1);
            TickList out;
            ok = store.open(&error) && store.append(ticks, &error) &&
                 store.read(u"X"_qs, 1, 1000, &out, &error) && out.size() == 100;
            store.close();
        }));
        thread->start();
        QVERIFY(thread->wait(60'000));
        QVERIFY2(ok, qPrintable(error));
    }

    void notADatabase()
    {
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("symbol,seq,price\nBTC-USD,1,64000\n");
        file.close();
        expectOpenFails(u"is not a SQLite database (file is not a database); move it away or "
                        "fix it"_qs);
    }

    void garbageOverHeader()
    {
        QVERIFY(makeFile(100));
        QFile file(path());
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.write(QByteArray(64, '\xa5'));
        file.close();
        expectOpenFails(u"is not a SQLite database"_qs);
    }

    void garbageInsidePages()
    {
        QVERIFY(makeFile(20'000));
        const qint64 pages = QFileInfo(path()).size() / 4096;
        QVERIFY(pages > 30);
        QFile file(path());
        QVERIFY(file.open(QIODevice::ReadWrite));
        // Five B-tree pages in the middle of the ticks table.
        QVERIFY(file.seek(pages / 3 * 4096));
        QByteArray garbage(5 * 4096, '\0');
        for (int i = 0; i < garbage.size(); ++i)
            garbage[i] = char((i * 7919 + 13) & 0xff);
        file.write(garbage);
        file.close();
        expectOpenFails(u"is corrupt"_qs);
    }

    void truncatedMidPage_data()
    {
        QTest::addColumn<OpenCheck>("check");
        QTest::newRow("quick check") << OpenCheck::Quick;
        // Cutting the file loses the newest ticks, which the light check reads.
        QTest::newRow("light check") << OpenCheck::Light;
    }
    void truncatedMidPage()
    {
        QFETCH(OpenCheck, check);
        QVERIFY(makeFile(20'000));
        const qint64 size = QFileInfo(path()).size();
        QVERIFY(QFile::resize(path(), size / 2 + 1000));
        expectOpenFails(u"is corrupt"_qs, check);
    }

    void foreignDatabase()
    {
        QVERIFY(rawSql(path(), {u"CREATE TABLE orders(id INTEGER PRIMARY KEY, qty REAL)"_qs,
                                u"INSERT INTO orders VALUES(1, 2.5)"_qs}));
        expectOpenFails(u"is not a Tickscope history (no meta table; tables: orders)"_qs);
    }

    void unknownSchemaVersion()
    {
        QVERIFY(makeFile(5));
        QVERIFY(rawSql(path(), {u"UPDATE meta SET value='2' WHERE key='schema_version'"_qs}));
        expectOpenFails(u"has schema version 2, this build reads version 1"_qs);
    }

    void missingSchemaVersion()
    {
        QVERIFY(makeFile(5));
        QVERIFY(rawSql(path(), {u"DELETE FROM meta WHERE key='schema_version'"_qs}));
        expectOpenFails(u"no schema_version"_qs);
    }

    void missingEpoch()
    {
        QVERIFY(makeFile(5));
        QVERIFY(rawSql(path(), {u"DELETE FROM meta WHERE key='epoch'"_qs}));
        expectOpenFails(u"has no epoch"_qs);
    }

    void missingTable()
    {
        QVERIFY(makeFile(5));
        QVERIFY(rawSql(path(), {u"DROP TABLE ticks"_qs}));
        expectOpenFails(u"has no ticks table"_qs);
    }

    void inconsistentSymbolsRow()
    {
        QVERIFY(makeFile(5));
        QVERIFY(rawSql(path(), {u"UPDATE symbols SET last_seq=2 WHERE symbol='X'"_qs}));
        expectOpenFails(u"symbol X has ticks q 1..5 but its symbols row says 1..2"_qs);
    }

    void pathIsDirectory()
    {
        QVERIFY(QDir().mkpath(path()));
        SqliteTickStore store(path());
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.contains(path() + u" is a directory"_qs), qPrintable(error));
    }

    void directoryCannotBeCreated()
    {
        // A regular file where a parent directory should be (fails as root too).
        const QString blocker = m_dir->filePath(u"blocker"_qs);
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const QString inside = blocker + u"/data/history.sqlite"_qs;
        SqliteTickStore store(inside);
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.contains(inside), qPrintable(error));
        QVERIFY2(error.contains(u"cannot create its directory"_qs), qPrintable(error));
    }

    void unreadableFile()
    {
        // root ignores file permissions (CI runs as root), so there is nothing to test.
        if (::geteuid() == 0)
            QSKIP("running as root: permission bits do not stop root from reading");
        QVERIFY(makeFile(5));
        QVERIFY(QFile::setPermissions(path(), {}));
        const auto restore = qScopeGuard(
            [this] { QFile::setPermissions(path(), QFile::ReadOwner | QFile::WriteOwner); });
        SqliteTickStore store(path());
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.contains(path()), qPrintable(error));
        QVERIFY2(error.contains(u"cannot be read"_qs), qPrintable(error));
    }

    void readOnlyFile()
    {
        if (::geteuid() == 0)
            QSKIP("running as root: permission bits do not stop root from writing");
        QVERIFY(makeFile(5));
        QVERIFY(QFile::setPermissions(path(), QFile::ReadOwner));
        const auto restore = qScopeGuard(
            [this] { QFile::setPermissions(path(), QFile::ReadOwner | QFile::WriteOwner); });
        SqliteTickStore store(path());
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY2(error.contains(path()), qPrintable(error));
        QVERIFY2(error.contains(u"cannot be written"_qs), qPrintable(error));
    }

    void failedAppendRollsBack_data()
    {
        // %1: the q the batch's third tick gets; %2: the database's page count.
        QTest::addColumn<QString>("breakSql");
        QTest::addColumn<QString>("repairSql");
        QTest::addColumn<QString>("reason");
        // The database may not grow: the batch fails once it needs a new page.
        QTest::newRow("disk full")
            << u"PRAGMA max_page_count=%2"_qs << u"PRAGMA max_page_count=1073741823"_qs
            << u"database or disk is full"_qs;
        // A row in the way: the batch fails at its third tick, after two inserts.
        QTest::newRow("mid-batch conflict")
            << u"INSERT INTO ticks VALUES('X', %1, 0, 0, 0)"_qs
            << u"DELETE FROM ticks WHERE time_us=0"_qs << u"UNIQUE constraint failed"_qs;
        QTest::newRow("read-only")
            << u"PRAGMA query_only=1"_qs << u"PRAGMA query_only=0"_qs << u"readonly database"_qs;
    }
    void failedAppendRollsBack()
    {
        QFETCH(QString, breakSql);
        QFETCH(QString, repairSql);
        QFETCH(QString, reason);
        SqliteTickStore store(path());
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        TickList first = series(u"X"_qs, 10, 1);
        QVERIFY2(store.append(first, &error), qPrintable(error));
        const QList<SymbolState> before = store.symbols();
        QString pages;
        QVERIFY(store.executeForTesting(u"PRAGMA page_count"_qs, &error, &pages));
        breakSql.replace(u"%1"_qs, u"13"_qs).replace(u"%2"_qs, pages);
        QVERIFY2(store.executeForTesting(breakSql, &error), qPrintable(error));

        // Big enough to need new pages; X first, so the conflict comes at its third tick.
        TickList batch = series(u"X"_qs, 3000, 100) + series(u"Y"_qs, 3000, 100);
        QVERIFY(!store.append(batch, &error));
        QVERIFY2(error.contains(path()), qPrintable(error));
        QVERIFY2(error.contains(u"append of 6000 ticks failed"_qs), qPrintable(error));
        QVERIFY2(error.contains(reason), qPrintable(error));
        QVERIFY(!store.isAvailable());
        for (const Tick &t : std::as_const(batch))
            QCOMPARE(t.seq, 0);
        QCOMPARE(store.symbols(), before);
        // The ticks inserted before the failure are gone too (the conflict case
        // leaves its own row q 13 in place until repairSql).
        TickList out;
        QVERIFY(store.read(u"X"_qs, 1, 100'000, &out, &error));
        QVERIFY(out.size() >= 10);
        for (int i = 0; i < out.size(); ++i)
            QCOMPARE(out.at(i).seq, i < 10 ? i + 1 : 13);

        QVERIFY2(store.executeForTesting(repairSql, &error), qPrintable(error));
        QVERIFY2(store.append(batch, &error), qPrintable(error));
        QVERIFY(store.isAvailable());
        QCOMPARE(batch.first().seq, 11); // no q was consumed by the failure
        QCOMPARE(batch.last().seq, 3000);
        store.close();

        // On disk too: the reopen checks that symbols rows and ticks agree.
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.symbol(u"X"_qs)->lastSeq, 3010);
        QCOMPARE(store.symbol(u"Y"_qs)->lastSeq, 3000);
        QVERIFY(store.read(u"X"_qs, 1, 100'000, &out, &error));
        QCOMPARE(out.size(), 3010);
    }

    void failedTrimRollsBack()
    {
        SqliteTickStore store(path());
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        TickList ticks = series(u"X"_qs, 10, 1) + series(u"Y"_qs, 10, 1);
        QVERIFY(store.append(ticks, &error));
        QVERIFY(store.executeForTesting(u"PRAGMA query_only=1"_qs, &error));
        QCOMPARE(store.trim(RetentionPolicy{3, 0}, 0, &error), -1);
        QVERIFY2(error.contains(path()) && error.contains(u"trim failed"_qs), qPrintable(error));
        QVERIFY(!store.isAvailable());
        QCOMPARE(store.symbol(u"X"_qs)->firstSeq, 1);
        QCOMPARE(store.symbol(u"Y"_qs)->firstSeq, 1);
        QVERIFY(store.executeForTesting(u"PRAGMA query_only=0"_qs, &error));
        QCOMPARE(store.trim(RetentionPolicy{3, 0}, 0, &error), 14);
        QVERIFY(store.isAvailable());
        store.close();
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.symbol(u"X"_qs)->firstSeq, 8);
        QCOMPARE(store.symbol(u"Y"_qs)->firstSeq, 8);
    }

    void killedProcessLosesNothing_data()
    {
        QTest::addColumn<QString>("durability");
        QTest::newRow("process (synchronous=NORMAL)") << u"process"_qs;
        QTest::newRow("power (synchronous=FULL)") << u"power"_qs;
    }
    void killedProcessLosesNothing()
    {
        QFETCH(QString, durability);
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(ChildPathVariable), path());
        env.insert(QString::fromLatin1(ChildDurabilityVariable), durability);
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), {u"-silent"_qs});
        QVERIFY(child.waitForStarted());
        const auto stop = qScopeGuard([&child] {
            child.kill();
            child.waitForFinished();
        });
        // The child's line comes after QTest's own; give up after a minute.
        QByteArray line;
        QDeadlineTimer deadline(60'000);
        while (!deadline.hasExpired() && child.state() == QProcess::Running) {
            if (!child.canReadLine()) {
                child.waitForReadyRead(100);
                continue;
            }
            line = child.readLine();
            if (line.startsWith("appended ") || line.contains(" failed: "))
                break;
        }
        const QStringList words = QString::fromUtf8(line).trimmed().split(u' ');
        QVERIFY2(words.size() == 3 && words.at(0) == u"appended", line.constData());
        QCOMPARE(words.at(1).toLongLong(), qint64(ChildBatches) * ChildBatchSize);

        // While the child holds the file, nobody else may write to it.
        {
            SqliteTickStore other(path());
            QString error;
            QVERIFY(!other.open(&error));
            QVERIFY2(error.contains(u"in use by another process"_qs), qPrintable(error));
        }

        child.kill(); // SIGKILL: no close(), no checkpoint
        QVERIFY(child.waitForFinished());
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        QVERIFY(QFile::exists(path() + u"-wal"_qs));

        SqliteTickStore store(path());
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QCOMPARE(store.epoch(), words.at(2));
        QCOMPARE(store.symbol(u"K"_qs)->lastSeq, qint64(ChildBatches) * ChildBatchSize);
        TickList out;
        QVERIFY(store.read(u"K"_qs, 1, 100'000, &out, &error));
        QCOMPARE(out.size(), ChildBatches * ChildBatchSize);
        QCOMPARE(out.last(), (Tick{u"K"_qs, 5000, 4999, 100.0 + 999, 1.0}));
    }
};

QTEST_GUILESS_MAIN(tst_SqliteTickStore)
#include "tst_sqlitetickstore.moc"
