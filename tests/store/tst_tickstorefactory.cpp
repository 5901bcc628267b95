#include "store/TickStoreFactory.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace tickscope;

class tst_TickStoreFactory : public QObject
{
    Q_OBJECT
private slots:
    void create_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("withDataDir");
        QTest::addColumn<QString>("error"); // empty: a store is made
        QTest::newRow("memory") << u"memory"_qs << false << QString();
        QTest::newRow("memory ignores the data dir") << u"memory"_qs << true << QString();
        QTest::newRow("sqlite") << u"sqlite"_qs << true << QString();
        QTest::newRow("sqlite without data dir")
            << u"sqlite"_qs << false << u"store sqlite needs a data directory"_qs;
        QTest::newRow("redis") << u"redis"_qs << true
                               << u"store redis is not available in this build"_qs;
        QTest::newRow("unknown") << u"postgres"_qs << true
                                 << u"store 'postgres' is unknown (expected memory, sqlite or "
                                    "redis)"_qs;
        QTest::newRow("case sensitive") << u"SQLite"_qs << true
                                        << u"store 'SQLite' is unknown (expected memory, sqlite "
                                           "or redis)"_qs;
    }
    void create()
    {
        QFETCH(QString, kind);
        QFETCH(bool, withDataDir);
        QFETCH(QString, error);
        QTemporaryDir dir;
        const QString dataDir = withDataDir ? dir.filePath(u"data"_qs) : QString();
        QString message;
        auto store = TickStoreFactory::create(kind, dataDir, &message);
        if (!error.isEmpty()) {
            QVERIFY(!store);
            QCOMPARE(message, error);
            return;
        }
        QVERIFY2(store, qPrintable(message));
        QCOMPARE(store->kind(), kind);
        QVERIFY(!store->isAvailable()); // not opened yet: that is the store thread's job
        if (kind == u"sqlite") {
            const QString file = QDir(dataDir).filePath(u"history.sqlite"_qs);
            QCOMPARE(store->location(), file);
            QVERIFY(!QFile::exists(file));
            QVERIFY2(store->open(&message), qPrintable(message));
            QVERIFY(QFile::exists(file));
        } else {
            QVERIFY(store->location().isEmpty());
            QVERIFY2(store->open(&message), qPrintable(message));
        }
        QVERIFY(store->isAvailable());
    }

    void sqliteOptionsArePassed()
    {
        QTemporaryDir dir;
        QString message;
        auto store = TickStoreFactory::create(
            u"sqlite"_qs, dir.path(), &message,
            {SqliteStoreOptions::Durability::Process, SqliteStoreOptions::OpenCheck::Light});
        QVERIFY2(store, qPrintable(message));
        auto *sqlite = dynamic_cast<SqliteTickStore *>(store.get());
        QVERIFY(sqlite);
        QCOMPARE(sqlite->options().durability, SqliteStoreOptions::Durability::Process);
        QCOMPARE(sqlite->options().openCheck, SqliteStoreOptions::OpenCheck::Light);
    }
};

QTEST_GUILESS_MAIN(tst_TickStoreFactory)
#include "tst_tickstorefactory.moc"
