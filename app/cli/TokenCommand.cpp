#include "TokenCommand.h"

#include "auth/JwtSigner.h"
#include "auth/KeyRingFile.h"
#include "config/ConfigLoader.h"
#include "config/Units.h"
#include "core/Symbol.h"

#include <QDateTime>
#include <QDir>
#include <QTextStream>

namespace tickscope {

namespace {

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

// Loads the server configuration (data dir, secret) with the command's own options.
std::optional<ConfigLoader::Result> loadConfig(const QStringList &arguments,
                                               const QSet<QString> &extra)
{
    ConfigLoader::Options options;
    options.extraOptions = extra;
    auto result = ConfigLoader::load(arguments, QProcessEnvironment::systemEnvironment(), options);
    if (!result.ok()) {
        err() << result.error->message() << Qt::endl;
        return std::nullopt;
    }
    return result;
}

std::optional<KeyRing> serverKeys(const ServerConfig &config, qint64 now)
{
    QString error;
    QString warning;
    QDir().mkpath(config.dataDir);
    const QString path = QDir(config.dataDir).filePath(KeyRingFile::defaultFileName());
    auto ring = KeyRingFile::loadOrCreate(path, now, &error, &warning);
    if (!ring) {
        err() << "tickscope: " << error << Qt::endl;
        return std::nullopt;
    }
    if (!config.jwtSecret.isEmpty())
        ring->setEnvironmentSecret(config.jwtSecret);
    return ring;
}

// Removes `--name VALUE` / `--name=VALUE` from `arguments` and returns the last value.
// *missing is set when the flag has no value.
std::optional<QString> takeOption(QStringList &arguments, const QString &name, bool *missing)
{
    std::optional<QString> value;
    const QString flag = u"--"_qs + name;
    for (qsizetype i = 0; i < arguments.size();) {
        if (arguments[i].startsWith(flag + u'=')) {
            value = arguments[i].mid(flag.size() + 1);
            arguments.removeAt(i);
        } else if (arguments[i] == flag) {
            if (i + 1 >= arguments.size() || arguments[i + 1].startsWith(u"--"_qs)) {
                *missing = true;
                arguments.removeAt(i);
                continue;
            }
            value = arguments[i + 1];
            arguments.remove(i, 2);
        } else {
            ++i;
        }
    }
    return value;
}

} // namespace

int TokenCommand::run(const QStringList &arguments)
{
    // arguments: program, "token", options...
    // `--symbols` is also a server setting (the synthetic feed's symbols), which the config
    // loader would take for itself, leaving the token without its symbols claim.
    QStringList options = arguments.mid(2);
    bool symbolsMissing = false;
    const std::optional<QString> symbolsOption =
        takeOption(options, u"symbols"_qs, &symbolsMissing);
    if (symbolsMissing) {
        err() << "tickscope token: --symbols needs a value: A,B or a prefix like BTC-*"
              << Qt::endl;
        return 2;
    }
    auto loaded = loadConfig(options, {u"sub"_qs, u"scope"_qs, u"ttl"_qs, u"tier"_qs});
    if (!loaded)
        return 2;
    if (symbolsOption)
        loaded->extra.insert(u"symbols"_qs, *symbolsOption);
    const ServerConfig &config = loaded->config;
    const auto option = [&](const QString &name) { return loaded->extra.value(name); };

    Claims claims;
    claims.sub = option(u"sub"_qs);
    if (claims.sub.isEmpty()) {
        err() << "tickscope token: --sub NAME is required (who the token is for)" << Qt::endl;
        return 2;
    }
    if (loaded->extra.contains(u"scope"_qs)) {
        QString error;
        const auto scopes = Claims::parseScopes(option(u"scope"_qs), &error);
        if (!scopes) {
            err() << "tickscope token: invalid --scope: " << error << Qt::endl;
            return 2;
        }
        claims.scopes = *scopes;
    }
    qint64 ttlSeconds = 3600;
    if (loaded->extra.contains(u"ttl"_qs)) {
        QString rule;
        const auto ttl = Units::parseDuration(option(u"ttl"_qs), &rule);
        if (!ttl || ttl->count() < 1000) {
            err() << "tickscope token: invalid --ttl \"" << option(u"ttl"_qs)
                  << "\": must be a duration of at least 1s, like 30m, 1h or 7d" << Qt::endl;
            return 2;
        }
        ttlSeconds = ttl->count() / 1000;
    }
    if (loaded->extra.contains(u"symbols"_qs)) {
        QStringList symbols = option(u"symbols"_qs).split(u',', Qt::SkipEmptyParts);
        for (QString &symbol : symbols) {
            symbol = symbol.trimmed();
            if (!Claims::isValidSymbolPattern(symbol)) {
                err() << "tickscope token: invalid symbol pattern \"" << symbol
                      << "\" in --symbols: a symbol, or a prefix ending in *" << Qt::endl;
                return 2;
            }
        }
        claims.symbols = symbols;
    }
    if (loaded->extra.contains(u"tier"_qs)) {
        claims.tier = option(u"tier"_qs);
        if (!config.tiers.contains(claims.tier)) {
            err() << "tickscope token: unknown --tier \"" << claims.tier << "\": known tiers are "
                  << QStringList(config.tiers.keys()).join(u", "_qs) << Qt::endl;
            return 2;
        }
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    claims.iat = now;
    claims.exp = now + ttlSeconds;
    const auto ring = serverKeys(config, now);
    if (!ring)
        return 1;
    const auto key = ring->current(now);
    if (!key) {
        err() << "tickscope token: no current signing key" << Qt::endl;
        return 1;
    }
    QTextStream(stdout) << JwtSigner::sign(claims, *key) << Qt::endl;
    return 0;
}

int KeysCommand::run(const QStringList &arguments)
{
    const QString action = arguments.size() > 2 ? arguments.at(2) : QString();
    if (action != u"rotate" && action != u"list") {
        err() << "usage: tickscope keys rotate [--grace 24h] | tickscope keys list" << Qt::endl;
        return 2;
    }
    const auto loaded = loadConfig(arguments.mid(3), {u"grace"_qs});
    if (!loaded)
        return 2;
    const ServerConfig &config = loaded->config;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString path = QDir(config.dataDir).filePath(KeyRingFile::defaultFileName());
    QTextStream out(stdout);
    if (action == u"list") {
        const auto ring = serverKeys(config, now);
        if (!ring)
            return 1;
        for (const SigningKey &key : ring->keys()) {
            out << key.kid << "  created "
                << QDateTime::fromSecsSinceEpoch(key.createdAt).toUTC().toString(Qt::ISODate)
                << (key.retiresAt ? u"  retires "_qs +
                                        QDateTime::fromSecsSinceEpoch(key.retiresAt)
                                            .toUTC()
                                            .toString(Qt::ISODate)
                                  : QString())
                << Qt::endl;
        }
        return 0;
    }
    qint64 graceSeconds = qint64{24} * 3600;
    if (loaded->extra.contains(u"grace"_qs)) {
        const auto grace = Units::parseDuration(loaded->extra.value(u"grace"_qs));
        if (!grace) {
            err() << "tickscope keys rotate: invalid --grace: " << Units::durationRule()
                  << Qt::endl;
            return 2;
        }
        graceSeconds = grace->count() / 1000;
    }
    QDir().mkpath(config.dataDir);
    QString error;
    const auto key = KeyRingFile::rotate(path, graceSeconds, now, &error);
    if (!key) {
        err() << "tickscope keys rotate: " << error << Qt::endl;
        return 1;
    }
    out << "new signing key " << key->kid << " in " << path
        << "; older keys verify for another " << Units::formatDuration(std::chrono::seconds(graceSeconds))
        << Qt::endl;
    return 0;
}

} // namespace tickscope
