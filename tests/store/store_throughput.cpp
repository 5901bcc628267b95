// Ad-hoc throughput measurement of the history store backends (not a test: its
// numbers depend on the machine). Usage:
//   store_throughput [dir] [ticks=1000000] [batch=2000] [symbols=20]
// Appends `ticks` ticks in batches over `symbols` symbols with each backend and
// durability, reopens (timing each open check) and replays everything in pages of 10,000.
#include "store/MemoryTickStore.h"
#include "store/SqliteTickStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <ctime>
#include <memory>

using namespace tickscope;

namespace {

QTextStream out(stdout);

bool fill(TickStore &store, qint64 total, int batch, int symbolCount)
{
    QStringList names;
    for (int i = 0; i < symbolCount; ++i)
        names.append(u"SYM-%1"_qs.arg(i));
    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpu = std::clock();
    qint64 done = 0;
    TickList ticks;
    while (done < total) {
        ticks.clear();
        const qint64 n = std::min<qint64>(batch, total - done);
        for (qint64 i = 0; i < n; ++i) {
            const qint64 k = done + i;
            ticks.append(Tick{names.at(int(k % symbolCount)), 0, 1'700'000'000'000'000 + k,
                              100.0 + double(k % 1000) * 0.01, 0.5 + double(k % 7)});
        }
        QString error;
        if (!store.append(ticks, &error)) {
            out << "append failed: " << error << Qt::endl;
            return false;
        }
        done += n;
    }
    const double s = double(timer.nsecsElapsed()) / 1e9;
    const double c = double(std::clock() - cpu) / CLOCKS_PER_SEC;
    out << "  append " << total << " ticks, batch " << batch << ": " << s << " s, "
        << qint64(double(total) / s) << " ticks/s (cpu " << c << " s, " << qint64(double(total) / c)
        << " ticks/cpu-s)" << Qt::endl;
    return true;
}

bool replay(TickStore &store)
{
    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpu = std::clock();
    qint64 count = 0;
    TickList page;
    for (const SymbolState &state : store.symbols()) {
        qint64 from = state.firstSeq;
        while (from > 0 && from <= state.lastSeq) {
            QString error;
            if (!store.read(state.symbol, from, 10'000, &page, &error)) {
                out << "read failed: " << error << Qt::endl;
                return false;
            }
            if (page.isEmpty())
                break;
            count += page.size();
            from = page.constLast().seq + 1;
        }
    }
    const double s = double(timer.nsecsElapsed()) / 1e9;
    const double c = double(std::clock() - cpu) / CLOCKS_PER_SEC;
    out << "  read " << count << " ticks in pages of 10000: " << s << " s, "
        << qint64(double(count) / s) << " ticks/s (cpu " << c << " s)" << Qt::endl;
    return true;
}

void timeOpen(const QString &path, SqliteStoreOptions::OpenCheck check, const char *name)
{
    SqliteTickStore store(path, {SqliteStoreOptions::Durability::Power, check});
    QElapsedTimer timer;
    timer.start();
    QString error;
    const bool ok = store.open(&error);
    out << "  open with " << name << " check: " << double(timer.nsecsElapsed()) / 1e6 << " ms"
        << (ok ? QString() : u" FAILED: "_qs + error) << Qt::endl;
}

// The same schema written and read through QSqlQuery alone, to compare with the
// native statements of SqliteTickStore.
bool viaQSqlQuery(const QString &path, qint64 total, int batch, int symbolCount)
{
    QFile::remove(path);
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"qsqlquery"_qs);
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery setup(db);
        for (const char *sql :
             {"PRAGMA locking_mode=EXCLUSIVE", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
              "CREATE TABLE ticks(symbol TEXT NOT NULL, seq INTEGER NOT NULL, "
              "time_us INTEGER NOT NULL, price REAL NOT NULL, size REAL NOT "
              "NULL, PRIMARY KEY(symbol, seq)) WITHOUT ROWID"}) {
            ok = ok && setup.exec(QString::fromLatin1(sql));
        }
        QSqlQuery insert(db);
        ok = ok && insert.prepare(u"INSERT INTO ticks VALUES(?, ?, ?, ?, ?)"_qs);
        QStringList names;
        for (int i = 0; i < symbolCount; ++i)
            names.append(u"SYM-%1"_qs.arg(i));
        QList<qint64> seqs(symbolCount, 0);
        QElapsedTimer timer;
        timer.start();
        for (qint64 done = 0; ok && done < total; done += batch) {
            ok = db.transaction();
            // Symbol by symbol, like SqliteTickStore.
            for (int s = 0; ok && s < symbolCount; ++s) {
                for (qint64 k = done + s; ok && k < std::min<qint64>(done + batch, total);
                     k += symbolCount) {
                    insert.bindValue(0, names.at(s));
                    insert.bindValue(1, ++seqs[s]);
                    insert.bindValue(2, 1'700'000'000'000'000 + k);
                    insert.bindValue(3, 100.0 + double(k % 1000) * 0.01);
                    insert.bindValue(4, 0.5 + double(k % 7));
                    ok = insert.exec();
                }
            }
            ok = ok && db.commit();
        }
        double s = double(timer.nsecsElapsed()) / 1e9;
        out << "  QSqlQuery append " << total << " ticks, batch " << batch << ": " << s << " s, "
            << qint64(double(total) / s) << " ticks/s" << Qt::endl;

        QSqlQuery read(db);
        read.setForwardOnly(true);
        ok = ok && read.prepare(u"SELECT seq, time_us, price, size FROM ticks WHERE symbol=? AND "
                                "seq>=? ORDER BY seq LIMIT ?"_qs);
        timer.restart();
        qint64 count = 0;
        TickList page;
        for (int i = 0; ok && i < symbolCount; ++i) {
            qint64 from = 1;
            while (ok) {
                page.clear();
                read.bindValue(0, names.at(i));
                read.bindValue(1, from);
                read.bindValue(2, 10'000);
                ok = read.exec();
                while (ok && read.next()) {
                    page.append(Tick{names.at(i), read.value(0).toLongLong(),
                                     read.value(1).toLongLong(), read.value(2).toDouble(),
                                     read.value(3).toDouble()});
                }
                if (page.isEmpty())
                    break;
                count += page.size();
                from = page.constLast().seq + 1;
            }
        }
        s = double(timer.nsecsElapsed()) / 1e9;
        out << "  QSqlQuery read " << count << " ticks in pages of 10000: " << s << " s, "
            << qint64(double(count) / s) << " ticks/s" << Qt::endl;
        db.close();
    }
    QSqlDatabase::removeDatabase(u"qsqlquery"_qs);
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTemporaryDir tmp;
    const QString dir = args.size() > 1 ? args.at(1) : tmp.path();
    const qint64 total = args.size() > 2 ? args.at(2).toLongLong() : 1'000'000;
    const int batch = args.size() > 3 ? args.at(3).toInt() : 2000;
    const int symbols = args.size() > 4 ? args.at(4).toInt() : 20;
    QDir().mkpath(dir);

    {
        out << "memory" << Qt::endl;
        MemoryTickStore store;
        store.open(nullptr);
        if (!fill(store, total, batch, symbols) || !replay(store))
            return 1;
    }
    for (auto durability :
         {SqliteStoreOptions::Durability::Process, SqliteStoreOptions::Durability::Power}) {
        const bool power = durability == SqliteStoreOptions::Durability::Power;
        const QString path = QDir(dir).filePath(u"throughput.sqlite"_qs);
        QFile::remove(path);
        out << "sqlite, synchronous=" << (power ? "FULL" : "NORMAL") << Qt::endl;
        {
            SqliteTickStore store(path, {durability, SqliteStoreOptions::OpenCheck::Quick});
            QString error;
            if (!store.open(&error)) {
                out << error << Qt::endl;
                return 1;
            }
            if (!fill(store, total, batch, symbols))
                return 1;
        }
        out << "  file size " << QFileInfo(path).size() / (1024 * 1024) << " MiB" << Qt::endl;
        timeOpen(path, SqliteStoreOptions::OpenCheck::Quick, "quick");
        timeOpen(path, SqliteStoreOptions::OpenCheck::Light, "light");
        SqliteTickStore store(path, {durability, SqliteStoreOptions::OpenCheck::Quick});
        QString error;
        if (!store.open(&error)) {
            out << error << Qt::endl;
            return 1;
        }
        if (!replay(store) || !replay(store))
            return 1;
    }
    out << "sqlite through QSqlQuery only, synchronous=FULL" << Qt::endl;
    if (!viaQSqlQuery(QDir(dir).filePath(u"qsqlquery.sqlite"_qs), total, batch, symbols))
        return 1;
    return 0;
}
