// RedisUrl: one server, the two cluster forms, and refusals that name the bad part.
#include "redis/RedisUrl.h"

#include <QTest>

using namespace tickscope;

class tst_RedisUrl : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("nodes");
        QTest::addColumn<bool>("cluster");
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("password");
        QTest::addColumn<int>("db");
        QTest::addColumn<QString>("display");
        QTest::newRow("host only")
            << u"redis://example"_qs << QStringList{u"example:6379"_qs} << false << QString()
            << QString() << 0 << u"redis://example:6379/0"_qs;
        QTest::newRow("port and db")
            << u"redis://10.0.0.1:7000/3"_qs << QStringList{u"10.0.0.1:7000"_qs} << false
            << QString() << QString() << 3 << u"redis://10.0.0.1:7000/3"_qs;
        QTest::newRow("password") << u"redis://:s3cr%40t@h:1"_qs << QStringList{u"h:1"_qs} << false
                                  << QString() << u"s3cr@t"_qs << 0 << u"redis://h:1/0"_qs;
        QTest::newRow("user and password")
            << u"redis://alice:pw@h:2/1"_qs << QStringList{u"h:2"_qs} << false << u"alice"_qs
            << u"pw"_qs << 1 << u"redis://h:2/1"_qs;
        QTest::newRow("ipv6") << u"redis://[::1]:6380"_qs << QStringList{u"[::1]:6380"_qs} << false
                              << QString() << QString() << 0 << u"redis://[::1]:6380/0"_qs;
        QTest::newRow("list is a cluster")
            << u"redis://h1:7000, redis://h2:7001"_qs << QStringList{u"h1:7000"_qs, u"h2:7001"_qs}
            << true << QString() << QString() << 0 << u"redis+cluster://h1:7000,h2:7001"_qs;
        QTest::newRow("cluster scheme")
            << u"redis+cluster://:pw@h1:7000,h2,h3:7002"_qs
            << QStringList{u"h1:7000"_qs, u"h2:6379"_qs, u"h3:7002"_qs} << true << QString()
            << u"pw"_qs << 0 << u"redis+cluster://h1:7000,h2:6379,h3:7002"_qs;
        QTest::newRow("cluster of one")
            << u"redis+cluster://h1:7000"_qs << QStringList{u"h1:7000"_qs} << true << QString()
            << QString() << 0 << u"redis+cluster://h1:7000"_qs;
    }
    void parses()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, nodes);
        QFETCH(bool, cluster);
        QFETCH(QString, username);
        QFETCH(QString, password);
        QFETCH(int, db);
        QFETCH(QString, display);
        QString error;
        const std::optional<RedisUrl> url = RedisUrl::parse(text, &error);
        QVERIFY2(url.has_value(), qPrintable(error));
        QStringList keys;
        for (const RedisNodeAddress &node : url->nodes)
            keys.append(node.key());
        QCOMPARE(keys, nodes);
        QCOMPARE(url->cluster, cluster);
        QCOMPARE(url->username, username);
        QCOMPARE(url->password, password);
        QCOMPARE(url->db, db);
        QCOMPARE(url->display(), display);
        QVERIFY(!url->display().contains(u"pw"_qs)); // never the secret
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QString() << u"empty"_qs;
        QTest::newRow("tls") << u"rediss://h:6379"_qs << u"TLS"_qs;
        QTest::newRow("scheme") << u"http://h"_qs << u"unknown scheme in 'http'"_qs;
        QTest::newRow("port") << u"redis://h:99999"_qs << u"port '99999'"_qs;
        QTest::newRow("port text") << u"redis://h:abc"_qs << u"port 'abc'"_qs;
        QTest::newRow("db") << u"redis://h/16"_qs << u"database '16'"_qs;
        QTest::newRow("no host") << u"redis://:pw@/0"_qs << u"host is missing"_qs;
        QTest::newRow("cluster db") << u"redis+cluster://h1,h2/2"_qs << u"only database 0"_qs;
        QTest::newRow("list element")
            << u"redis://h1:1,user:secret@h2:2"_qs << u"'h2:2' does not start with redis://"_qs;
        QTest::newRow("bad ipv6") << u"redis://[::1:6379"_qs << u"no closing ']'"_qs;
    }
    void refuses()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!RedisUrl::parse(text, &error).has_value());
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(!error.contains(u"secret"_qs), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(tst_RedisUrl)
#include "tst_redisurl.moc"
