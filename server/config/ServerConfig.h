#pragma once

#include "config/ConfigEntry.h"
#include "config/TierLimits.h"
#include "redis/RedisUrl.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <chrono>

namespace tickscope {

enum class StoreKind
{
    Sqlite,
    Memory,
    Redis
};
enum class FeedKind
{
    Synthetic,
    None,
    Relay
};
enum class LogLevel
{
    Debug,
    Info,
    Warning,
    Error
};

// A parsed redis-url: redis[s]://[[user]:password@]host[:port][/db].

// The effective settings of one run, every field already validated. A default-constructed
// ServerConfig holds the built-in defaults, except dataDir, which ConfigLoader fills in from
// QStandardPaths. The settings keys and their rules are documented in settings/tickscope.ini.
struct ServerConfig
{
    using ms = std::chrono::milliseconds;

    // --- network -------------------------------------------------------------------------------
    QString listenHost = u"127.0.0.1"_qs; // as written, without IPv6 brackets
    QHostAddress listenAddress{QHostAddress::LocalHost};
    quint16 listenPort = 8765; // 0: any free port
    QStringList allowedOrigins{u"http://localhost:8765"_qs, u"http://127.0.0.1:8765"_qs};
    double handshakeLimit = 20; // per address and second; 0: no limit
    double handshakeBurst = 40; // defaults to 2 x handshakeLimit
    int maxConnections = 10'000;
    qint64 viewerQueueCap = qint64(8) << 20; // bytes
    ms heartbeat{15'000};
    ms flushWindow{1}; // chosen by measurement: docs/performance.md

    // --- storage -------------------------------------------------------------------------------
    QString dataDir;
    StoreKind store = StoreKind::Sqlite;
    QString redisUrl = u"redis://127.0.0.1:6379/0"_qs; // may hold a password: never log it
    RedisUrl redis = RedisUrl::single(u"127.0.0.1"_qs, 6379); // parsed redisUrl
    qint64 retentionTicks = 1'000'000; // per symbol; 0: unlimited
    ms retentionAge{0};                // 0: unlimited
    ms trimInterval{10'000};

    // --- feed ----------------------------------------------------------------------------------
    FeedKind feed = FeedKind::Synthetic;
    QUrl feedUrl;      // FeedKind::Relay only
    QString feedToken; // secret
    QStringList symbols = defaultSymbols();
    int rate = 200;   // synthetic ticks per second across all symbols
    quint64 seed = 0; // 0: random

    // --- auth and limits -----------------------------------------------------------------------
    QByteArray jwtSecret; // secret; empty: none (the key ring's own key is used)
    std::chrono::seconds tokenLeeway{5};
    bool insecure = false;
    QHash<QString, TierLimits> tiers = TierLimits::builtIn();

    // --- process -------------------------------------------------------------------------------
    LogLevel logLevel = LogLevel::Info;
    QString configFile; // the settings file read, empty when none

    // --- modes ---------------------------------------------------------------------------------
    bool headless = false;
    QUrl connectUrl; // viewer mode: the server to watch
    QString token;   // secret; viewer mode's token
    bool printConfig = false;
    bool help = false;
    bool version = false;

    // Keys that were set somewhere other than the defaults.
    QHash<QString, ConfigSource> sources;

    ConfigSource sourceOf(const QString &key) const
    {
        return sources.value(key, ConfigSource::Default);
    }

    // The limits for a token's `tier` claim; an unknown tier gets the `default` tier's limits.
    TierLimits tierOrDefault(const QString &tier) const;

    // Every setting in documentation order with its source, secrets redacted.
    QList<ConfigEntry> entries() const;

    static QStringList defaultSymbols();
};

} // namespace tickscope
