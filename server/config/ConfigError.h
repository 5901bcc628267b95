#pragma once

#include <QString>

namespace tickscope {

// Why a configuration was refused. message() is one line for stderr that names the setting
// (as the user wrote it: --flag, TICKSCOPE_VAR or file key), the value and the rule it broke;
// secret values are never in it.
class ConfigError
{
public:
    ConfigError() = default;

    // `origin` is how the user named the setting ("--listen", "TICKSCOPE_LISTEN", "listen");
    // `file` is the settings file for file values. A secret value is replaced by <redacted>;
    // other values must already have any embedded credentials cut out.
    static ConfigError invalidValue(const QString &key, const QString &origin, const QString &file,
                                    const QString &value, const QString &rule, bool secret = false);
    static ConfigError unknownOption(const QString &flag, const QString &suggestion);
    static ConfigError unknownSetting(const QString &key, const QString &file,
                                      const QString &suggestion);
    static ConfigError unknownVariable(const QString &name, const QString &rule);
    static ConfigError missingValue(const QString &flag);
    // `afterBoolean`: the boolean flag just before it, which takes no separate value.
    static ConfigError unexpectedArgument(const QString &argument,
                                          const QString &afterBoolean = QString());
    static ConfigError settingsFile(const QString &file, const QString &problem);

    QString key() const { return m_key; }
    QString value() const { return m_value; }
    QString rule() const { return m_rule; }
    QString message() const { return m_message; }

    // Quotes a value for a one-line message: escapes quotes, backslashes and control chars, and
    // shortens very long values.
    static QString quote(const QString &value);

private:
    ConfigError(QString key, QString value, QString rule, QString message);

    QString m_key;
    QString m_value;
    QString m_rule;
    QString m_message;
};

} // namespace tickscope
