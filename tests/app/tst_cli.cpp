// The command line of the real binary (PROTOCOL.md section 9): configuration errors,
// --print-config, `tickscope token`, and a start on a store it cannot read.

#include "HttpClient.h"
#include "ServerProcess.h"
#include "WsClient.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace tickscope;
using namespace tickscope::test;

namespace {

QJsonObject payloadOf(const QByteArray &token)
{
    const QList<QByteArray> parts = token.trimmed().split('.');
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(
               QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding |
                                                    QByteArray::OmitTrailingEquals))
        .object();
}

QByteArray sha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

const QString Secret = u"e2e-secret-0123456789-abcdefghijklmnopqrstuvwxyz"_qs;

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY2(!ServerProcess::binary().isEmpty(), "TICKSCOPE_BINARY is not set");
        QVERIFY(m_dir.isValid());
    }

    void badValues_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("key");
        QTest::newRow("port too large")
            << QStringList{u"--listen"_qs, u"127.0.0.1:70000"_qs} << u"--listen"_qs;
        QTest::newRow("listen without port")
            << QStringList{u"--listen=127.0.0.1"_qs} << u"--listen"_qs;
        QTest::newRow("negative rate") << QStringList{u"--rate"_qs, u"-1"_qs} << u"--rate"_qs;
        QTest::newRow("unknown store") << QStringList{u"--store"_qs, u"nope"_qs} << u"--store"_qs;
        QTest::newRow("ftp origin")
            << QStringList{u"--allowed-origins"_qs, u"ftp://x"_qs} << u"--allowed-origins"_qs;
        QTest::newRow("leeway over 30 s")
            << QStringList{u"--token-leeway"_qs, u"31"_qs} << u"--token-leeway"_qs;
        QTest::newRow("queue cap too large")
            << QStringList{u"--viewer-queue-cap"_qs, u"1GiB"_qs} << u"--viewer-queue-cap"_qs;
        QTest::newRow("unknown flag")
            << QStringList{u"--no-such-flag"_qs, u"1"_qs} << u"--no-such-flag"_qs;
        QTest::newRow("flag without value") << QStringList{u"--data-dir"_qs} << u"--data-dir"_qs;
    }

    // Exit 2 with one line that names the key; nothing starts.
    void badValues()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, key);
        ServerProcess cli;
        const CliResult result =
            cli.runCli(QStringList{u"--headless"_qs, u"--feed"_qs, u"none"_qs} + args);
        QCOMPARE(result.exitCode, 2);
        const QString err = QString::fromUtf8(result.err).trimmed();
        QVERIFY2(!err.isEmpty() && !err.contains(u'\n'), qPrintable(err));
        QVERIFY2(err.contains(key), qPrintable(err));
        QVERIFY2(!result.out.contains("streaming on"), result.out.constData());
    }

    // The environment and the flags cannot leak a secret through --print-config.
    void printConfigHidesSecrets()
    {
        ServerProcess cli;
        cli.setEnvironment(u"TICKSCOPE_JWT_SECRET"_qs, Secret);
        const CliResult result =
            cli.runCli({u"--print-config"_qs, u"--feed-token"_qs, u"feed-token-secret-42"_qs,
                        u"--data-dir"_qs, m_dir.filePath(u"print"_qs)});
        QCOMPARE(result.exitCode, 0);
        const QByteArray all = result.out + result.err;
        QVERIFY(!all.contains(Secret.toUtf8()));
        QVERIFY(!all.contains("feed-token-secret-42"));
        QVERIFY(!all.contains(Secret.left(12).toUtf8()));
        QVERIFY2(result.out.contains("jwt-secret"), result.out.constData());
        QVERIFY2(result.out.contains("feed-token"), result.out.constData());
        QVERIFY2(result.out.contains("data-dir = " + m_dir.filePath(u"print"_qs).toUtf8()),
                 result.out.constData());
        // A refused secret is not quoted in the error either.
        const CliResult weak = cli.runCli({u"--jwt-secret"_qs, u"weak-secret-value"_qs});
        QCOMPARE(weak.exitCode, 2);
        QVERIFY(!weak.err.contains("weak-secret-value"));
        QVERIFY(weak.err.contains("--jwt-secret"));
    }

    void tokenNeedsSub()
    {
        ServerProcess cli;
        const QString dir = m_dir.filePath(u"nosub"_qs);
        CliResult result = cli.runCli({u"token"_qs, u"--data-dir"_qs, dir});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains("--sub"));
        QVERIFY(result.out.isEmpty());
        result = cli.runCli({u"token"_qs, u"--data-dir"_qs, dir, u"--sub"_qs, u"x"_qs,
                             u"--scope"_qs, u"read fly"_qs});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains("fly"));
        result = cli.runCli(
            {u"token"_qs, u"--data-dir"_qs, dir, u"--sub"_qs, u"x"_qs, u"--tier"_qs, u"gold"_qs});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains("gold"));
        result = cli.runCli(
            {u"token"_qs, u"--data-dir"_qs, dir, u"--sub"_qs, u"x"_qs, u"--ttl"_qs, u"0s"_qs});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains("--ttl"));
    }

    // The claims given on the command line are the claims in the token.
    void tokenClaims()
    {
        ServerProcess cli;
        const QString dir = m_dir.filePath(u"claims"_qs);
        const CliResult result =
            cli.runCli({u"token"_qs, u"--data-dir"_qs, dir, u"--sub"_qs, u"alice"_qs, u"--scope"_qs,
                        u"publish read"_qs, u"--ttl"_qs, u"2h"_qs, u"--symbols"_qs,
                        u"BTC-*,ETH-USD"_qs, u"--tier"_qs, u"producer"_qs});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject claims = payloadOf(result.out);
        QCOMPARE(claims.value(u"sub").toString(), u"alice"_qs);
        QCOMPARE(claims.value(u"scope").toString(), u"read publish"_qs);
        QCOMPARE(claims.value(u"symbols").toVariant().toStringList(),
                 (QStringList{u"BTC-*"_qs, u"ETH-USD"_qs}));
        QCOMPARE(claims.value(u"tier").toString(), u"producer"_qs);
        QCOMPARE(claims.value(u"exp").toInteger() - claims.value(u"iat").toInteger(), 7200);
        // --symbols=... works the same; a plain symbol list too.
        const CliResult inline_ = cli.runCli(
            {u"token"_qs, u"--data-dir"_qs, dir, u"--sub"_qs, u"bob"_qs, u"--symbols=AAPL"_qs});
        QCOMPARE(inline_.exitCode, 0);
        QCOMPARE(payloadOf(inline_.out).value(u"symbols").toVariant().toStringList(),
                 QStringList{u"AAPL"_qs});
        const CliResult noValue = cli.runCli(
            {u"token"_qs, u"--data-dir"_qs, dir, u"--sub"_qs, u"bob"_qs, u"--symbols"_qs});
        QCOMPARE(noValue.exitCode, 2);
    }

    // A token from `tickscope token` opens the stream of a server on the same data dir;
    // with TICKSCOPE_JWT_SECRET both sides use that key.
    void tokenWorksWithServer_data()
    {
        QTest::addColumn<bool>("environmentSecret");
        QTest::newRow("key ring") << false;
        QTest::newRow("TICKSCOPE_JWT_SECRET") << true;
    }

    void tokenWorksWithServer()
    {
        QFETCH(bool, environmentSecret);
        ServerProcess server;
        if (environmentSecret)
            server.setEnvironment(u"TICKSCOPE_JWT_SECRET"_qs, Secret);
        QVERIFY2(server.start(), qPrintable(server.error()));
        QVERIFY(!server.stdoutText().contains(Secret.toUtf8()));
        QVERIFY(!server.stderrText().contains(Secret.toUtf8()));
        const QString token = server.mintToken(u"cli-user"_qs, u"read"_qs, u"10m"_qs);
        QVERIFY2(!token.isEmpty(), qPrintable(server.error()));
        WsClient client;
        QVERIFY2(client.open(server.url(), token), qPrintable(client.errorString()));
        QCOMPARE(client.hello().value(u"op").toString(), u"hello"_qs);
        // The banner's viewer token works too.
        const QString banner = QString::fromUtf8(server.stdoutText());
        const qsizetype at = banner.indexOf(u"viewer token (read, 24h): "_qs);
        QVERIFY2(at >= 0, qPrintable(banner));
        const QString bannerToken = banner.mid(at + 26).section(u'\n', 0, 0).trimmed();
        QCOMPARE(server.httpGet("/api/v1/symbols", HttpClient::bearer(bannerToken)).status, 200);
        // A token signed with another secret does not.
        ServerProcess other;
        other.setEnvironment(u"TICKSCOPE_JWT_SECRET"_qs, Secret + u"-other"_qs);
        const CliResult foreign =
            other.runCli({u"token"_qs, u"--data-dir"_qs, m_dir.filePath(u"foreign"_qs), u"--sub"_qs,
                          u"mallory"_qs});
        QCOMPARE(foreign.exitCode, 0);
        const HttpReply refused = server.httpGet(
            "/v1/stream", HttpClient::upgradeHeaders() +
                              HttpClient::bearer(QString::fromUtf8(foreign.out).trimmed()));
        QCOMPARE(refused.status, 401);
    }

    // A history file that is not SQLite: a clear error naming the file, exit non-zero,
    // and the file is left exactly as it was.
    void corruptStore()
    {
        const QString dir = m_dir.filePath(u"corrupt"_qs);
        QVERIFY(QDir().mkpath(dir));
        const QString path = dir + u"/history.sqlite"_qs;
        QByteArray garbage;
        for (int i = 0; i < 4096; ++i)
            garbage.append(char((i * 7919 + 13) % 251));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(garbage);
        }
        const QByteArray before = sha256(path);
        ServerProcess server;
        const CliResult result = server.runCli({u"--headless"_qs, u"--listen"_qs, u"127.0.0.1:0"_qs,
                                                u"--feed"_qs, u"none"_qs, u"--data-dir"_qs, dir},
                                               60000);
        QVERIFY2(result.exitCode > 0, qPrintable(u"exit code %1"_qs.arg(result.exitCode)));
        QVERIFY2(result.err.contains(path.toUtf8()), result.err.constData());
        QVERIFY(!result.out.contains("streaming on"));
        QCOMPARE(sha256(path), before);
        QCOMPARE(QFileInfo(path).size(), qint64(garbage.size()));
        QVERIFY(!QFile::exists(path + u"-wal"_qs) || QFileInfo(path + u"-wal"_qs).size() == 0);
    }

    // Without any key configured the server makes one, private to its owner, and keeps it:
    // a token from before a restart still works after it.
    void generatedKeyPersists()
    {
        ServerProcess server;
        QVERIFY2(server.start(), qPrintable(server.error()));
        const QString keys = server.dataDir() + u"/keys.json"_qs;
        QVERIFY(QFile::exists(keys));
        const QFile::Permissions permissions = QFile::permissions(keys);
        QVERIFY(permissions & QFile::ReadOwner);
        QVERIFY(!(permissions & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                 QFile::ReadOther | QFile::WriteOther | QFile::ExeOther)));
        const QString token = server.mintToken(u"keeper"_qs);
        QVERIFY(!token.isEmpty());
        const QByteArray before = sha256(keys);
        server.terminate();
        QCOMPARE(server.waitForExit(), 0);
        QVERIFY2(server.restart(), qPrintable(server.error()));
        QCOMPARE(sha256(keys), before);
        WsClient client;
        QVERIFY2(client.open(server.url(), token), qPrintable(client.errorString()));
    }

    // `tickscope keys rotate` on a running server: new tokens work without a restart, old
    // ones keep working through the grace period, and nobody is cut off.
    void keyRotationWithoutRestart()
    {
        ServerProcess server;
        QVERIFY2(server.start(), qPrintable(server.error()));
        const QString before = server.mintToken(u"rot"_qs);
        QVERIFY(!before.isEmpty());
        WsClient connected;
        QVERIFY(connected.open(server.url(), before));
        const CliResult rotated = server.runCli({u"keys"_qs, u"rotate"_qs, u"--grace"_qs, u"1h"_qs,
                                                 u"--data-dir"_qs, server.dataDir()});
        QCOMPARE(rotated.exitCode, 0);
        const QString after = server.mintToken(u"rot"_qs);
        QVERIFY(!after.isEmpty());
        QVERIFY(after.section(u'.', 0, 0) != before.section(u'.', 0, 0)); // another kid
        const auto status = [&](const QString &token) {
            return server.httpGet("/api/v1/symbols", HttpClient::bearer(token)).status;
        };
        QTRY_COMPARE_WITH_TIMEOUT(status(after), 200, 30000);
        QCOMPARE(status(before), 200);
        QVERIFY(connected.request(QJsonObject{{u"op"_qs, u"ping"_qs}}));
        QVERIFY(connected.isConnected());
    }

    // Development mode without tokens: loopback only, and it says so at start.
    void insecureMode()
    {
        ServerProcess cli;
        const CliResult refused = cli.runCli({u"--headless"_qs, u"--insecure"_qs, u"--listen"_qs,
                                              u"0.0.0.0:0"_qs, u"--feed"_qs, u"none"_qs,
                                              u"--data-dir"_qs, m_dir.filePath(u"insecure"_qs)});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("--insecure"), refused.err.constData());

        ServerProcess server;
        QVERIFY2(server.start({u"--insecure"_qs}), qPrintable(server.error()));
        QVERIFY2(server.stderrText().contains("insecure") ||
                     server.stdoutText().contains("insecure"),
                 server.stderrText().constData());
        WsClient client;
        QVERIFY2(client.open(server.url(), QString()), qPrintable(client.errorString()));
        QCOMPARE(server.httpGet("/api/v1/symbols").status, 200);
    }

    void versionAndHelp()
    {
        ServerProcess cli;
        CliResult result = cli.runCli({u"--version"_qs});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains(TICKSCOPE_VERSION));
        result = cli.runCli({u"--help"_qs});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains("--listen"));
    }
};

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
