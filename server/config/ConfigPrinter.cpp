#include "ConfigPrinter.h"

namespace tickscope {

QString ConfigPrinter::toText(const ServerConfig &config)
{
    QString out;
    for (const ConfigEntry &entry : config.entries()) {
        out += entry.key + u" ="_qs;
        if (!entry.value.isEmpty())
            out += u' ' + entry.value;
        out += u"  # "_qs + configSourceName(entry.source) + u'\n';
    }
    return out;
}

} // namespace tickscope
