#pragma once

#include "config/ConfigError.h"
#include "config/ServerConfig.h"

#include <QHash>
#include <QProcessEnvironment>
#include <QSet>
#include <QStringList>
#include <optional>

namespace tickscope {

// Builds the effective ServerConfig: command-line flags > environment (TICKSCOPE_<NAME>) >
// settings file (INI) > built-in defaults. Every value from every source is validated, so a
// bad value in the file is reported even when a flag overrides it.
//
//     const auto result = ConfigLoader::load(arguments, QProcessEnvironment::systemEnvironment());
//     if (!result) {
//         std::fputs(qPrintable(result.error->message() + u'\n'), stderr);
//         return 2;
//     }
//     const ServerConfig &config = result.config;
class ConfigLoader
{
public:
    struct Options
    {
        // The settings file read when neither --config nor TICKSCOPE_CONFIG names one (and only
        // if it exists). nullopt: <AppConfigLocation>/tickscope.ini; empty: none.
        std::optional<QString> defaultConfigFile;
        // The default of data-dir. nullopt: QStandardPaths::AppDataLocation.
        std::optional<QString> defaultDataDir;
        // Value-taking options that the caller handles itself (a subcommand's --sub, --ttl):
        // they are passed through to Result::extra instead of being refused.
        QSet<QString> extraOptions;
    };

    struct Result
    {
        ServerConfig config;              // meaningful when ok()
        std::optional<ConfigError> error; // set when the configuration was refused
        QStringList warnings;             // one-line messages for stderr; not fatal
        QHash<QString, QString> extra;    // Options::extraOptions given, by name without "--"

        bool ok() const { return !error.has_value(); }
        explicit operator bool() const { return ok(); }
    };

    // `arguments` are the command-line arguments after the program name (and after a
    // subcommand, if the caller took one). --help / -h and --version short-cut everything:
    // the result is ok with config.help / config.version set and nothing else read.
    static Result load(const QStringList &arguments, const QProcessEnvironment &environment,
                       const Options &options);
    static Result load(const QStringList &arguments, const QProcessEnvironment &environment)
    {
        return load(arguments, environment, Options());
    }

    // The options part of --help: every flag with its default, and how the environment and
    // the settings file map to them.
    static QString helpText(const Options &options = Options());

    static QString defaultConfigFile();
    static QString defaultDataDir();
};

} // namespace tickscope
