#include "ConfigError.h"

#include <algorithm>

namespace tickscope {

namespace {
const QString prefix = u"tickscope: "_qs;

QString didYouMean(const QString &suggestion)
{
    return suggestion.isEmpty() ? QString() : u" (did you mean "_qs + suggestion + u"?)"_qs;
}
} // namespace

ConfigError::ConfigError(QString key, QString value, QString rule, QString message)
    : m_key(std::move(key)), m_value(std::move(value)), m_rule(std::move(rule)),
      m_message(std::move(message))
{}

QString ConfigError::quote(const QString &value)
{
    constexpr qsizetype MaxShown = 200;
    QString out;
    out.reserve(std::min(value.size(), MaxShown) + 8);
    out += u'"';
    for (const QChar c : value.left(MaxShown)) {
        if (c == u'"' || c == u'\\') {
            out += u'\\';
            out += c;
        } else if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            out += u"\\x"_qs + QString::number(c.unicode(), 16).rightJustified(2, u'0');
        } else {
            out += c;
        }
    }
    out += u'"';
    if (value.size() > MaxShown)
        out += u"..."_qs;
    return out;
}

ConfigError ConfigError::invalidValue(const QString &key, const QString &origin,
                                      const QString &file, const QString &value,
                                      const QString &rule, bool secret)
{
    const QString where = file.isEmpty() ? QString() : u" in "_qs + file;
    const QString shown = secret ? u"<redacted>"_qs : value;
    return ConfigError(key, shown, rule,
                       prefix + u"invalid "_qs + origin + u' ' + (secret ? shown : quote(shown)) +
                           where + u": "_qs + rule);
}

ConfigError ConfigError::unknownOption(const QString &flag, const QString &suggestion)
{
    const QString rule = u"unknown option"_qs;
    // A flag is shown as typed unless it would break the one-line message (pasted text).
    const bool plain = flag.size() <= 64 && std::none_of(flag.cbegin(), flag.cend(), [](QChar c) {
                           return c.unicode() < 0x20 || c.unicode() == 0x7f || c == u'"';
                       });
    return ConfigError(flag, QString(), rule,
                       prefix + rule + u' ' + (plain ? flag : quote(flag)) +
                           didYouMean(suggestion) + u"; see --help"_qs);
}

ConfigError ConfigError::unknownSetting(const QString &key, const QString &file,
                                        const QString &suggestion)
{
    const QString rule = u"unknown setting"_qs;
    return ConfigError(key, QString(), rule,
                       prefix + rule + u" '"_qs + key + u"' in "_qs + file +
                           didYouMean(suggestion));
}

ConfigError ConfigError::unknownVariable(const QString &name, const QString &rule)
{
    return ConfigError(name, QString(), rule,
                       prefix + u"unknown environment variable "_qs + name + u": "_qs + rule);
}

ConfigError ConfigError::missingValue(const QString &flag)
{
    const QString rule = u"missing value"_qs;
    return ConfigError(flag, QString(), rule,
                       prefix + u"missing value after "_qs + flag + u" (use "_qs + flag +
                           u"=VALUE for a value that starts with --)"_qs);
}

ConfigError ConfigError::unexpectedArgument(const QString &argument, const QString &afterBoolean)
{
    const QString rule = u"unexpected argument"_qs;
    const QString hint = afterBoolean.isEmpty()
                             ? u"; options start with --"_qs
                             : u" after "_qs + afterBoolean + u", which takes no value (write "_qs +
                                   afterBoolean + u'=' + argument + u')';
    return ConfigError(QString(), argument, rule, prefix + rule + u' ' + quote(argument) + hint);
}

ConfigError ConfigError::settingsFile(const QString &file, const QString &problem)
{
    return ConfigError(u"config"_qs, file, problem,
                       prefix + u"settings file "_qs + quote(file) + u": "_qs + problem);
}

} // namespace tickscope
