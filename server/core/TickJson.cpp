#include "TickJson.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace tickscope {

void TickJson::appendNumber(QByteArray &out, double value)
{
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    const qsizetype length = result.ptr - buffer;
    // to_chars writes exponents like C's printf (1e-07, 1e+21); drop the '+' and the
    // padding zeros so that the text is the shortest that reads back the same.
    const auto *e = static_cast<const char *>(std::memchr(buffer, 'e', size_t(length)));
    if (!e) {
        out.append(buffer, length);
        return;
    }
    const qsizetype mantissa = e - buffer + 1;
    out.append(buffer, mantissa);
    const char *p = e + 1;
    const char *end = buffer + length;
    if (*p == '-')
        out.append(*p);
    if (*p == '-' || *p == '+')
        ++p;
    while (p + 1 < end && *p == '0')
        ++p;
    out.append(p, end - p);
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
