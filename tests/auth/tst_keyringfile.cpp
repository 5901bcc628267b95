#include "auth/KeyRingFile.h"
#include "auth/KeyRingWatcher.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using tickscope::KeyRing;
using tickscope::KeyRingFile;
using tickscope::KeyRingWatcher;
using tickscope::SigningKey;

namespace {

// base64url of "secret-secret-secret-secret-xxxx": must never show up in an error.
const QByteArray FixtureSecret = QByteArrayLiteral("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh4eHg");

QByteArray keyEntry(const QByteArray &fields)
{
    return "{\"version\":1,\"keys\":[{" + fields + "}]}";
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

constexpr QFileDevice::Permissions GroupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                  QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                  QFileDevice::WriteOther | QFileDevice::ExeOther;

bool isOwnerOnly(const QString &path)
{
    const QFileDevice::Permissions p = QFile::permissions(path);
    return (p & QFileDevice::ReadOwner) && (p & QFileDevice::WriteOwner) &&
           !(p & QFileDevice::ExeOwner) && !(p & GroupOrOther);
}

} // namespace

class tst_KeyRingFile : public QObject
{
    Q_OBJECT
private slots:
    void createsOnFirstStartOwnerOnly()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(u"data/sub/keys.json"_qs);
        QString error;
        const auto ring = KeyRingFile::loadOrCreate(path, 1000, &error);
        QVERIFY2(ring, qPrintable(error));
        QVERIFY(QFile::exists(path));
        QVERIFY2(isOwnerOnly(path), qPrintable(QString::number(QFile::permissions(path), 16)));
        QCOMPARE(ring->keys().size(), 1);
        const SigningKey key = *ring->current(1000);
        QCOMPARE(key.secret.size(), 32);
        QCOMPARE(key.createdAt, 1000);

        // A second start keeps the key and leaves the file as it was.
        const QByteArray before = readFile(path);
        const auto again = KeyRingFile::loadOrCreate(path, 5000, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->keys(), ring->keys());
        QCOMPARE(readFile(path), before);
    }

    void saveAndLoadRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"keys.json"_qs);
        KeyRing ring;
        QVERIFY(ring.add({u"old"_qs, QByteArray("\x00\xff\x10 quote\" back\\", 16), 100, 5000}));
        QVERIFY(ring.add({u"k\"q"_qs, QByteArray(40, 'z'), 200, 0}));
        ring.setEnvironmentSecret(QByteArrayLiteral("environment-only-secret"));
        QString error;
        QVERIFY2(KeyRingFile::save(ring, path, &error), qPrintable(error));
        QVERIFY(isOwnerOnly(path));
        const QByteArray text = readFile(path);
        QVERIFY(!text.contains("environment-only-secret"));
        QVERIFY(!text.contains("env-"));

        QString warning;
        const auto loaded = KeyRingFile::load(path, &error, &warning);
        QVERIFY2(loaded, qPrintable(error));
        QVERIFY2(warning.isEmpty(), qPrintable(warning));
        QCOMPARE(loaded->keys(), ring.keys());
        QVERIFY(!loaded->environmentKey());
    }

    void saveTightensExistingLooseFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"keys.json"_qs);
        QVERIFY(writeFile(path, "{}"));
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ReadGroup | QFileDevice::ReadOther));
        KeyRing ring;
        ring.rotate(0, 1);
        QString error;
        QVERIFY2(KeyRingFile::save(ring, path, &error), qPrintable(error));
        QVERIFY(isOwnerOnly(path));
        QVERIFY(KeyRingFile::load(path, &error));
    }

    void warnsAboutGroupReadableFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"keys.json"_qs);
        QString error;
        QVERIFY(KeyRingFile::loadOrCreate(path, 1, &error));
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ReadGroup));
        QString warning;
        QVERIFY(KeyRingFile::load(path, &error, &warning));
        QVERIFY2(warning.contains(path) && warning.contains(u"group or others"),
                 qPrintable(warning));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("rule");
        const QByteArray good = "\"kid\":\"a\",\"secret\":\"" + FixtureSecret + "\"";
        QTest::newRow("empty file") << QByteArray() << u"not valid JSON"_qs;
        QTest::newRow("not json") << QByteArray("kid=a") << u"not valid JSON"_qs;
        QTest::newRow("truncated")
            << keyEntry(good + ",\"created_at\":1").chopped(3) << u"not valid JSON"_qs;
        QTest::newRow("array") << QByteArray("[]") << u"top level must be a JSON object"_qs;
        QTest::newRow("no version") << QByteArray("{\"keys\":[]}") << u"\"version\" must be 1"_qs;
        QTest::newRow("version 2")
            << QByteArray("{\"version\":2,\"keys\":[]}") << u"\"version\" must be 1"_qs;
        QTest::newRow("no keys") << QByteArray("{\"version\":1}")
                                 << u"\"keys\" must be an array"_qs;
        QTest::newRow("key not object")
            << QByteArray("{\"version\":1,\"keys\":[\"x\"]}") << u"keys[0] must be an object"_qs;
        QTest::newRow("no kid") << keyEntry("\"secret\":\"" + FixtureSecret + "\",\"created_at\":1")
                                << u"keys[0].kid"_qs;
        QTest::newRow("kid number")
            << keyEntry("\"kid\":7,\"secret\":\"" + FixtureSecret + "\",\"created_at\":1")
            << u"keys[0].kid"_qs;
        QTest::newRow("no secret")
            << keyEntry("\"kid\":\"a\",\"created_at\":1") << u"keys[0].secret"_qs;
        QTest::newRow("padded secret")
            << keyEntry("\"kid\":\"a\",\"secret\":\"" + FixtureSecret + "=\",\"created_at\":1")
            << u"keys[0].secret"_qs;
        QTest::newRow("secret with plus") << keyEntry("\"kid\":\"a\",\"secret\":\"+" +
                                                      FixtureSecret.mid(1) + "\",\"created_at\":1")
                                          << u"keys[0].secret"_qs;
        QTest::newRow("no created_at") << keyEntry(good) << u"keys[0].created_at"_qs;
        QTest::newRow("created_at string")
            << keyEntry(good + ",\"created_at\":\"1\"") << u"keys[0].created_at"_qs;
        QTest::newRow("created_at fraction")
            << keyEntry(good + ",\"created_at\":1.5") << u"keys[0].created_at"_qs;
        QTest::newRow("retires_at negative")
            << keyEntry(good + ",\"created_at\":1,\"retires_at\":-1") << u"keys[0].retires_at"_qs;
        QTest::newRow("duplicate kid")
            << QByteArray("{\"version\":1,\"keys\":[{" + good + ",\"created_at\":1},{" + good +
                          ",\"created_at\":2}]}")
            << u"keys[1]: duplicate kid a"_qs;
    }
    void malformed()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, rule);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"keys.json"_qs);
        QVERIFY(writeFile(path, content));
        QString error;
        QVERIFY(!KeyRingFile::load(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(rule), qPrintable(error));
        QVERIFY2(!error.contains(QString::fromLatin1(FixtureSecret.left(12))), qPrintable(error));

        // loadOrCreate must not paper over a broken file by replacing it.
        QVERIFY(!KeyRingFile::loadOrCreate(path, 1000, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QCOMPARE(readFile(path), content);
    }

    void missingFileErrorNamesPath()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"nope/keys.json"_qs);
        QString error;
        QVERIFY(!KeyRingFile::load(path, &error));
        QVERIFY2(error.contains(path) && error.contains(u"cannot read"), qPrintable(error));
    }

    void fileWithOnlyRetiredKeysGetsANewOne()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"keys.json"_qs);
        KeyRing ring;
        QVERIFY(ring.add({u"gone"_qs, QByteArray(32, 'g'), 10, 20}));
        QString error;
        QVERIFY(KeyRingFile::save(ring, path, &error));
        const auto loaded = KeyRingFile::loadOrCreate(path, 1000, &error);
        QVERIFY2(loaded, qPrintable(error));
        QVERIFY(loaded->current(1000));
        QVERIFY(loaded->current(1000)->kid != u"gone");
        QCOMPARE(KeyRingFile::load(path, &error)->keys(), loaded->keys());
    }

    void rotateInFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"keys.json"_qs);
        QString error;
        const auto first = KeyRingFile::loadOrCreate(path, 1000, &error);
        QVERIFY(first);
        const QString oldKid = first->current(1000)->kid;
        const auto fresh = KeyRingFile::rotate(path, 600, 2000, &error);
        QVERIFY2(fresh, qPrintable(error));
        QVERIFY(isOwnerOnly(path));
        const auto loaded = KeyRingFile::load(path, &error);
        QVERIFY(loaded);
        QCOMPARE(loaded->current(2000)->kid, fresh->kid);
        QCOMPARE(loaded->find(oldKid)->retiresAt, 2600);
    }

    void watcherReloadNow()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"keys.json"_qs);
        QString error;
        auto ring = KeyRingFile::loadOrCreate(path, 1000, &error);
        QVERIFY(ring);
        ring->setEnvironmentSecret(QByteArrayLiteral("kept-across-reloads"));
        KeyRingWatcher watcher(path, *ring);
        QSignalSpy reloaded(&watcher, &KeyRingWatcher::reloaded);
        QSignalSpy failed(&watcher, &KeyRingWatcher::reloadFailed);

        QVERIFY(!watcher.reloadNow()); // nothing changed
        const auto fresh = KeyRingFile::rotate(path, 600, 2000, &error);
        QVERIFY(fresh);
        QVERIFY(watcher.reloadNow());
        QCOMPARE(reloaded.size(), 1);
        QCOMPARE(ring->keys().size(), 2);
        QVERIFY(ring->find(fresh->kid));
        QVERIFY(ring->environmentKey()); // the environment key survives a reload

        const QList<SigningKey> before = ring->keys();
        QVERIFY(writeFile(path, "{\"version\":1,\"keys\":[{\"kid\":1}]}"));
        QVERIFY(!watcher.reloadNow());
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().first().toString().contains(path));
        QCOMPARE(ring->keys(), before); // a bad file leaves the ring as it was
    }

    void watcherPicksUpRotationByAnotherWriter()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"keys.json"_qs);
        QString error;
        auto ring = KeyRingFile::loadOrCreate(path, 1000, &error);
        QVERIFY(ring);
        KeyRingWatcher watcher(path, *ring);
        watcher.setDebounceMs(10);
        QSignalSpy reloaded(&watcher, &KeyRingWatcher::reloaded);

        // Two rotations: the second checks the watch survives the atomic rename.
        for (int round = 1; round <= 2; ++round) {
            const auto fresh = KeyRingFile::rotate(path, 600, 2000 + round, &error);
            QVERIFY2(fresh, qPrintable(error));
            QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), round, 20000);
            QCOMPARE(ring->current(2000 + round)->kid, fresh->kid);
        }
    }
};

QTEST_GUILESS_MAIN(tst_KeyRingFile)
#include "tst_keyringfile.moc"
