#include "ConfigKeys.h"

#include "config/Units.h"
#include "core/Symbol.h"
#include "redis/RedisUrl.h"

#include <QDir>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace tickscope {

namespace {

using std::chrono::milliseconds;

constexpr int MaxSymbols = 1024;
constexpr qint64 MaxRetentionTicks = qint64(1) << 53;

const QString secretShown = u"<redacted>"_qs;
const QString secretUnset = u"<unset>"_qs;

QString range(qint64 min, qint64 max)
{
    return u"must be an integer from "_qs + QString::number(min) + u" to "_qs +
           QString::number(max);
}

std::optional<qint64> parseInteger(const QString &value, qint64 min, qint64 max, QString *rule)
{
    bool ok = false;
    const QString text = value.trimmed();
    const qint64 number = text.startsWith(u'+') ? 0 : text.toLongLong(&ok);
    if (!ok || number < min || number > max) {
        *rule = range(min, max);
        return std::nullopt;
    }
    return number;
}

std::optional<double> parseNumber(const QString &value, double min, double max, QString *rule)
{
    bool ok = false;
    const QString text = value.trimmed();
    const double number = text.startsWith(u'+') ? 0 : text.toDouble(&ok);
    if (!ok || !std::isfinite(number) || number < min || number > max) {
        *rule = u"must be a number from "_qs + ConfigKeys::formatNumber(min) + u" to "_qs +
                ConfigKeys::formatNumber(max);
        return std::nullopt;
    }
    return number;
}

std::optional<milliseconds> parseDurationIn(const QString &value, milliseconds min,
                                            milliseconds max, QString *rule)
{
    const auto duration = Units::parseDuration(value, rule);
    if (!duration)
        return std::nullopt;
    if (*duration < min || *duration > max) {
        *rule = u"must be from "_qs + Units::formatDuration(min) + u" to "_qs +
                Units::formatDuration(max);
        return std::nullopt;
    }
    return duration;
}

// Splits a comma-separated list; `a, b` and a QSettings list joined with ',' read the same.
QStringList splitList(const QString &value)
{
    QStringList items = value.split(u',');
    for (QString &item : items)
        item = item.trimmed();
    if (items.size() == 1 && items.front().isEmpty())
        return {};
    return items;
}

// ws[s]://host[:port][/path]: the upstream of a relay feed, or the server of viewer mode.
QString parseStreamUrl(const QString &value, QUrl *out)
{
    const QString text = value.trimmed();
    QString shape = u"must be ws://host[:port][/path] or wss://..."_qs;
    if (!text.contains(u"://"))
        return shape;
    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return shape;
    const QString scheme = url.scheme().toLower();
    if (scheme != u"ws" && scheme != u"wss")
        return u"scheme must be ws or wss"_qs;
    if (url.host().isEmpty())
        return u"URL needs a host"_qs;
    if (!url.userInfo().isEmpty())
        return u"URL must not carry credentials; give the token separately"_qs;
    if (url.hasQuery() || url.hasFragment())
        return u"URL must not have a query or fragment; give the token separately"_qs;
    if (url.port() == 0)
        return u"port must be 1-65535"_qs;
    url.setScheme(scheme);
    if (url.path().isEmpty())
        url.setPath(u"/v1/stream"_qs);
    *out = url;
    return {};
}

bool isStrictIpv4(const QString &host)
{
    static const QRegularExpression quad(u"^\\d{1,3}(\\.\\d{1,3}){3}$"_qs);
    return quad.match(host).hasMatch();
}

QString applyListen(ServerConfig &c, const QString &value, const QString &)
{
    const QString text = value.trimmed();
    QString shape = u"must be HOST:PORT, e.g. 127.0.0.1:8765 or [::1]:8765"_qs;
    QString host;
    QString port;
    bool bracketed = false;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0 || text.mid(close + 1, 1) != u":")
            return shape;
        host = text.mid(1, close - 1);
        port = text.mid(close + 2);
        bracketed = true;
    } else {
        const qsizetype colon = text.lastIndexOf(u':');
        if (colon < 0)
            return shape;
        host = text.left(colon);
        port = text.mid(colon + 1);
        if (host.contains(u':'))
            return u"an IPv6 address needs brackets, e.g. [::1]:8765"_qs;
    }

    static const QRegularExpression digits(u"^\\d{1,5}$"_qs);
    QString portRule = u"port must be 1-65535 (or 0 for any free port)"_qs;
    if (!digits.match(port).hasMatch() || port.toInt() > 65535)
        return portRule;

    QHostAddress address;
    if (!bracketed && host.compare(u"localhost", Qt::CaseInsensitive) == 0) {
        address = QHostAddress(QHostAddress::LocalHost);
        host = u"localhost"_qs;
    } else if (bracketed ? !address.setAddress(host) ||
                               address.protocol() != QAbstractSocket::IPv6Protocol
                         : !isStrictIpv4(host) || !address.setAddress(host)) {
        return u"host must be an IPv4 address, a bracketed IPv6 address, or localhost"_qs;
    }
    c.listenHost = host;
    c.listenAddress = address;
    c.listenPort = quint16(port.toInt());
    return {};
}

QString applyOrigins(ServerConfig &c, const QString &value, const QString &)
{
    QStringList origins;
    for (const QString &item : splitList(value)) {
        const QString quoted = u'"' + item + u'"';
        if (item.isEmpty())
            return u"empty origin in list"_qs;
        const QString lower = item.toLower();
        if (!lower.contains(u"://"))
            return u"origin "_qs + quoted + u" must be scheme://host[:port]"_qs;
        const QUrl url(lower, QUrl::StrictMode);
        if (!url.isValid())
            return u"origin "_qs + quoted + u" is not a valid scheme://host[:port]"_qs;
        const QString scheme = url.scheme();
        if (scheme != u"http" && scheme != u"https")
            return u"origin "_qs + quoted + u" must use http or https"_qs;
        if (url.host().isEmpty())
            return u"origin "_qs + quoted + u" has no host"_qs;
        if (!url.userInfo().isEmpty())
            return u"origin "_qs + quoted + u" must not contain user info"_qs;
        if (!url.path().isEmpty() || url.hasQuery() || url.hasFragment())
            return u"origin "_qs + quoted +
                   u" must not have a path, query or fragment (write scheme://host[:port])"_qs;
        if (url.port() == 0)
            return u"origin "_qs + quoted + u" port must be 1-65535"_qs;
        QString host = url.host(QUrl::FullyEncoded);
        if (host.contains(u':'))
            host = u'[' + host + u']';
        // Browsers leave the scheme's default port out of Origin; drop it so both spellings match.
        const int defaultPort = scheme == u"https" ? 443 : 80;
        QString origin = scheme + u"://"_qs + host;
        if (url.port() != -1 && url.port() != defaultPort)
            origin += u':' + QString::number(url.port());
        if (!origins.contains(origin))
            origins.append(origin);
    }
    c.allowedOrigins = origins;
    return {};
}

QString applyDataDir(ServerConfig &c, const QString &value, const QString &baseDir)
{
    if (value.trimmed().isEmpty())
        return u"must be a directory path"_qs;
    c.dataDir = ConfigKeys::resolvePath(value, baseDir);
    return {};
}

QString applyStore(ServerConfig &c, const QString &value, const QString &)
{
    const QString text = value.trimmed().toLower();
    if (text == u"sqlite")
        c.store = StoreKind::Sqlite;
    else if (text == u"memory")
        c.store = StoreKind::Memory;
    else if (text == u"redis")
        c.store = StoreKind::Redis;
    else
        return u"must be sqlite, memory or redis"_qs;
    return {};
}

QString applyRedisUrl(ServerConfig &c, const QString &value, const QString &)
{
    // One grammar for config and store: redis://[[user]:password@]host[:port][/db], or a
    // cluster as a list of redis:// URLs or redis+cluster://host:port,host:port.
    QString error;
    const auto url = RedisUrl::parse(value.trimmed(), &error);
    if (!url)
        return error;
    c.redisUrl = value.trimmed();
    c.redis = *url;
    return {};
}

QString displayRedisUrl(const ServerConfig &c)
{
    // Show that credentials are set, never what they are.
    QString shown = c.redis.display();
    if (!c.redis.username.isEmpty() || !c.redis.password.isEmpty()) {
        QString credentials = QString::fromUtf8(QUrl::toPercentEncoding(c.redis.username));
        if (!c.redis.password.isEmpty())
            credentials += u':' + secretShown;
        shown.insert(shown.indexOf(u"://") + 3, credentials + u'@');
    }
    return shown;
}

QString applyRetentionTicks(ServerConfig &c, const QString &value, const QString &)
{
    QString rule;
    const auto n = parseInteger(value, 0, MaxRetentionTicks, &rule);
    if (!n)
        return rule + u" (0: unlimited)"_qs;
    c.retentionTicks = *n;
    return {};
}

QString applyRetentionAge(ServerConfig &c, const QString &value, const QString &)
{
    QString rule;
    const auto d = parseDurationIn(value, milliseconds(0), std::chrono::hours(24 * 3650), &rule);
    if (!d)
        return rule;
    c.retentionAge = *d;
    return {};
}

QString applyTrimInterval(ServerConfig &c, const QString &value, const QString &)
{
    QString rule;
    const auto d = parseDurationIn(value, milliseconds(100), std::chrono::hours(24), &rule);
    if (!d)
        return rule;
    c.trimInterval = *d;
    return {};
}

QString applyFeed(ServerConfig &c, const QString &value, const QString &)
{
    const QString text = value.trimmed();
    if (text.compare(u"synthetic", Qt::CaseInsensitive) == 0) {
        c.feed = FeedKind::Synthetic;
        c.feedUrl = QUrl();
        return {};
    }
    if (text.compare(u"none", Qt::CaseInsensitive) == 0) {
        c.feed = FeedKind::None;
        c.feedUrl = QUrl();
        return {};
    }
    QUrl url;
    if (!text.contains(u"://"))
        return u"must be synthetic, none, or a ws:// or wss:// URL"_qs;
    QString rule = parseStreamUrl(text, &url);
    if (!rule.isEmpty())
        return rule;
    c.feed = FeedKind::Relay;
    c.feedUrl = url;
    return {};
}

QString displayFeed(const ServerConfig &c)
{
    switch (c.feed) {
    case FeedKind::Synthetic:
        return u"synthetic"_qs;
    case FeedKind::None:
        return u"none"_qs;
    case FeedKind::Relay:
        return c.feedUrl.toString(QUrl::FullyEncoded);
    }
    return {};
}

QString applySymbols(ServerConfig &c, const QString &value, const QString &)
{
    const QStringList items = splitList(value);
    QString countRule = u"must list 1 to "_qs + QString::number(MaxSymbols) + u" symbols"_qs;
    if (items.isEmpty() || items.size() > MaxSymbols)
        return countRule;
    QSet<QString> seen;
    for (const QString &symbol : items) {
        if (symbol.isEmpty())
            return u"empty symbol in list"_qs;
        if (!Symbol::isValid(symbol))
            return u"symbol \""_qs + symbol +
                   u"\" does not match ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,31}$"_qs;
        if (seen.contains(symbol))
            return u"symbol \""_qs + symbol + u"\" is listed twice"_qs;
        seen.insert(symbol);
    }
    c.symbols = items;
    return {};
}

QString applySeed(ServerConfig &c, const QString &value, const QString &)
{
    bool ok = false;
    const QString text = value.trimmed();
    const quint64 seed = text.startsWith(u'-') || text.startsWith(u'+') ? 0 : text.toULongLong(&ok);
    if (!ok)
        return u"must be an integer from 0 (random) to 18446744073709551615"_qs;
    c.seed = seed;
    return {};
}

QString applyJwtSecret(ServerConfig &c, const QString &value, const QString &)
{
    const QByteArray secret = value.toUtf8();
    if (!secret.isEmpty() && secret.size() < 32)
        return u"must be at least 32 bytes"_qs;
    c.jwtSecret = secret;
    return {};
}

QString applyTokenLeeway(ServerConfig &c, const QString &value, const QString &)
{
    QString rule;
    const auto d = parseDurationIn(value, milliseconds(0), std::chrono::seconds(30), &rule);
    if (!d || d->count() % 1000 != 0)
        return u"must be whole seconds from 0 to 30"_qs;
    c.tokenLeeway = std::chrono::duration_cast<std::chrono::seconds>(*d);
    return {};
}

QString applyLogLevel(ServerConfig &c, const QString &value, const QString &)
{
    const QString text = value.trimmed().toLower();
    if (text == u"debug")
        c.logLevel = LogLevel::Debug;
    else if (text == u"info")
        c.logLevel = LogLevel::Info;
    else if (text == u"warning")
        c.logLevel = LogLevel::Warning;
    else if (text == u"error")
        c.logLevel = LogLevel::Error;
    else
        return u"must be debug, info, warning or error"_qs;
    return {};
}

QString displayLogLevel(const ServerConfig &c)
{
    switch (c.logLevel) {
    case LogLevel::Debug:
        return u"debug"_qs;
    case LogLevel::Info:
        return u"info"_qs;
    case LogLevel::Warning:
        return u"warning"_qs;
    case LogLevel::Error:
        return u"error"_qs;
    }
    return {};
}

QString applyConnect(ServerConfig &c, const QString &value, const QString &)
{
    if (value.trimmed().isEmpty()) {
        c.connectUrl = QUrl();
        return {};
    }
    QUrl url;
    QString rule = parseStreamUrl(value, &url);
    if (!rule.isEmpty())
        return rule;
    c.connectUrl = url;
    return {};
}

QString secretDisplay(bool set)
{
    return set ? secretShown : secretUnset;
}

template <bool ServerConfig::*Field>
QString applyBool(ServerConfig &c, const QString &value, const QString &)
{
    const auto b = ConfigKeys::parseBool(value);
    if (!b)
        return ConfigKeys::boolRule();
    c.*Field = *b;
    return {};
}

template <bool ServerConfig::*Field> QString displayBool(const ServerConfig &c)
{
    return c.*Field ? u"true"_qs : u"false"_qs;
}

// A duration field with its bounds as template arguments (milliseconds).
template <std::chrono::milliseconds ServerConfig::*Field, qint64 Min, qint64 Max>
QString applyDuration(ServerConfig &c, const QString &value, const QString &)
{
    QString rule;
    const auto d = parseDurationIn(value, milliseconds(Min), milliseconds(Max), &rule);
    if (!d)
        return rule;
    c.*Field = *d;
    return {};
}

template <std::chrono::milliseconds ServerConfig::*Field>
QString displayDuration(const ServerConfig &c)
{
    return Units::formatDuration(c.*Field);
}

QList<ConfigKey> buildTable()
{
    using K = ConfigKey;
    return {
        // --- network ---
        {u"listen"_qs, u"HOST:PORT"_qs,
         u"address and port to serve HTTP and WebSocket on; port 0 picks a free port"_qs, K::Plain,
         QString(), &applyListen,
         [](const ServerConfig &c) {
             return ConfigKeys::displayListen(c.listenHost, c.listenPort);
         }},
        {u"allowed-origins"_qs, u"ORIGIN,..."_qs,
         u"browser origins (scheme://host[:port]) allowed to open the stream; empty refuses all"_qs,
         K::Plain, QString(), &applyOrigins,
         [](const ServerConfig &c) { return c.allowedOrigins.join(u','); }},
        {u"handshake-limit"_qs, u"N"_qs, u"handshakes per second per address; 0: no limit"_qs,
         K::Plain, QString(),
         [](ServerConfig &c, const QString &v, const QString &) {
             QString rule;
             const auto n = parseNumber(v, 0, 1e6, &rule);
             if (n)
                 c.handshakeLimit = *n;
             return n ? QString() : rule;
         },
         [](const ServerConfig &c) { return ConfigKeys::formatNumber(c.handshakeLimit); }},
        {u"handshake-burst"_qs, u"N"_qs, u"handshakes an address may make at once"_qs, K::Plain,
         u"2 x handshake-limit"_qs,
         [](ServerConfig &c, const QString &v, const QString &) {
             QString rule;
             const auto n = parseNumber(v, 1, 1e7, &rule);
             if (n)
                 c.handshakeBurst = *n;
             return n ? QString() : rule;
         },
         [](const ServerConfig &c) { return ConfigKeys::formatNumber(c.handshakeBurst); }},
        {u"max-connections"_qs, u"N"_qs, u"WebSocket connections at most"_qs, K::Plain, QString(),
         [](ServerConfig &c, const QString &v, const QString &) {
             QString rule;
             const auto n = parseInteger(v, 1, 1'000'000, &rule);
             if (n)
                 c.maxConnections = int(*n);
             return n ? QString() : rule;
         },
         [](const ServerConfig &c) { return QString::number(c.maxConnections); }},
        {u"viewer-queue-cap"_qs, u"SIZE"_qs,
         u"bytes queued for one viewer before it is served from the store instead"_qs, K::Plain,
         QString(),
         [](ServerConfig &c, const QString &v, const QString &) {
             QString rule;
             const auto n = Units::parseByteSize(v, &rule);
             if (!n)
                 return rule;
             if (*n < (qint64(64) << 10) || *n > (qint64(8) << 20))
                 return u"must be from 64KiB to 8MiB"_qs;
             c.viewerQueueCap = *n;
             return QString();
         },
         [](const ServerConfig &c) { return Units::formatByteSize(c.viewerQueueCap); }},
        {u"heartbeat"_qs, u"DURATION"_qs, u"interval of WebSocket pings"_qs, K::Plain, QString(),
         &applyDuration<&ServerConfig::heartbeat, 1000, 600'000>,
         &displayDuration<&ServerConfig::heartbeat>},
        {u"flush-window"_qs, u"DURATION"_qs,
         u"how long ticks gather into one batch while the store is busy"_qs, K::Plain, QString(),
         &applyDuration<&ServerConfig::flushWindow, 1, 1000>,
         &displayDuration<&ServerConfig::flushWindow>},

        // --- storage ---
        {u"data-dir"_qs, u"DIR"_qs, u"directory for the history database and the key ring"_qs,
         K::Plain, QString(), &applyDataDir, [](const ServerConfig &c) { return c.dataDir; }},
        {u"store"_qs, u"KIND"_qs, u"history store: sqlite, memory or redis"_qs, K::Plain, QString(),
         &applyStore,
         [](const ServerConfig &c) {
             return c.store == StoreKind::Sqlite   ? u"sqlite"_qs
                    : c.store == StoreKind::Memory ? u"memory"_qs
                                                   : u"redis"_qs;
         }},
        {u"redis-url"_qs, u"URL"_qs,
         u"redis://[[user]:password@]host[:port][/db] for store redis"_qs, K::Url, QString(),
         &applyRedisUrl, &displayRedisUrl},
        {u"retention-ticks"_qs, u"N"_qs, u"ticks kept per symbol; 0: unlimited"_qs, K::Plain,
         QString(), &applyRetentionTicks,
         [](const ServerConfig &c) { return QString::number(c.retentionTicks); }},
        {u"retention-age"_qs, u"DURATION"_qs, u"age after which ticks are dropped; 0: unlimited"_qs,
         K::Plain, QString(), &applyRetentionAge,
         [](const ServerConfig &c) { return Units::formatDuration(c.retentionAge); }},
        {u"trim-interval"_qs, u"DURATION"_qs, u"how often retention is enforced"_qs, K::Plain,
         QString(), &applyTrimInterval,
         [](const ServerConfig &c) { return Units::formatDuration(c.trimInterval); }},

        // --- feed ---
        {u"feed"_qs, u"SOURCE"_qs, u"tick source: synthetic, none, or ws[s]://host:port/path"_qs,
         K::Url, QString(), &applyFeed, &displayFeed},
        {u"feed-token"_qs, u"TOKEN"_qs, u"token the relay feed presents upstream"_qs, K::Secret,
         QString(),
         [](ServerConfig &c, const QString &v, const QString &) {
             c.feedToken = v;
             return QString();
         },
         [](const ServerConfig &c) { return secretDisplay(!c.feedToken.isEmpty()); }},
        {u"symbols"_qs, u"SYMBOL,..."_qs, u"symbols of the synthetic feed (1 to 1024)"_qs, K::Plain,
         u"20 sample symbols, see --print-config"_qs, &applySymbols,
         [](const ServerConfig &c) { return c.symbols.join(u','); }},
        {u"rate"_qs, u"N"_qs, u"synthetic ticks per second across all symbols"_qs, K::Plain,
         QString(),
         [](ServerConfig &c, const QString &v, const QString &) {
             QString rule;
             const auto n = parseInteger(v, 0, 5'000'000, &rule);
             if (n)
                 c.rate = int(*n);
             return n ? QString() : rule;
         },
         [](const ServerConfig &c) { return QString::number(c.rate); }},
        {u"seed"_qs, u"N"_qs, u"seed of the synthetic feed; 0: random"_qs, K::Plain, QString(),
         &applySeed, [](const ServerConfig &c) { return QString::number(c.seed); }},

        // --- auth ---
        {u"jwt-secret"_qs, u"SECRET"_qs,
         u"current token signing key (at least 32 bytes); unset: the key ring's own"_qs, K::Secret,
         QString(), &applyJwtSecret,
         [](const ServerConfig &c) { return secretDisplay(!c.jwtSecret.isEmpty()); }},
        {u"token-leeway"_qs, u"SECONDS"_qs, u"clock leeway for exp, nbf and iat (0 to 30)"_qs,
         K::Plain, QString(), &applyTokenLeeway,
         [](const ServerConfig &c) { return QString::number(c.tokenLeeway.count()); }},
        {u"insecure"_qs, QString(), u"no authentication; development only, loopback only"_qs,
         K::Boolean, QString(), &applyBool<&ServerConfig::insecure>,
         &displayBool<&ServerConfig::insecure>},

        // --- process ---
        {u"log-level"_qs, u"LEVEL"_qs, u"debug, info, warning or error"_qs, K::Plain, QString(),
         &applyLogLevel, &displayLogLevel},
        {u"config"_qs, u"FILE"_qs, u"settings file to read"_qs, K::NotInFile, QString(),
         [](ServerConfig &c, const QString &v, const QString &baseDir) {
             if (v.trimmed().isEmpty())
                 return u"must be a file path"_qs;
             c.configFile = ConfigKeys::resolvePath(v, baseDir);
             return QString();
         },
         [](const ServerConfig &c) { return c.configFile; }},

        // --- modes ---
        {u"headless"_qs, QString(), u"run the server without the desktop window"_qs, K::Boolean,
         QString(), &applyBool<&ServerConfig::headless>, &displayBool<&ServerConfig::headless>},
        {u"connect"_qs, u"URL"_qs, u"viewer mode: watch the server at ws[s]://host:port"_qs, K::Url,
         QString(), &applyConnect,
         [](const ServerConfig &c) { return c.connectUrl.toString(QUrl::FullyEncoded); }},
        {u"token"_qs, u"TOKEN"_qs, u"viewer mode: the token to present"_qs, K::Secret, QString(),
         [](ServerConfig &c, const QString &v, const QString &) {
             c.token = v;
             return QString();
         },
         [](const ServerConfig &c) { return secretDisplay(!c.token.isEmpty()); }},
    };
}

bool isTierName(QStringView name)
{
    static const QRegularExpression rule(u"^[a-z0-9][a-z0-9_]{0,31}$"_qs);
    return rule.match(name.toString()).hasMatch();
}

const QString tierNameRule =
    u"tier names are 1-32 of a-z, 0-9 and _, starting with a letter or digit"_qs;

int editDistance(QStringView a, QStringView b)
{
    std::vector<int> row(size_t(b.size()) + 1);
    for (size_t j = 0; j < row.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (size_t j = 1; j < row.size(); ++j) {
            const int above = row[j];
            row[j] = std::min(
                {row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[qsizetype(j) - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row.back();
}

} // namespace

const QList<ConfigKey> &ConfigKeys::all()
{
    static const QList<ConfigKey> table = buildTable();
    return table;
}

const ConfigKey *ConfigKeys::find(QStringView name)
{
    for (const ConfigKey &key : all()) {
        if (key.name == name)
            return &key;
    }
    return nullptr;
}

QString ConfigKeys::envName(QStringView key)
{
    QString name = u"TICKSCOPE_"_qs + key.toString().toUpper();
    name.replace(u'-', u'_').replace(u'.', u'_');
    return name;
}

QStringList ConfigKeys::tierFields()
{
    return {u"commands-per-second"_qs, u"commands-burst"_qs, u"http-per-second"_qs,
            u"http-burst"_qs};
}

std::optional<ConfigKeys::TierKey> ConfigKeys::parseTierKey(QStringView key, QString *rule)
{
    // tier.<name>.<field>; the field has no dots, so the name is everything between.
    const qsizetype lastDot = key.lastIndexOf(u'.');
    if (!key.startsWith(u"tier.") || lastDot <= 5) {
        *rule = u"tier settings are tier.<name>.<field> with field one of "_qs +
                tierFields().join(u", "_qs);
        return std::nullopt;
    }
    TierKey tierKey{key.mid(5, lastDot - 5).toString(), key.mid(lastDot + 1).toString()};
    if (!tierFields().contains(tierKey.field)) {
        *rule = u"tier field must be one of "_qs + tierFields().join(u", "_qs);
        return std::nullopt;
    }
    if (!isTierName(tierKey.tier)) {
        *rule = tierNameRule;
        return std::nullopt;
    }
    return tierKey;
}

std::optional<ConfigKeys::TierKey> ConfigKeys::parseTierEnv(QStringView name, QString *rule)
{
    const QString prefix = u"TICKSCOPE_TIER_"_qs;
    for (const QString &field : tierFields()) {
        const QString suffix = envName(field).mid(9); // "_COMMANDS_PER_SECOND"
        if (name.startsWith(prefix) && name.endsWith(suffix) &&
            name.size() > prefix.size() + suffix.size()) {
            const QString tier =
                name.mid(prefix.size(), name.size() - prefix.size() - suffix.size()).toString();
            if (!isTierName(tier.toLower()) || tier != tier.toUpper()) {
                *rule = tierNameRule;
                return std::nullopt;
            }
            return TierKey{tier.toLower(), field};
        }
    }
    *rule = u"expected TICKSCOPE_TIER_<NAME>_<FIELD> with FIELD one of COMMANDS_PER_SECOND, "
            "COMMANDS_BURST, HTTP_PER_SECOND, HTTP_BURST"_qs;
    return std::nullopt;
}

double ConfigKeys::tierField(const TierLimits &limits, const QString &field)
{
    if (field == u"commands-per-second")
        return limits.commandsPerSecond;
    if (field == u"commands-burst")
        return limits.commandsBurst;
    if (field == u"http-per-second")
        return limits.httpPerSecond;
    return limits.httpBurst;
}

void ConfigKeys::setTierField(TierLimits &limits, const QString &field, double value)
{
    if (field == u"commands-per-second")
        limits.commandsPerSecond = value;
    else if (field == u"commands-burst")
        limits.commandsBurst = value;
    else if (field == u"http-per-second")
        limits.httpPerSecond = value;
    else
        limits.httpBurst = value;
}

QString ConfigKeys::applyTier(ServerConfig &config, const TierKey &key, const QString &value)
{
    if (key.tier == TierLimits::UnlimitedTier)
        return u"the unlimited tier has no limits and cannot be configured"_qs;
    const bool burst = key.field.endsWith(u"-burst"_qs);
    QString rule;
    const auto n =
        burst ? parseNumber(value, 1, 1e7, &rule) : parseNumber(value, 0.001, 1e6, &rule);
    if (!n)
        return rule;
    setTierField(config.tiers[key.tier], key.field, *n);
    return {};
}

QString ConfigKeys::redacted(const ConfigKey *key, const QString &value, bool *hidden)
{
    *hidden = false;
    if (key && key->is(ConfigKey::Secret)) {
        *hidden = true;
        return secretShown;
    }
    if (key && key->is(ConfigKey::Url)) {
        // Cut everything up to the last '@' after the scheme: a password that is not
        // percent-encoded may hold '/', so the authority's end cannot be trusted.
        const qsizetype schemeEnd = value.indexOf(u"://");
        const qsizetype start = schemeEnd < 0 ? 0 : schemeEnd + 3;
        const qsizetype at = value.lastIndexOf(u'@');
        if (at >= start) {
            QString out = value;
            out.replace(start, at - start, secretShown);
            return out;
        }
    }
    return value;
}

std::optional<bool> ConfigKeys::parseBool(const QString &value)
{
    const QString text = value.trimmed().toLower();
    if (text == u"true" || text == u"1" || text == u"yes" || text == u"on")
        return true;
    if (text == u"false" || text == u"0" || text == u"no" || text == u"off")
        return false;
    return std::nullopt;
}

QString ConfigKeys::boolRule()
{
    return u"must be true or false (also 1/0, yes/no, on/off)"_qs;
}

QString ConfigKeys::formatNumber(double value)
{
    if (value == std::floor(value) && std::abs(value) < 1e15)
        return QString::number(qint64(value));
    return QString::number(value, 'g', 15);
}

QString ConfigKeys::displayListen(const QString &host, quint16 port)
{
    const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
    return shownHost + u':' + QString::number(port);
}

QString ConfigKeys::resolvePath(const QString &path, const QString &baseDir)
{
    QString text = path.trimmed();
    if (text == u"~" || text.startsWith(u"~/"))
        text = QDir::homePath() + text.mid(1);
    return QDir::cleanPath(QDir(baseDir).absoluteFilePath(text));
}

QString ConfigKeys::suggest(QStringView unknown, const QStringList &candidates)
{
    const int allowed = unknown.size() <= 4 ? 1 : unknown.size() <= 10 ? 2 : 3;
    QString best;
    int bestDistance = allowed + 1;
    for (const QString &candidate : candidates) {
        // The distance is at least the difference in length: a long typo (or a pasted
        // line) costs nothing instead of a full table against every name.
        if (std::abs(candidate.size() - unknown.size()) >= bestDistance)
            continue;
        const int distance = editDistance(unknown, candidate);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return best;
}

} // namespace tickscope
