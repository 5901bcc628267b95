#pragma once

#include <QString>

namespace tickscope {

// Where the effective value of a setting came from; later sources win.
enum class ConfigSource
{
    Default,
    File,
    Env,
    Flag
};

inline QString configSourceName(ConfigSource source)
{
    switch (source) {
    case ConfigSource::Default:
        return u"default"_qs;
    case ConfigSource::File:
        return u"file"_qs;
    case ConfigSource::Env:
        return u"env"_qs;
    case ConfigSource::Flag:
        return u"flag"_qs;
    }
    return {};
}

// One effective setting for display: secrets already redacted in `value`.
struct ConfigEntry
{
    QString key;
    QString value;
    ConfigSource source = ConfigSource::Default;
    bool secret = false;
};

} // namespace tickscope
