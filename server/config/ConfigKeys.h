#pragma once

#include "config/ServerConfig.h"

#include <QList>
#include <QString>
#include <QStringView>
#include <optional>

namespace tickscope {

// One settings key: its flag is --<name>, its environment variable envName(name), its file key
// <name>. apply() validates a raw value and stores it, returning the broken rule or an empty
// string; display() renders the effective value for --print-config, secrets redacted.
struct ConfigKey
{
    enum Flag
    {
        Plain = 0,
        Secret = 1,
        Boolean = 2,
        NotInFile = 4,
        Url = 8
    };

    QString name;
    QString placeholder; // for --help, e.g. "HOST:PORT"
    QString help;
    int flags = Plain;
    QString helpDefault; // shown by --help instead of the displayed default, when set
    QString (*apply)(ServerConfig &config, const QString &value, const QString &baseDir) = nullptr;
    QString (*display)(const ServerConfig &config) = nullptr;

    bool is(Flag flag) const { return (flags & flag) != 0; }
};

// The table of settings keys (internal to the config module) and the dynamic tier keys
// `tier.<name>.<field>`.
class ConfigKeys
{
public:
    static const QList<ConfigKey> &all();
    static const ConfigKey *find(QStringView name);

    // "data-dir" -> "TICKSCOPE_DATA_DIR", "tier.default.http-burst" ->
    // "TICKSCOPE_TIER_DEFAULT_HTTP_BURST".
    static QString envName(QStringView key);

    struct TierKey
    {
        QString tier;
        QString field; // one of tierFields()
        QString key() const { return u"tier."_qs + tier + u'.' + field; }
    };
    static QStringList tierFields();
    static bool looksLikeTierKey(QStringView key) { return key.startsWith(u"tier."); }
    // Parses "tier.<name>.<field>"; on failure returns nullopt and the rule in `rule`.
    static std::optional<TierKey> parseTierKey(QStringView key, QString *rule);
    // Parses "TICKSCOPE_TIER_<NAME>_<FIELD>"; tier names hold no '-' or '.', so this is exact.
    static std::optional<TierKey> parseTierEnv(QStringView name, QString *rule);
    static QString applyTier(ServerConfig &config, const TierKey &key, const QString &value);
    static double tierField(const TierLimits &limits, const QString &field);
    static void setTierField(TierLimits &limits, const QString &field, double value);

    // The value as an error message may show it: secrets become "<redacted>", credentials in
    // URLs are cut out. Returns whether anything was hidden.
    static QString redacted(const ConfigKey *key, const QString &value, bool *hidden);

    static std::optional<bool> parseBool(const QString &value);
    static QString boolRule();
    static QString formatNumber(double value);
    static QString displayListen(const QString &host, quint16 port);
    static QString resolvePath(const QString &path, const QString &baseDir);

    // The closest candidate within a small edit distance, or an empty string.
    static QString suggest(QStringView unknown, const QStringList &candidates);
};

} // namespace tickscope
