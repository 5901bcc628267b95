#include "config/ConfigKeys.h"
#include "config/ConfigLoader.h"
#include "config/ConfigPrinter.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace tickscope;
using namespace std::chrono_literals;

using Vars = QHash<QString, QString>;
Q_DECLARE_METATYPE(tickscope::ConfigSource)

namespace {

const QString jwtSecret = u"s3cr3t-jwt-key-0123456789abcdefXYZ"_qs; // 35 bytes
const QString feedToken = u"feed-token-Zq9wLx"_qs;
const QString redisPassword = u"redisPw-77kQ"_qs;
const QString viewerToken = u"viewer-token-Hh3j"_qs;

QProcessEnvironment environment(const Vars &vars)
{
    QProcessEnvironment env;
    // Variables of other tools must not disturb the loader.
    env.insert(u"TICKSCOPE_BINARY"_qs, u"/usr/bin/tickscope"_qs);
    env.insert(u"PATH"_qs, u"/usr/bin"_qs);
    for (auto it = vars.begin(); it != vars.end(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

QHash<QString, ConfigEntry> entriesByKey(const ServerConfig &config)
{
    QHash<QString, ConfigEntry> out;
    for (const ConfigEntry &entry : config.entries())
        out.insert(entry.key, entry);
    return out;
}

} // namespace

class tst_ConfigLoader : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_dataDir;
    QString m_lastFile;
    int m_files = 0;

    ConfigLoader::Options options(const QString &defaultFile = QString()) const
    {
        ConfigLoader::Options o;
        o.defaultConfigFile = defaultFile; // never the real user's file
        o.defaultDataDir = m_dataDir;
        return o;
    }

    QString writeFile(const QString &name, const QString &contents) const
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        file.write(contents.toUtf8());
        return path;
    }

    // Each call gets a file of its own: QSettings caches files by name and re-reads one only
    // when its size or modification time (in ms) changes.
    ConfigLoader::Result load(const QStringList &args, const Vars &env = {},
                              const QString &fileContents = QString())
    {
        m_lastFile = fileContents.isNull()
                         ? QString()
                         : writeFile(u"tickscope-"_qs + QString::number(++m_files) + u".ini"_qs,
                                     fileContents);
        return ConfigLoader::load(args, environment(env), options(m_lastFile));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dataDir = m_dir.filePath(u"data"_qs);
    }

    // --- defaults -------------------------------------------------------------------------------

    void defaults_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("listen") << u"listen"_qs << u"127.0.0.1:8765"_qs;
        QTest::newRow("allowed-origins")
            << u"allowed-origins"_qs << u"http://localhost:8765,http://127.0.0.1:8765"_qs;
        QTest::newRow("handshake-limit") << u"handshake-limit"_qs << u"20"_qs;
        QTest::newRow("handshake-burst") << u"handshake-burst"_qs << u"40"_qs;
        QTest::newRow("max-connections") << u"max-connections"_qs << u"10000"_qs;
        QTest::newRow("viewer-queue-cap") << u"viewer-queue-cap"_qs << u"8MiB"_qs;
        QTest::newRow("heartbeat") << u"heartbeat"_qs << u"15s"_qs;
        QTest::newRow("flush-window") << u"flush-window"_qs << u"1ms"_qs;
        QTest::newRow("store") << u"store"_qs << u"sqlite"_qs;
        QTest::newRow("redis-url") << u"redis-url"_qs << u"redis://127.0.0.1:6379/0"_qs;
        QTest::newRow("retention-ticks") << u"retention-ticks"_qs << u"1000000"_qs;
        QTest::newRow("retention-age") << u"retention-age"_qs << u"0"_qs;
        QTest::newRow("trim-interval") << u"trim-interval"_qs << u"10s"_qs;
        QTest::newRow("feed") << u"feed"_qs << u"synthetic"_qs;
        QTest::newRow("feed-token") << u"feed-token"_qs << u"<unset>"_qs;
        QTest::newRow("symbols") << u"symbols"_qs << ServerConfig::defaultSymbols().join(u',');
        QTest::newRow("rate") << u"rate"_qs << u"200"_qs;
        QTest::newRow("seed") << u"seed"_qs << u"0"_qs;
        QTest::newRow("jwt-secret") << u"jwt-secret"_qs << u"<unset>"_qs;
        QTest::newRow("token-leeway") << u"token-leeway"_qs << u"5"_qs;
        QTest::newRow("insecure") << u"insecure"_qs << u"false"_qs;
        QTest::newRow("log-level") << u"log-level"_qs << u"info"_qs;
        QTest::newRow("config") << u"config"_qs << QString();
        QTest::newRow("headless") << u"headless"_qs << u"false"_qs;
        QTest::newRow("connect") << u"connect"_qs << QString();
        QTest::newRow("token") << u"token"_qs << u"<unset>"_qs;
        QTest::newRow("tier default commands")
            << u"tier.default.commands-per-second"_qs << u"50"_qs;
        QTest::newRow("tier default commands burst")
            << u"tier.default.commands-burst"_qs << u"100"_qs;
        QTest::newRow("tier default http") << u"tier.default.http-per-second"_qs << u"20"_qs;
        QTest::newRow("tier default http burst") << u"tier.default.http-burst"_qs << u"40"_qs;
        QTest::newRow("tier producer commands")
            << u"tier.producer.commands-per-second"_qs << u"1000"_qs;
        QTest::newRow("tier producer burst") << u"tier.producer.commands-burst"_qs << u"2000"_qs;
    }
    void defaults()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        const auto result = load({});
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        const auto entries = entriesByKey(result.config);
        QVERIFY2(entries.contains(key), qPrintable(key));
        QCOMPARE(entries[key].value, value);
        QCOMPARE(entries[key].source, ConfigSource::Default);
    }

    void defaultFields()
    {
        const auto result = load({});
        QVERIFY(result);
        const ServerConfig &c = result.config;
        QCOMPARE(c.listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(c.listenPort, quint16(8765));
        QCOMPARE(c.dataDir, m_dataDir);
        QCOMPARE(c.store, StoreKind::Sqlite);
        QCOMPARE(c.feed, FeedKind::Synthetic);
        QCOMPARE(c.symbols.size(), 20);
        QCOMPARE(c.heartbeat, 15s);
        QCOMPARE(c.flushWindow, 1ms);
        QCOMPARE(c.tokenLeeway, 5s);
        QCOMPARE(c.viewerQueueCap, qint64(8) << 20);
        QCOMPARE(c.logLevel, LogLevel::Info);
        QVERIFY(c.jwtSecret.isEmpty());
        QVERIFY(!c.insecure && !c.headless && !c.printConfig && !c.help && !c.version);
        QVERIFY(c.configFile.isEmpty());
        QCOMPARE(c.tiers.size(), 3);
        QVERIFY(c.tiers.value(u"unlimited"_qs).unlimited);
        QCOMPARE(c.tiers.value(u"default"_qs), TierLimits::limited(50, 100, 20, 40));
        QCOMPARE(c.tiers.value(u"producer"_qs), TierLimits::limited(1000, 2000, 20, 40));
        QCOMPARE(c.tierOrDefault(u"nonexistent"_qs), TierLimits::limited(50, 100, 20, 40));
        QVERIFY(c.tierOrDefault(u"unlimited"_qs).unlimited);
        QVERIFY(result.warnings.isEmpty());
        // A default-constructed config and the loaded defaults agree (apart from dataDir).
        ServerConfig plain;
        plain.dataDir = m_dataDir;
        QCOMPARE(ConfigPrinter::toText(plain), ConfigPrinter::toText(c));
    }

    // --- precedence -----------------------------------------------------------------------------

    void precedence_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("fileValue"); // null: not given in that source
        QTest::addColumn<QString>("envValue");
        QTest::addColumn<QString>("flagValue");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<ConfigSource>("source");

        const QString n; // not given
        struct Key
        {
            QString key, file, env, flag;
        };
        const Key keys[] = {
            {u"listen"_qs, u"127.0.0.1:1001"_qs, u"127.0.0.1:1002"_qs, u"[::1]:1003"_qs},
            {u"rate"_qs, u"11"_qs, u"12"_qs, u"13"_qs},
            {u"heartbeat"_qs, u"20s"_qs, u"30s"_qs, u"1m"_qs},
            {u"store"_qs, u"memory"_qs, u"redis"_qs, u"sqlite"_qs},
            {u"log-level"_qs, u"debug"_qs, u"warning"_qs, u"error"_qs},
            {u"symbols"_qs, u"AAA,BBB"_qs, u"CCC"_qs, u"DDD,EEE,FFF"_qs},
            {u"tier.default.commands-per-second"_qs, u"1"_qs, u"2"_qs, u"3"_qs},
            {u"tier.gold.http-burst"_qs, u"5"_qs, u"6"_qs, u"7"_qs},
        };
        for (const Key &k : keys) {
            const QByteArray name = k.key.toUtf8();
            QTest::addRow("%s: flag wins", name.constData())
                << k.key << k.file << k.env << k.flag << k.flag << ConfigSource::Flag;
            QTest::addRow("%s: flag over file", name.constData())
                << k.key << k.file << n << k.flag << k.flag << ConfigSource::Flag;
            QTest::addRow("%s: env over file", name.constData())
                << k.key << k.file << k.env << n << k.env << ConfigSource::Env;
            QTest::addRow("%s: env alone", name.constData())
                << k.key << n << k.env << n << k.env << ConfigSource::Env;
            QTest::addRow("%s: file alone", name.constData())
                << k.key << k.file << n << n << k.file << ConfigSource::File;
        }
    }
    void precedence()
    {
        QFETCH(QString, key);
        QFETCH(QString, fileValue);
        QFETCH(QString, envValue);
        QFETCH(QString, flagValue);
        QFETCH(QString, expected);
        QFETCH(ConfigSource, source);

        Vars env;
        if (!envValue.isNull())
            env.insert(ConfigKeys::envName(key), envValue);
        QStringList args;
        if (!flagValue.isNull())
            args << u"--"_qs + key << flagValue;
        // Quoted, so that a list stays one string; the unquoted form is tested below.
        const QString file =
            fileValue.isNull() ? u"# nothing\n"_qs : key + u" = \""_qs + fileValue + u"\"\n"_qs;

        const auto result = load(args, env, file);
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        const auto entries = entriesByKey(result.config);
        QVERIFY(entries.contains(key));
        QCOMPARE(entries[key].value, expected);
        QCOMPARE(entries[key].source, source);
        QCOMPARE(result.config.sourceOf(key), source);
    }

    void flagSyntax_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expected");
        QTest::newRow("separate value")
            << QStringList{u"--rate"_qs, u"7"_qs} << u"rate"_qs << u"7"_qs;
        QTest::newRow("inline value") << QStringList{u"--rate=8"_qs} << u"rate"_qs << u"8"_qs;
        QTest::newRow("inline with =")
            << QStringList{u"--feed-token=a=b"_qs} << u"feed-token"_qs << u"<redacted>"_qs;
        QTest::newRow("last wins")
            << QStringList{u"--rate=1"_qs, u"--rate"_qs, u"2"_qs} << u"rate"_qs << u"2"_qs;
        QTest::newRow("bool alone")
            << QStringList{u"--insecure"_qs} << u"insecure"_qs << u"true"_qs;
        QTest::newRow("bool false")
            << QStringList{u"--insecure=false"_qs} << u"insecure"_qs << u"false"_qs;
        QTest::newRow("bool yes") << QStringList{u"--headless=yes"_qs} << u"headless"_qs
                                  << u"true"_qs;
        QTest::newRow("headless") << QStringList{u"--headless"_qs, u"--rate"_qs, u"3"_qs}
                                  << u"headless"_qs << u"true"_qs;
        QTest::newRow("tier flag") << QStringList{u"--tier.default.commands-per-second=9"_qs}
                                   << u"tier.default.commands-per-second"_qs << u"9"_qs;
        QTest::newRow("connect") << QStringList{u"--connect"_qs, u"ws://example.org:9000"_qs}
                                 << u"connect"_qs << u"ws://example.org:9000/v1/stream"_qs;
        QTest::newRow("relay feed") << QStringList{u"--feed"_qs, u"WSS://up.example:443/x"_qs}
                                    << u"feed"_qs << u"wss://up.example:443/x"_qs;
        QTest::newRow("origins normalized")
            << QStringList{u"--allowed-origins"_qs,
                           u"HTTPS://App.Example.com:443, http://[::1]:8080,http://x.org:80"_qs}
            << u"allowed-origins"_qs
            << u"https://app.example.com,http://[::1]:8080,http://x.org"_qs;
        QTest::newRow("origins empty")
            << QStringList{u"--allowed-origins="_qs} << u"allowed-origins"_qs << QString();
        QTest::newRow("listen localhost")
            << QStringList{u"--listen=localhost:0"_qs} << u"listen"_qs << u"localhost:0"_qs;
        QTest::newRow("listen any")
            << QStringList{u"--listen=0.0.0.0:9000"_qs} << u"listen"_qs << u"0.0.0.0:9000"_qs;
        QTest::newRow("listen v6 any")
            << QStringList{u"--listen=[::]:9000"_qs} << u"listen"_qs << u"[::]:9000"_qs;
        QTest::newRow("redis url") << QStringList{u"--redis-url=redis://cache:6380/3"_qs}
                                   << u"redis-url"_qs << u"redis://cache:6380/3"_qs;
        QTest::newRow("redis cluster")
            << QStringList{u"--redis-url=redis+cluster://a:7000,b:7001"_qs} << u"redis-url"_qs
            << u"redis+cluster://a:7000,b:7001"_qs;
        QTest::newRow("redis default port") << QStringList{u"--redis-url=redis://cache"_qs}
                                            << u"redis-url"_qs << u"redis://cache:6379/0"_qs;
        QTest::newRow("seed max") << QStringList{u"--seed=18446744073709551615"_qs} << u"seed"_qs
                                  << u"18446744073709551615"_qs;
        QTest::newRow("leeway as duration")
            << QStringList{u"--token-leeway=30s"_qs} << u"token-leeway"_qs << u"30"_qs;
        QTest::newRow("queue cap plain bytes")
            << QStringList{u"--viewer-queue-cap=65536"_qs} << u"viewer-queue-cap"_qs << u"64KiB"_qs;
        QTest::newRow("fractional handshake limit")
            << QStringList{u"--handshake-limit=0.5"_qs} << u"handshake-limit"_qs << u"0.5"_qs;
        QTest::newRow("value starting with dash")
            << QStringList{u"--feed-token"_qs, u"-x"_qs} << u"feed-token"_qs << u"<redacted>"_qs;
    }
    void flagSyntax()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, key);
        QFETCH(QString, expected);
        const auto result = load(args);
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        QCOMPARE(entriesByKey(result.config).value(key).value, expected);
    }

    void typedValues()
    {
        const auto result = load(
            {u"--listen"_qs, u"[::1]:0"_qs, u"--store=redis"_qs,
             u"--redis-url=redis://alice:p%40ss@cache.local:7000/2"_qs, u"--flush-window=1s"_qs,
             u"--feed=ws://up:9000"_qs, u"--feed-token=ft"_qs, u"--jwt-secret"_qs, jwtSecret,
             u"--retention-age=7d"_qs, u"--seed=42"_qs, u"--log-level=DEBUG"_qs});
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        const ServerConfig &c = result.config;
        QCOMPARE(c.listenAddress, QHostAddress(u"::1"_qs));
        QCOMPARE(c.listenPort, quint16(0));
        QCOMPARE(c.store, StoreKind::Redis);
        QCOMPARE(c.redis.nodes.size(), 1);
        QCOMPARE(c.redis.nodes[0].host, u"cache.local"_qs);
        QCOMPARE(c.redis.nodes[0].port, quint16(7000));
        QCOMPARE(c.redis.username, u"alice"_qs);
        QCOMPARE(c.redis.password, u"p@ss"_qs);
        QCOMPARE(c.redis.db, 2);
        QVERIFY(!c.redis.cluster);
        QCOMPARE(c.flushWindow, 1000ms);
        QCOMPARE(c.feed, FeedKind::Relay);
        QCOMPARE(c.feedUrl, QUrl(u"ws://up:9000/v1/stream"_qs));
        QCOMPARE(c.feedToken, u"ft"_qs);
        QCOMPARE(c.jwtSecret, jwtSecret.toUtf8());
        QCOMPARE(c.retentionAge, std::chrono::hours(24 * 7));
        QCOMPARE(c.seed, quint64(42));
        QCOMPARE(c.logLevel, LogLevel::Debug);
    }

    // --- errors ---------------------------------------------------------------------------------

    void invalid_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<Vars>("env");
        QTest::addColumn<QString>("file"); // null: no settings file
        QTest::addColumn<QString>("key");
        QTest::addColumn<QStringList>("mustContain");

        const QString noFile;
        auto flag = [&](const char *name, const QStringList &args, const QString &key,
                        const QStringList &mustContain) {
            QTest::newRow(name) << args << Vars() << noFile << key << mustContain;
        };

        flag("port 70000", {u"--listen"_qs, u"0.0.0.0:70000"_qs}, u"listen"_qs,
             {u"--listen"_qs, u"\"0.0.0.0:70000\""_qs, u"port must be 1-65535"_qs});
        flag("port missing", {u"--listen=127.0.0.1:"_qs}, u"listen"_qs, {u"port must be"_qs});
        flag("listen no port", {u"--listen=127.0.0.1"_qs}, u"listen"_qs, {u"HOST:PORT"_qs});
        flag("listen hostname", {u"--listen=example.com:80"_qs}, u"listen"_qs,
             {u"host must be"_qs});
        flag("listen short ipv4", {u"--listen=127.1:80"_qs}, u"listen"_qs, {u"host must be"_qs});
        flag("listen v6 without brackets", {u"--listen=::1:80"_qs}, u"listen"_qs, {u"brackets"_qs});
        flag("rate -1", {u"--rate"_qs, u"-1"_qs}, u"rate"_qs,
             {u"--rate"_qs, u"\"-1\""_qs, u"from 0 to 5000000"_qs});
        flag("rate too high", {u"--rate=5000001"_qs}, u"rate"_qs, {u"from 0 to 5000000"_qs});
        flag("rate not a number", {u"--rate=fast"_qs}, u"rate"_qs, {u"\"fast\""_qs});
        flag("unknown store", {u"--store"_qs, u"mongo"_qs}, u"store"_qs,
             {u"--store"_qs, u"\"mongo\""_qs, u"sqlite, memory or redis"_qs});
        flag("origin with path", {u"--allowed-origins=http://localhost:8765/app"_qs},
             u"allowed-origins"_qs,
             {u"--allowed-origins"_qs, u"http://localhost:8765/app"_qs, u"path"_qs});
        flag("origin trailing slash", {u"--allowed-origins=http://localhost:8765/"_qs},
             u"allowed-origins"_qs, {u"path"_qs});
        flag("origin without scheme", {u"--allowed-origins=localhost:8765"_qs},
             u"allowed-origins"_qs, {u"\"localhost:8765\""_qs, u"scheme://host[:port]"_qs});
        flag("origin ftp", {u"--allowed-origins=http://ok.org,ftp://files.org"_qs},
             u"allowed-origins"_qs, {u"ftp://files.org"_qs, u"http or https"_qs});
        flag("origin empty item", {u"--allowed-origins=http://a.org,,http://b.org"_qs},
             u"allowed-origins"_qs, {u"empty origin"_qs});
        flag("origin query", {u"--allowed-origins=http://a.org?x=1"_qs}, u"allowed-origins"_qs,
             {u"query"_qs});
        flag("bad symbol", {u"--symbols=BTC-USD,BAD SYMBOL"_qs}, u"symbols"_qs,
             {u"--symbols"_qs, u"\"BAD SYMBOL\""_qs, u"does not match"_qs});
        flag("symbol too long", {u"--symbols="_qs + QString(33, u'A')}, u"symbols"_qs,
             {u"does not match"_qs});
        flag("duplicate symbol", {u"--symbols=AAPL,MSFT,AAPL"_qs}, u"symbols"_qs,
             {u"\"AAPL\" is listed twice"_qs});
        flag("no symbols", {u"--symbols="_qs}, u"symbols"_qs, {u"1 to 1024"_qs});
        QStringList many;
        for (int i = 0; i < 1025; ++i)
            many << u"S"_qs + QString::number(i);
        flag("too many symbols", {u"--symbols"_qs, many.join(u',')}, u"symbols"_qs,
             {u"1 to 1024"_qs});
        flag("bad duration", {u"--heartbeat=soon"_qs}, u"heartbeat"_qs,
             {u"--heartbeat"_qs, u"\"soon\""_qs, u"duration like"_qs});
        flag("heartbeat out of range", {u"--heartbeat=500ms"_qs}, u"heartbeat"_qs,
             {u"from 1s to 10m"_qs});
        flag("flush window plain seconds", {u"--flush-window=5"_qs}, u"flush-window"_qs,
             {u"from 1ms to 1s"_qs});
        flag("negative duration", {u"--trim-interval=-1s"_qs}, u"trim-interval"_qs,
             {u"negative"_qs});
        flag("leeway 31", {u"--token-leeway"_qs, u"31"_qs}, u"token-leeway"_qs,
             {u"--token-leeway"_qs, u"\"31\""_qs, u"0 to 30"_qs});
        flag("leeway fraction", {u"--token-leeway=1500ms"_qs}, u"token-leeway"_qs,
             {u"whole seconds"_qs});
        flag("queue cap too big", {u"--viewer-queue-cap=9MiB"_qs}, u"viewer-queue-cap"_qs,
             {u"64KiB to 8MiB"_qs});
        flag("max connections 0", {u"--max-connections=0"_qs}, u"max-connections"_qs,
             {u"from 1 to 1000000"_qs});
        flag("handshake burst 0", {u"--handshake-burst=0"_qs}, u"handshake-burst"_qs,
             {u"from 1 to"_qs});
        flag("negative handshake limit", {u"--handshake-limit=-2"_qs}, u"handshake-limit"_qs,
             {u"from 0 to"_qs});
        flag("seed negative", {u"--seed=-3"_qs}, u"seed"_qs, {u"0 (random)"_qs});
        flag("bad log level", {u"--log-level=verbose"_qs}, u"log-level"_qs,
             {u"debug, info, warning or error"_qs});
        flag("bad bool", {u"--insecure=maybe"_qs}, u"insecure"_qs, {u"true or false"_qs});
        flag("feed ftp", {u"--feed=ftp://x"_qs}, u"feed"_qs, {u"ws or wss"_qs});
        flag("feed word", {u"--feed=random"_qs}, u"feed"_qs, {u"synthetic, none"_qs});
        flag("connect http", {u"--connect=http://x:1"_qs}, u"connect"_qs, {u"ws or wss"_qs});
        flag("redis bad scheme", {u"--redis-url=http://cache:6379"_qs}, u"redis-url"_qs,
             {u"unknown scheme"_qs});
        flag("redis tls", {u"--redis-url=rediss://cache:6380/3"_qs}, u"redis-url"_qs, {u"TLS"_qs});
        flag("redis bad db", {u"--redis-url=redis://cache:6379/x"_qs}, u"redis-url"_qs,
             {u"database"_qs});
        flag("unknown flag", {u"--rate=1"_qs, u"--colour=red"_qs}, u"--colour"_qs,
             {u"unknown option --colour"_qs});
        flag("unknown flag suggestion", {u"--listne"_qs, u"x"_qs}, u"--listne"_qs,
             {u"--listne"_qs, u"did you mean --listen?"_qs});
        flag("unknown flag suggestion one shorter", {u"--redis-ur=x"_qs}, u"--redis-ur"_qs,
             {u"did you mean --redis-url?"_qs});
        // Pasted junk: a clear error at once, no suggestion (none is near enough).
        flag("unknown flag 20000 characters", {u"--"_qs + QString(20000, u'x')},
             u"--"_qs + QString(20000, u'x'), {u"unknown option \"--xxxx"_qs, u"xxx\"...; see"_qs});
        flag("unknown flag with a newline", {u"--a\nb"_qs}, u"--a\nb"_qs,
             {u"unknown option \"--a\\x0ab\""_qs});
        flag("single dash", {u"-x"_qs}, u"-x"_qs, {u"unknown option -x"_qs});
        flag("positional", {u"serve"_qs}, QString(), {u"unexpected argument \"serve\""_qs});
        flag("bool with separate value", {u"--insecure"_qs, u"false"_qs}, QString(),
             {u"after --insecure"_qs, u"--insecure=false"_qs});
        flag("missing value at end", {u"--rate"_qs}, u"--rate"_qs,
             {u"missing value after --rate"_qs});
        flag("missing value before flag", {u"--symbols"_qs, u"--rate=3"_qs}, u"--symbols"_qs,
             {u"missing value after --symbols"_qs});
        flag("insecure on 0.0.0.0", {u"--insecure"_qs, u"--listen=0.0.0.0:8765"_qs}, u"insecure"_qs,
             {u"--insecure"_qs, u"insecure mode binds to loopback only"_qs});
        flag("insecure on v6 any", {u"--listen=[::]:1"_qs, u"--insecure"_qs}, u"insecure"_qs,
             {u"loopback only"_qs});
        flag("unlimited tier configured", {u"--tier.unlimited.commands-per-second=5"_qs},
             u"tier.unlimited.commands-per-second"_qs,
             {u"--tier.unlimited.commands-per-second"_qs, u"\"5\""_qs, u"unlimited tier"_qs});
        flag("tier unknown field", {u"--tier.gold.speed=5"_qs}, u"tier.gold.speed"_qs,
             {u"tier field must be one of"_qs});
        flag("tier bad name", {u"--tier.Gold.http-burst=5"_qs}, u"tier.Gold.http-burst"_qs,
             {u"tier names"_qs});
        flag("tier zero rate", {u"--tier.gold.http-per-second=0"_qs},
             u"tier.gold.http-per-second"_qs, {u"from 0.001 to"_qs});
        flag("print-config bad", {u"--print-config=perhaps"_qs}, u"print-config"_qs,
             {u"true or false"_qs});

        // Environment: named by the variable.
        QTest::newRow("env port") << QStringList() << Vars{{u"TICKSCOPE_LISTEN"_qs, u"x:1"_qs}}
                                  << noFile << u"listen"_qs
                                  << QStringList{u"TICKSCOPE_LISTEN"_qs, u"\"x:1\""_qs};
        QTest::newRow("env unlimited tier")
            << QStringList() << Vars{{u"TICKSCOPE_TIER_UNLIMITED_HTTP_BURST"_qs, u"3"_qs}} << noFile
            << u"tier.unlimited.http-burst"_qs
            << QStringList{u"TICKSCOPE_TIER_UNLIMITED_HTTP_BURST"_qs, u"unlimited tier"_qs};
        QTest::newRow("env tier malformed")
            << QStringList() << Vars{{u"TICKSCOPE_TIER_GOLD"_qs, u"3"_qs}} << noFile
            << u"TICKSCOPE_TIER_GOLD"_qs << QStringList{u"TICKSCOPE_TIER_GOLD"_qs, u"FIELD"_qs};
        QTest::newRow("env insecure")
            << QStringList{u"--listen=0.0.0.0:1"_qs} << Vars{{u"TICKSCOPE_INSECURE"_qs, u"1"_qs}}
            << noFile << u"insecure"_qs << QStringList{u"TICKSCOPE_INSECURE"_qs, u"loopback"_qs};

        // Settings file: named by key and file.
        QTest::newRow("unknown file key")
            << QStringList() << Vars() << u"rate = 5\nport = 8765\n"_qs << u"port"_qs
            << QStringList{u"unknown setting 'port'"_qs, u".ini"_qs};
        QTest::newRow("unknown file section")
            << QStringList() << Vars() << u"[server]\nlisten = 127.0.0.1:1\n"_qs
            << u"server.listen"_qs << QStringList{u"'server.listen'"_qs};
        QTest::newRow("file bad value")
            << QStringList() << Vars() << u"heartbeat = 1y\n"_qs << u"heartbeat"_qs
            << QStringList{u"invalid heartbeat \"1y\" in "_qs, u"tickscope-"_qs};
        QTest::newRow("file value invalid though overridden")
            << QStringList{u"--rate=5"_qs} << Vars() << u"rate = lots\n"_qs << u"rate"_qs
            << QStringList{u"\"lots\""_qs, u".ini"_qs};
        QTest::newRow("file unlimited tier")
            << QStringList() << Vars() << u"[tier.unlimited]\nhttp-burst = 9\n"_qs
            << u"tier.unlimited.http-burst"_qs << QStringList{u"unlimited tier"_qs};
        QTest::newRow("file sets config")
            << QStringList() << Vars() << u"config = other.ini\n"_qs << u"config"_qs
            << QStringList{u"cannot be set in the settings file"_qs};
        QTest::newRow("missing config file")
            << QStringList{u"--config"_qs, m_dir.filePath(u"absent.ini"_qs)} << Vars() << noFile
            << u"config"_qs << QStringList{u"absent.ini"_qs, u"no such file"_qs};
        QTest::newRow("config is a directory")
            << QStringList() << Vars{{u"TICKSCOPE_CONFIG"_qs, m_dir.path()}} << noFile
            << u"config"_qs << QStringList{u"not a readable file"_qs};
    }
    void invalid()
    {
        QFETCH(QStringList, args);
        QFETCH(Vars, env);
        QFETCH(QString, file);
        QFETCH(QString, key);
        QFETCH(QStringList, mustContain);

        const auto result = load(args, env, file);
        QVERIFY2(!result.ok(), "the configuration was accepted");
        QVERIFY(!result);
        const QString message = result.error->message();
        QVERIFY2(message.startsWith(u"tickscope: "_qs), qPrintable(message));
        QVERIFY2(!message.contains(u'\n'), qPrintable(message));
        QCOMPARE(result.error->key(), key);
        QVERIFY(!result.error->rule().isEmpty());
        for (const QString &part : mustContain)
            QVERIFY2(message.contains(part), qPrintable(message + u" lacks "_qs + part));
    }

    // --- secrets --------------------------------------------------------------------------------

    void secretsNeverInErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("secret");
        QTest::newRow("short jwt secret")
            << QStringList{u"--jwt-secret"_qs, u"tooShortSecret"_qs} << u"tooShortSecret"_qs;
        QTest::newRow("redis url password")
            << QStringList{u"--redis-url=redis://:hunter2pw@cache:99999/0"_qs} << u"hunter2pw"_qs;
        QTest::newRow("redis password with slash")
            << QStringList{u"--redis-url=redis://:hun/ter2@cache:6379/x"_qs} << u"ter2"_qs;
        QTest::newRow("feed url credentials")
            << QStringList{u"--feed=ws://bob:feedPw99@up:9000/v1/stream"_qs} << u"feedPw99"_qs;
        QTest::newRow("connect url credentials")
            << QStringList{u"--connect=wss://bob:connPw77@up/v1/stream"_qs} << u"connPw77"_qs;
    }
    void secretsNeverInErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, secret);
        const auto result = load(args);
        QVERIFY(!result);
        const QString message = result.error->message();
        QVERIFY2(!message.contains(secret), qPrintable(message));
        QVERIFY2(!result.error->value().contains(secret), qPrintable(result.error->value()));
        QVERIFY2(message.contains(u"<redacted>"_qs), qPrintable(message));
    }

    void printConfigHidesSecrets()
    {
        const QString file = u"redis-url = \"redis://:"_qs + redisPassword +
                             u"@cache.local:6379/1\"\nstore = redis\n"_qs;
        const auto result = load(
            {u"--print-config"_qs, u"--jwt-secret"_qs, jwtSecret},
            {{u"TICKSCOPE_FEED_TOKEN"_qs, feedToken}, {u"TICKSCOPE_TOKEN"_qs, viewerToken}}, file);
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        QVERIFY(result.config.printConfig);
        // The secrets are there for the server to use ...
        QCOMPARE(result.config.jwtSecret, jwtSecret.toUtf8());
        QCOMPARE(result.config.feedToken, feedToken);
        QCOMPARE(result.config.redis.password, redisPassword);
        QCOMPARE(result.config.token, viewerToken);

        // ... but never printed.
        const QString text = ConfigPrinter::toText(result.config);
        for (const QString &secret : {jwtSecret, feedToken, redisPassword, viewerToken})
            QVERIFY2(!text.contains(secret), qPrintable(text));
        const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(lines.contains(u"jwt-secret = <redacted>  # flag"_qs));
        QVERIFY(lines.contains(u"feed-token = <redacted>  # env"_qs));
        QVERIFY(lines.contains(u"token = <redacted>  # env"_qs));
        QVERIFY(lines.contains(u"redis-url = redis://:<redacted>@cache.local:6379/1  # file"_qs));
        QVERIFY(lines.contains(u"store = redis  # file"_qs));
        QVERIFY(lines.contains(u"rate = 200  # default"_qs));
        QVERIFY(lines.contains(u"config = "_qs + m_lastFile + u"  # default"_qs));
        QVERIFY(lines.contains(u"tier.default.http-burst = 40  # default"_qs));
        // One line per key, each in the `key = value  # source` form.
        static const QRegularExpression shape(
            u"^[a-z][a-z0-9.-]* =( \\S.*)?  # (default|file|env|flag)$"_qs);
        for (const QString &line : lines)
            QVERIFY2(shape.match(line).hasMatch(), qPrintable(line));
        QCOMPARE(lines.size(), result.config.entries().size());

        const auto unset = load({});
        const QString plain = ConfigPrinter::toText(unset.config);
        QVERIFY(plain.contains(u"jwt-secret = <unset>  # default\n"_qs));
        QVERIFY(plain.contains(u"feed-token = <unset>  # default\n"_qs));
    }

    // --- settings file --------------------------------------------------------------------------

    void settingsFileSyntax()
    {
        const QString file = u"; a comment\n"
                             "# another\n"
                             "symbols = AAA, BBB,CCC\n"
                             "allowed-origins = \"http://a.org,https://b.org\"\n"
                             "jwt-secret = \""_qs +
                             jwtSecret +
                             u";#\"\n"
                             "data-dir = state/here\n"
                             "tier.silver.commands-per-second = 4\n"
                             "[tier.gold]\n"
                             "http-per-second = 3\n"_qs;
        const auto result = load({}, {}, file);
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        const ServerConfig &c = result.config;
        QCOMPARE(c.configFile, m_lastFile);
        QCOMPARE(c.symbols, (QStringList{u"AAA"_qs, u"BBB"_qs, u"CCC"_qs}));
        QCOMPARE(c.allowedOrigins, (QStringList{u"http://a.org"_qs, u"https://b.org"_qs}));
        QCOMPARE(c.jwtSecret, (jwtSecret + u";#"_qs).toUtf8());
        // Relative paths in the file are relative to the file.
        QCOMPARE(c.dataDir, QDir::cleanPath(m_dir.filePath(u"state/here"_qs)));
        QCOMPARE(c.sourceOf(u"data-dir"_qs), ConfigSource::File);
        // New tiers: a rate without a burst gets 2x, the rest comes from `default`.
        QCOMPARE(c.tiers.value(u"silver"_qs), TierLimits::limited(4, 8, 20, 40));
        QCOMPARE(c.tiers.value(u"gold"_qs), TierLimits::limited(50, 100, 3, 6));
        QCOMPARE(c.sourceOf(u"tier.gold.http-per-second"_qs), ConfigSource::File);
        QCOMPARE(c.sourceOf(u"tier.gold.http-burst"_qs), ConfigSource::Default);
    }

    void settingsFileLocation()
    {
        const QString a = writeFile(u"a.ini"_qs, u"rate = 1\n"_qs);
        const QString b = writeFile(u"b.ini"_qs, u"rate = 2\n"_qs);
        const QString fallback = writeFile(u"fallback.ini"_qs, u"rate = 3\n"_qs);
        const auto env = environment({{u"TICKSCOPE_CONFIG"_qs, b}});

        auto rateOf = [](const ConfigLoader::Result &r) { return r.ok() ? r.config.rate : -1; };
        // --config beats TICKSCOPE_CONFIG beats the default path.
        QCOMPARE(rateOf(ConfigLoader::load({u"--config"_qs, a}, env, options(fallback))), 1);
        QCOMPARE(rateOf(ConfigLoader::load({}, env, options(fallback))), 2);
        QCOMPARE(rateOf(ConfigLoader::load({}, environment({}), options(fallback))), 3);
        // A default path that does not exist is simply skipped.
        const auto none =
            ConfigLoader::load({}, environment({}), options(m_dir.filePath(u"nope.ini"_qs)));
        QCOMPARE(rateOf(none), 200);
        QVERIFY(none.config.configFile.isEmpty());

        const auto named = ConfigLoader::load({u"--config="_qs + a}, env, options(fallback));
        QCOMPARE(named.config.configFile, a);
        QCOMPARE(named.config.sourceOf(u"config"_qs), ConfigSource::Flag);
    }

    void derivedBursts()
    {
        auto result = load({u"--handshake-limit=7"_qs});
        QVERIFY(result);
        QCOMPARE(result.config.handshakeBurst, 14.0);
        result = load({u"--handshake-limit=7"_qs, u"--handshake-burst=3"_qs});
        QCOMPARE(result.config.handshakeBurst, 3.0);
        result = load({u"--handshake-limit=0"_qs});
        QCOMPARE(result.config.handshakeBurst, 1.0);

        // The built-in default tier: a changed rate takes its burst along, unless set too.
        result = load({u"--tier.default.commands-per-second=10"_qs},
                      {{u"TICKSCOPE_TIER_DEFAULT_HTTP_BURST"_qs, u"99"_qs}});
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        QCOMPARE(result.config.tiers.value(u"default"_qs), TierLimits::limited(10, 20, 20, 99));
        // A new tier inherits the effective default tier.
        result = load(
            {u"--tier.default.commands-per-second=10"_qs, u"--tier.gold_2.commands-burst=500"_qs});
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        QCOMPARE(result.config.tiers.value(u"gold_2"_qs), TierLimits::limited(10, 500, 20, 40));
        QCOMPARE(result.config.tiers.value(u"producer"_qs),
                 TierLimits::limited(1000, 2000, 20, 40));
        // Environment names map back to tier names.
        result = load({}, {{u"TICKSCOPE_TIER_GOLD_2_HTTP_PER_SECOND"_qs, u"1.5"_qs}});
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        QCOMPARE(result.config.tiers.value(u"gold_2"_qs).httpPerSecond, 1.5);
        QCOMPARE(result.config.tiers.value(u"gold_2"_qs).httpBurst, 3.0);
    }

    // --- modes and extras -----------------------------------------------------------------------

    void helpAndVersionShortCut()
    {
        // Nothing else is read, so even broken arguments do not hide the help.
        auto result = load({u"--rate=nope"_qs, u"--help"_qs});
        QVERIFY(result);
        QVERIFY(result.config.help);
        result = load({u"-h"_qs});
        QVERIFY(result.config.help);
        result = load({u"--version"_qs, u"--bogus"_qs});
        QVERIFY(result);
        QVERIFY(result.config.version);

        const QString help = ConfigLoader::helpText(options());
        for (const ConfigKey &key : ConfigKeys::all())
            QVERIFY2(help.contains(u"--"_qs + key.name), qPrintable(key.name));
        QVERIFY(help.contains(u"[default: 127.0.0.1:8765]"_qs));
        QVERIFY(help.contains(u"TICKSCOPE_"_qs));
        for (const QString &line : help.split(u'\n'))
            QVERIFY2(line.size() <= 100, qPrintable(line));
    }

    void extraOptionsPassThrough()
    {
        ConfigLoader::Options o = options();
        o.extraOptions = {u"sub"_qs, u"ttl"_qs};
        const auto result = ConfigLoader::load(
            {u"--sub"_qs, u"alice"_qs, u"--ttl=1h"_qs, u"--data-dir"_qs, m_dir.path()},
            environment({}), o);
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        QCOMPARE(result.extra.value(u"sub"_qs), u"alice"_qs);
        QCOMPARE(result.extra.value(u"ttl"_qs), u"1h"_qs);
        QCOMPARE(result.config.dataDir, m_dir.path());
        // Without being declared they are refused.
        QVERIFY(!load({u"--sub"_qs, u"alice"_qs}));
    }

    void warnings()
    {
        auto result = load({}, {{u"TICKSCOPE_LISTNE"_qs, u"127.0.0.1:1"_qs}});
        QVERIFY(result);
        QCOMPARE(result.warnings.size(), 1);
        QVERIFY2(result.warnings[0].contains(u"TICKSCOPE_LISTEN"_qs),
                 qPrintable(result.warnings[0]));

        result = load({u"--insecure"_qs});
        QVERIFY(result);
        QVERIFY(result.config.insecure);
        QCOMPARE(result.warnings.size(), 1);
        QVERIFY(result.warnings[0].contains(u"insecure"_qs));
    }

    // --- the shipped settings/tickscope.ini -----------------------------------------------------

    void shippedSettingsFile()
    {
        const QString source = qEnvironmentVariable("TICKSCOPE_SOURCE_DIR");
        if (source.isEmpty())
            QSKIP("TICKSCOPE_SOURCE_DIR is not set (run through ctest)");
        QFile shipped(source + u"/settings/tickscope.ini"_qs);
        QVERIFY(shipped.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(shipped.readAll());

        // Settings are `#key = value`; prose is `# ...`. Uncomment every setting.
        static const QRegularExpression setting(u"^#(\\[[a-z0-9_.]+\\]|[a-z][a-z0-9.-]* =.*)$"_qs);
        QStringList enabled;
        QSet<QString> documented;
        QString section;
        for (const QString &line : text.split(u'\n')) {
            const auto match = setting.match(line);
            if (!match.hasMatch())
                continue;
            const QString body = match.captured(1);
            enabled.append(body);
            if (body.startsWith(u'[')) {
                section = body.mid(1, body.size() - 2) + u'.';
            } else {
                documented.insert(section + body.section(u'=', 0, 0).trimmed());
            }
        }
        for (const ConfigKey &key : ConfigKeys::all()) {
            if (!key.is(ConfigKey::NotInFile))
                QVERIFY2(documented.contains(key.name), qPrintable(key.name));
        }

        // Uncommented, the file is valid and says exactly what the defaults are.
        const QString path = writeFile(u"shipped.ini"_qs, enabled.join(u'\n') + u'\n');
        const auto result = ConfigLoader::load({u"--config"_qs, path}, environment({}), options());
        QVERIFY2(result, qPrintable(result.error ? result.error->message() : QString()));
        const auto loaded = entriesByKey(result.config);
        ServerConfig defaults;
        defaults.dataDir = m_dataDir;
        for (const ConfigEntry &entry : defaults.entries()) {
            if (entry.key == u"data-dir" || entry.key == u"config")
                continue;
            QVERIFY2(documented.contains(entry.key), qPrintable(entry.key));
            QCOMPARE(loaded.value(entry.key).value, entry.value);
            QCOMPARE(loaded.value(entry.key).source, ConfigSource::File);
        }
    }
};

QTEST_GUILESS_MAIN(tst_ConfigLoader)
#include "tst_configloader.moc"
