#pragma once

#include "config/ServerConfig.h"

#include <QString>

namespace tickscope {

// --print-config: the effective settings, one `key = value  # source` line each, in the order
// of settings/tickscope.ini. Secrets show as <redacted> when set and <unset> otherwise.
class ConfigPrinter
{
public:
    static QString toText(const ServerConfig &config);
};

} // namespace tickscope
