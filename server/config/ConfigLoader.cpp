#include "ConfigLoader.h"

#include "config/ConfigKeys.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace tickscope {

namespace {

// One raw value from one source, kept with how the user spelled its name for messages.
struct Assignment
{
    QString key;
    QString value;
    ConfigSource source;
    QString origin;  // "--listen", "TICKSCOPE_LISTEN" or "listen"
    QString file;    // the settings file, for file values
    QString baseDir; // relative paths resolve against this
};

const QString flagPrefix = u"--"_qs;
const QString envPrefix = u"TICKSCOPE_"_qs;
constexpr int HelpIndent = 32;
constexpr int HelpWidth = 100;

// Word-wraps text to HelpWidth columns; continuation lines are indented by `indent`.
QString wrap(const QString &text, int indent)
{
    QString out;
    qsizetype column = indent;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (column > indent && column + 1 + word.size() > HelpWidth) {
            out += u'\n' + QString(indent, u' ');
            column = indent;
        } else if (column > indent) {
            out += u' ';
            ++column;
        }
        out += word;
        column += word.size();
    }
    return out;
}

QStringList flagNames(const ConfigLoader::Options &options)
{
    QStringList names;
    for (const ConfigKey &key : ConfigKeys::all())
        names.append(flagPrefix + key.name);
    for (const QString &field : ConfigKeys::tierFields())
        names.append(u"--tier.default."_qs + field);
    names << u"--print-config"_qs << u"--help"_qs << u"--version"_qs;
    for (const QString &extra : options.extraOptions)
        names.append(flagPrefix + extra);
    return names;
}

ConfigError invalid(const Assignment &a, const QString &rule)
{
    bool hidden = false;
    const QString shown = ConfigKeys::redacted(ConfigKeys::find(a.key), a.value, &hidden);
    return ConfigError::invalidValue(a.key, a.origin, a.file, shown, rule, hidden);
}

class Loader
{
public:
    Loader(const QStringList &arguments, const QProcessEnvironment &environment,
           const ConfigLoader::Options &options)
        : m_arguments(arguments), m_environment(environment), m_options(options)
    {}

    ConfigLoader::Result run()
    {
        ServerConfig &config = m_result.config;
        config.dataDir = m_options.defaultDataDir.value_or(ConfigLoader::defaultDataDir());
        for (const QString &argument : m_arguments) {
            if (argument == u"--help" || argument == u"-h")
                config.help = true;
            else if (argument == u"--version")
                config.version = true;
        }
        if (config.help || config.version)
            return m_result;

        if (!parseFlags() || !readEnvironment() || !findSettingsFile() || !readSettingsFile())
            return m_result;
        for (const QList<Assignment> *layer : {&m_file, &m_env, &m_flags}) {
            for (const Assignment &assignment : *layer) {
                if (!apply(assignment))
                    return m_result;
            }
        }
        finish();
        return m_result;
    }

private:
    bool fail(ConfigError error)
    {
        m_result.error = std::move(error);
        return false;
    }

    bool parseFlags()
    {
        const QString cwd = QDir::currentPath();
        QString bareBoolean; // a boolean flag just before, for the hint on `--insecure false`
        for (qsizetype i = 0; i < m_arguments.size(); ++i) {
            const QString &argument = m_arguments[i];
            if (!argument.startsWith(flagPrefix) || argument == flagPrefix) {
                if (argument.startsWith(u'-') && argument != flagPrefix)
                    return fail(ConfigError::unknownOption(argument, suggestFlag(argument)));
                return fail(ConfigError::unexpectedArgument(argument, bareBoolean));
            }
            bareBoolean.clear();
            const qsizetype equals = argument.indexOf(u'=');
            const QString name = argument.mid(2, equals < 0 ? -1 : equals - 2);
            const bool inlineValue = equals >= 0;
            QString value = inlineValue ? argument.mid(equals + 1) : QString();
            const QString flag = flagPrefix + name;

            const ConfigKey *key = ConfigKeys::find(name);
            const bool boolean = name == u"print-config" || (key && key->is(ConfigKey::Boolean));
            if (!key && !ConfigKeys::looksLikeTierKey(name) && name != u"print-config" &&
                !m_options.extraOptions.contains(name)) {
                return fail(ConfigError::unknownOption(flag, suggestFlag(flag)));
            }
            if (boolean) {
                if (!inlineValue) {
                    value = u"true"_qs;
                    bareBoolean = flag;
                }
            } else if (!inlineValue) {
                if (i + 1 >= m_arguments.size() || m_arguments[i + 1].startsWith(flagPrefix))
                    return fail(ConfigError::missingValue(flag));
                value = m_arguments[++i];
            }

            if (m_options.extraOptions.contains(name) && !key) {
                m_result.extra.insert(name, value);
                continue;
            }
            if (name == u"print-config") {
                const auto on = ConfigKeys::parseBool(value);
                if (!on) {
                    return fail(ConfigError::invalidValue(name, flag, QString(), value,
                                                          ConfigKeys::boolRule()));
                }
                m_result.config.printConfig = *on;
                continue;
            }
            m_flags.append({name, value, ConfigSource::Flag, flag, QString(), cwd});
        }
        return true;
    }

    QString suggestFlag(const QString &flag) const
    {
        const QString bare = flag.section(u'=', 0, 0);
        return ConfigKeys::suggest(bare, flagNames(m_options));
    }

    bool readEnvironment()
    {
        const QString cwd = QDir::currentPath();
        QStringList knownNames;
        for (const ConfigKey &key : ConfigKeys::all()) {
            const QString name = ConfigKeys::envName(key.name);
            knownNames.append(name);
            if (m_environment.contains(name)) {
                m_env.append(
                    {key.name, m_environment.value(name), ConfigSource::Env, name, QString(), cwd});
            }
        }
        QStringList names = m_environment.keys();
        names.sort();
        for (const QString &name : names) {
            if (!name.startsWith(envPrefix) || knownNames.contains(name))
                continue;
            if (name.startsWith(u"TICKSCOPE_TIER_")) {
                QString rule;
                const auto tierKey = ConfigKeys::parseTierEnv(name, &rule);
                if (!tierKey)
                    return fail(ConfigError::unknownVariable(name, rule));
                m_env.append({tierKey->key(), m_environment.value(name), ConfigSource::Env, name,
                              QString(), cwd});
                continue;
            }
            // Other TICKSCOPE_ variables may belong to tools and tests; a near miss is a typo.
            // Compare without the common prefix, which would make every name look close.
            QStringList knownSuffixes;
            for (const QString &known : knownNames)
                knownSuffixes.append(known.mid(envPrefix.size()));
            const QString guess = ConfigKeys::suggest(name.mid(envPrefix.size()), knownSuffixes);
            if (!guess.isEmpty()) {
                m_result.warnings.append(u"tickscope: warning: ignoring environment variable "_qs +
                                         name + u" (did you mean "_qs + envPrefix + guess +
                                         u"?)"_qs);
            }
        }
        return true;
    }

    bool findSettingsFile()
    {
        // The flag wins over the environment; both must name a file that exists.
        const Assignment *named = nullptr;
        for (const QList<Assignment> *layer : {&m_env, &m_flags}) {
            for (const Assignment &a : *layer) {
                if (a.key == u"config")
                    named = &a;
            }
        }
        if (named) {
            if (named->value.trimmed().isEmpty())
                return fail(invalid(*named, u"must be a file path"_qs));
            m_settingsFile = ConfigKeys::resolvePath(named->value, named->baseDir);
            const QFileInfo info(m_settingsFile);
            if (!info.exists())
                return fail(ConfigError::settingsFile(m_settingsFile, u"no such file"_qs));
            if (!info.isFile() || !info.isReadable())
                return fail(ConfigError::settingsFile(m_settingsFile, u"not a readable file"_qs));
            return true;
        }
        const QString fallback =
            m_options.defaultConfigFile.value_or(ConfigLoader::defaultConfigFile());
        if (!fallback.isEmpty() && QFileInfo(fallback).isFile()) {
            m_settingsFile = QFileInfo(fallback).absoluteFilePath();
            m_result.config.configFile = m_settingsFile;
            if (!QFileInfo(fallback).isReadable())
                return fail(ConfigError::settingsFile(m_settingsFile, u"not a readable file"_qs));
        }
        return true;
    }

    bool readSettingsFile()
    {
        if (m_settingsFile.isEmpty())
            return true;
        const QSettings settings(m_settingsFile, QSettings::IniFormat);
        if (settings.status() != QSettings::NoError) {
            return fail(ConfigError::settingsFile(m_settingsFile,
                                                  settings.status() == QSettings::AccessError
                                                      ? u"cannot be read"_qs
                                                      : u"is not a valid INI file"_qs));
        }
        const QString baseDir = QFileInfo(m_settingsFile).absolutePath();
        QStringList allKeys = settings.allKeys();
        allKeys.sort();
        QStringList known;
        for (const ConfigKey &key : ConfigKeys::all())
            known.append(key.name);
        for (const QString &rawKey : allKeys) {
            // A key in section [S] is the setting S.key, so [tier.gold] groups a tier.
            QString key = rawKey;
            key.replace(u'/', u'.');
            const QVariant raw = settings.value(rawKey);
            // QSettings reads an unquoted a,b as a list; a quoted "a,b" as a string.
            const QString value = raw.userType() == QMetaType::QStringList
                                      ? raw.toStringList().join(u',')
                                      : raw.toString();
            const ConfigKey *spec = ConfigKeys::find(key);
            if (!spec && !ConfigKeys::looksLikeTierKey(key))
                return fail(ConfigError::unknownSetting(key, m_settingsFile,
                                                        ConfigKeys::suggest(key, known)));
            Assignment a{key, value, ConfigSource::File, key, m_settingsFile, baseDir};
            if (spec && spec->is(ConfigKey::NotInFile)) {
                return fail(invalid(
                    a, u"cannot be set in the settings file; use --config or TICKSCOPE_CONFIG"_qs));
            }
            m_file.append(a);
        }
        return true;
    }

    bool apply(const Assignment &a)
    {
        QString rule;
        if (const ConfigKey *key = ConfigKeys::find(a.key)) {
            rule = key->apply(m_result.config, a.value, a.baseDir);
        } else {
            const auto tierKey = ConfigKeys::parseTierKey(a.key, &rule);
            if (tierKey)
                rule = ConfigKeys::applyTier(m_result.config, *tierKey, a.value);
        }
        if (!rule.isEmpty())
            return fail(invalid(a, rule));
        m_result.config.sources.insert(a.key, a.source);
        m_winner.insert(a.key, a);
        return true;
    }

    void deriveTiers()
    {
        ServerConfig &c = m_result.config;
        const QHash<QString, TierLimits> builtIn = TierLimits::builtIn();
        QStringList names = c.tiers.keys();
        // `default` first: new tiers inherit what it ends up with.
        names.removeAll(QString(TierLimits::DefaultTier));
        names.prepend(QString(TierLimits::DefaultTier));
        const QStringList fields = ConfigKeys::tierFields();
        for (const QString &name : names) {
            TierLimits &tier = c.tiers[name];
            if (tier.unlimited)
                continue;
            const auto base = builtIn.constFind(name);
            const TierLimits fallback = base != builtIn.constEnd()
                                            ? *base
                                            : c.tiers.value(QString(TierLimits::DefaultTier));
            for (qsizetype i = 0; i < fields.size(); i += 2) {
                const QString rateKey = ConfigKeys::TierKey{name, fields[i]}.key();
                const QString burstKey = ConfigKeys::TierKey{name, fields[i + 1]}.key();
                const bool rateSet = c.sources.contains(rateKey);
                if (!rateSet)
                    ConfigKeys::setTierField(tier, fields[i],
                                             ConfigKeys::tierField(fallback, fields[i]));
                if (!c.sources.contains(burstKey)) {
                    // A burst left open follows its rate: two seconds' worth, at least 1.
                    const double burst =
                        rateSet ? std::max(1.0, 2 * ConfigKeys::tierField(tier, fields[i]))
                                : ConfigKeys::tierField(fallback, fields[i + 1]);
                    ConfigKeys::setTierField(tier, fields[i + 1], burst);
                }
            }
        }
    }

    void finish()
    {
        ServerConfig &c = m_result.config;
        if (!c.sources.contains(u"handshake-burst"_qs))
            c.handshakeBurst = std::max(1.0, 2 * c.handshakeLimit);
        deriveTiers();

        if (c.insecure) {
            if (!c.listenAddress.isLoopback()) {
                const Assignment a = m_winner.value(u"insecure"_qs);
                fail(invalid(a, u"insecure mode binds to loopback only (listen is "_qs +
                                    ConfigKeys::displayListen(c.listenHost, c.listenPort) +
                                    u"); use --listen 127.0.0.1:PORT"_qs));
                return;
            }
            m_result.warnings.append(u"tickscope: warning: insecure mode: authentication is off; "
                                     "for development only"_qs);
        }
    }

    const QStringList &m_arguments;
    const QProcessEnvironment &m_environment;
    const ConfigLoader::Options &m_options;
    ConfigLoader::Result m_result;
    QList<Assignment> m_flags;
    QList<Assignment> m_env;
    QList<Assignment> m_file;
    QHash<QString, Assignment> m_winner;
    QString m_settingsFile;
};

} // namespace

ConfigLoader::Result ConfigLoader::load(const QStringList &arguments,
                                        const QProcessEnvironment &environment,
                                        const Options &options)
{
    return Loader(arguments, environment, options).run();
}

QString ConfigLoader::defaultConfigFile()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
    return dir.isEmpty() ? QString() : dir + u"/tickscope.ini"_qs;
}

QString ConfigLoader::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString ConfigLoader::helpText(const Options &options)
{
    ServerConfig defaults;
    defaults.dataDir = options.defaultDataDir.value_or(defaultDataDir());
    const QList<ConfigEntry> entries = defaults.entries();

    QString out = u"Options:\n"_qs;
    auto line = [&out](const QString &left, const QString &right) {
        const QString head = u"  "_qs + left;
        out += head.size() >= HelpIndent ? head + u"\n"_qs + QString(HelpIndent, u' ')
                                         : head.leftJustified(HelpIndent);
        out += wrap(right, HelpIndent) + u'\n';
    };
    for (const ConfigKey &key : ConfigKeys::all()) {
        QString left = flagPrefix + key.name;
        if (!key.placeholder.isEmpty())
            left += u' ' + key.placeholder;
        QString right = key.help;
        const QString shown = key.helpDefault.isEmpty() ? key.display(defaults) : key.helpDefault;
        if (!key.is(ConfigKey::Boolean) && !key.is(ConfigKey::Secret) && !shown.isEmpty())
            right += u" [default: "_qs + shown + u']';
        line(left, right);
    }
    line(u"--tier.NAME.FIELD N"_qs,
         u"rate-limit tier sizes; FIELD: commands-per-second, commands-burst, http-per-second, "
         "http-burst. Built in: default 50/100/20/40, producer 1000/2000/20/40; `unlimited` "
         "has no limits and cannot be set"_qs);
    line(u"--print-config"_qs, u"print the effective settings with their sources and exit"_qs);
    line(u"--help, -h"_qs, u"print this help and exit"_qs);
    line(u"--version"_qs, u"print the version and exit"_qs);
    const QString fallbackFile = options.defaultConfigFile.value_or(defaultConfigFile());
    const QString footer =
        u"Every option is also read from the environment as TICKSCOPE_<NAME> (upper case, "
        "'-' and '.' as '_', e.g. TICKSCOPE_DATA_DIR) and from the settings file as "
        "<name> = value (INI; --config FILE or TICKSCOPE_CONFIG"_qs +
        (fallbackFile.isEmpty() ? QString() : u", else "_qs + fallbackFile + u" if it exists"_qs) +
        u"). Flags win over the environment, the environment over the file, "
        "the file over the defaults. Durations: 500ms, 30s, 5m, 1h, 7d (plain number: "
        "seconds); sizes: 64KiB, 8MiB (plain number: bytes)."_qs;
    out += u'\n' + wrap(footer, 0) + u'\n';
    return out;
}

} // namespace tickscope
