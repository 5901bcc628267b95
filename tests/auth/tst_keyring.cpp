#include "auth/KeyRing.h"

#include <QSet>
#include <QTest>

using tickscope::KeyRing;
using tickscope::SigningKey;

namespace {
SigningKey key(const char *kid, qint64 created, qint64 retires = 0)
{
    SigningKey k;
    k.kid = QString::fromLatin1(kid);
    k.secret = QByteArray(32, kid[0]);
    k.createdAt = created;
    k.retiresAt = retires;
    return k;
}

QStringList kids(const QList<SigningKey> &keys)
{
    QStringList result;
    for (const SigningKey &k : keys)
        result.append(k.kid);
    return result;
}
} // namespace

class tst_KeyRing : public QObject
{
    Q_OBJECT
private slots:
    void emptyRingHasNoCurrentKey()
    {
        const KeyRing ring;
        QVERIFY(ring.isEmpty());
        QVERIFY(!ring.current(1000));
        QVERIFY(ring.verificationKeys(1000).isEmpty());
    }

    void addRefusesBadKeys_data()
    {
        QTest::addColumn<QString>("kid");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("empty kid") << QString() << QByteArray(32, 'x') << u"invalid kid"_qs;
        QTest::newRow("space in kid") << u"a b"_qs << QByteArray(32, 'x') << u"invalid kid"_qs;
        QTest::newRow("long kid") << QString(65, u'k') << QByteArray(32, 'x') << u"invalid kid"_qs;
        QTest::newRow("non-ascii kid") << u"k\u00e9"_qs << QByteArray(32, 'x') << u"invalid kid"_qs;
        QTest::newRow("empty secret") << u"k2"_qs << QByteArray() << u"empty secret"_qs;
        QTest::newRow("duplicate") << u"k1"_qs << QByteArray(32, 'y') << u"duplicate kid"_qs;
    }
    void addRefusesBadKeys()
    {
        QFETCH(QString, kid);
        QFETCH(QByteArray, secret);
        QFETCH(QString, errorPart);
        KeyRing ring;
        QVERIFY(ring.add(key("k1", 100)));
        SigningKey bad;
        bad.kid = kid;
        bad.secret = secret;
        QString error;
        QVERIFY(!ring.add(bad, &error));
        QVERIFY2(error.contains(errorPart), qPrintable(error));
        QCOMPARE(ring.keys().size(), 1);
    }

    void currentIsNewestActive()
    {
        KeyRing ring;
        QVERIFY(ring.add(key("old", 100)));
        QVERIFY(ring.add(key("new", 300)));
        QVERIFY(ring.add(key("mid", 200)));
        QCOMPARE(ring.current(1000)->kid, u"new"_qs);

        KeyRing retiring;
        QVERIFY(retiring.add(key("a", 100)));
        QVERIFY(retiring.add(key("b", 300, 500)));
        QCOMPARE(retiring.current(499)->kid, u"b"_qs);
        QCOMPARE(retiring.current(500)->kid, u"a"_qs); // b retired at 500
    }

    void equalCreationTimeLastAddedWins()
    {
        KeyRing ring;
        QVERIFY(ring.add(key("a", 100)));
        QVERIFY(ring.add(key("b", 100)));
        QCOMPARE(ring.current(100)->kid, u"b"_qs);
    }

    void findAndActivity()
    {
        KeyRing ring;
        QVERIFY(ring.add(key("a", 100, 200)));
        QVERIFY(ring.find(u"a"));
        QVERIFY(!ring.find(u"zzz"));
        QVERIFY(ring.find(u"a")->isActiveAt(199));
        QVERIFY(!ring.find(u"a")->isActiveAt(200));
        QCOMPARE(kids(ring.verificationKeys(199)), QStringList{u"a"_qs});
        QVERIFY(ring.verificationKeys(200).isEmpty());
    }

    void rotateAddsNewestAndRetiresPrevious()
    {
        KeyRing ring;
        QVERIFY(ring.add(key("first", 100)));
        const SigningKey fresh = ring.rotate(3600, 1000);

        QCOMPARE(fresh.secret.size(), 32);
        QCOMPARE(fresh.createdAt, 1000);
        QCOMPARE(fresh.retiresAt, 0);
        QCOMPARE(fresh.kid.size(), 16);
        QVERIFY(fresh.kid != u"first");
        QCOMPARE(ring.current(1000)->kid, fresh.kid);
        QCOMPARE(ring.find(u"first")->retiresAt, 1000 + 3600);

        // Within the grace both verify; after it only the new one.
        const QStringList inGrace = kids(ring.verificationKeys(4599));
        QCOMPARE(QSet<QString>(inGrace.begin(), inGrace.end()),
                 (QSet<QString>{u"first"_qs, fresh.kid}));
        QCOMPARE(kids(ring.verificationKeys(4600)), QStringList{fresh.kid});
    }

    void rotateKeepsAnEarlierRetirementAndPrunes()
    {
        KeyRing ring;
        QVERIFY(ring.add(key("gone", 10, 50)));     // retired before the rotation
        QVERIFY(ring.add(key("soon", 20, 1100)));   // retires before now + grace
        QVERIFY(ring.add(key("later", 30, 99999))); // retires after now + grace
        QVERIFY(ring.add(key("open", 40)));
        const SigningKey fresh = ring.rotate(600, 1000);
        QVERIFY(!ring.find(u"gone"));
        QCOMPARE(ring.find(u"soon")->retiresAt, 1100);
        QCOMPARE(ring.find(u"later")->retiresAt, 1600);
        QCOMPARE(ring.find(u"open")->retiresAt, 1600);
        QCOMPARE(ring.keys().size(), 4);
        QCOMPARE(ring.prune(1600), 3);
        QCOMPARE(kids(ring.keys()), QStringList{fresh.kid});
    }

    void rotateWithoutGraceRetiresAtOnce()
    {
        KeyRing ring;
        QVERIFY(ring.add(key("a", 100)));
        const SigningKey fresh = ring.rotate(0, 1000);
        QVERIFY(!ring.find(u"a")->isActiveAt(1000));
        QCOMPARE(kids(ring.verificationKeys(1000)), QStringList{fresh.kid});
        // A negative grace is a grace of 0, never "retires in the past of now".
        const SigningKey third = ring.rotate(-50, 1000);
        QCOMPARE(ring.find(fresh.kid)->retiresAt, 1000);
        QCOMPARE(ring.current(1000)->kid, third.kid);
    }

    void rotationsMakeDistinctRandomKeys()
    {
        KeyRing ring;
        QSet<QString> seenKids;
        QSet<QByteArray> seenSecrets;
        for (int i = 0; i < 20; ++i) {
            const SigningKey k = ring.rotate(1000000, 1000 + i);
            seenKids.insert(k.kid);
            seenSecrets.insert(k.secret);
            QCOMPARE(ring.current(1000 + i)->kid, k.kid);
        }
        QCOMPARE(seenKids.size(), 20);
        QCOMPARE(seenSecrets.size(), 20);
    }

    void environmentSecret()
    {
        KeyRing ring;
        QVERIFY(ring.add(key("stored", 100)));
        ring.setEnvironmentSecret(QByteArrayLiteral("secret"));
        // SHA-256("secret") = 2bb80d537b1da3e3...
        QCOMPARE(KeyRing::environmentKid(QByteArrayLiteral("secret")), u"env-2bb80d53"_qs);
        QCOMPARE(ring.current(1000)->kid, u"env-2bb80d53"_qs);
        QCOMPARE(ring.current(1000)->secret, QByteArrayLiteral("secret"));
        QVERIFY(ring.find(u"env-2bb80d53"));
        QVERIFY(ring.find(u"stored")); // stored keys still verify
        QCOMPARE(ring.verificationKeys(1000).size(), 2);
        QCOMPARE(ring.keys().size(), 1); // never among the stored keys

        // The environment key stays current through a rotation of the stored keys.
        ring.rotate(60, 2000);
        QCOMPARE(ring.current(2000)->kid, u"env-2bb80d53"_qs);
        SigningKey clash = key("x", 1);
        clash.kid = u"env-2bb80d53"_qs;
        QVERIFY(!ring.add(clash));

        ring.setEnvironmentSecret({});
        QVERIFY(!ring.environmentKey());
        QVERIFY(ring.current(2000)->kid != u"env-2bb80d53");
    }

    void weakSecretWarning()
    {
        QVERIFY(!KeyRing::weakSecretWarning(QByteArray(7, 'p')).isEmpty());
        QVERIFY(!KeyRing::weakSecretWarning(QByteArray(7, 'p')).contains(u"ppppppp"));
        QVERIFY(KeyRing::weakSecretWarning(QByteArray(32, 'p')).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_KeyRing)
#include "tst_keyring.moc"
