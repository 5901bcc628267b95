#include "TickJson.h"

#include <charconv>
#include <cmath>

namespace tickscope {

void TickJson::appendNumber(QByteArray &out, double value)
{
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

void TickJson::appendInteger(QByteArray &out, qint64 value)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

void TickJson::appendString(QByteArray &out, QStringView text)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    const QByteArray utf8 = text.toUtf8();
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
            if (c < 0x20) {
                out.append("\\u00");
                out.append(hex[c >> 4]);
                out.append(hex[c & 0xf]);
            } else {
                out.append(ch);
            }
        }
    }
    out.append('"');
}

void TickJson::append(QByteArray &out, const Tick &tick)
{
    // Symbols are ASCII by the symbol rule, so no escaping is needed.
    out.append("{\"s\":\"");
    for (const QChar c : tick.symbol)
        out.append(static_cast<char>(c.unicode()));
    out.append("\",\"q\":");
    appendInteger(out, tick.seq);
    out.append(",\"t\":");
    appendInteger(out, tick.timeUs);
    out.append(",\"p\":");
    appendNumber(out, tick.price);
    out.append(",\"v\":");
    appendNumber(out, tick.size);
    out.append('}');
}

QByteArray TickJson::toJson(const Tick &tick)
{
    QByteArray out;
    out.reserve(96);
    append(out, tick);
    return out;
}

} // namespace tickscope
