#include "TickJson.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

namespace tickscope {

namespace {

// The shortest round-trip form of `value` at p (at most 24 characters; 32 bytes of room).
char *writeNumber(char *p, double value)
{
    char *end = std::to_chars(p, p + 32, value).ptr;
    // to_chars writes exponents like C's printf (1e-07, 1e+21); drop the '+' and the
    // padding zeros so that the text is the shortest that reads back the same.
    auto *e = static_cast<char *>(std::memchr(p, 'e', size_t(end - p)));
    if (!e)
        return end;
    char *out = e + 1;
    const char *in = e + 1;
    if (*in == '-')
        *out++ = *in++;
    else if (*in == '+')
        ++in;
    while (in + 1 < end && *in == '0')
        ++in;
    while (in < end)
        *out++ = *in++;
    return out;
}

// At most 20 characters; 24 bytes of room.
char *writeInteger(char *p, qint64 value)
{
    return std::to_chars(p, p + 24, value).ptr;
}

template <size_t N> char *writeText(char *p, const char (&text)[N])
{
    std::memcpy(p, text, N - 1);
    return p + N - 1;
}

} // namespace

void TickJson::appendNumber(QByteArray &out, double value)
{
    char buffer[32];
    out.append(buffer, writeNumber(buffer, value) - buffer);
}

void TickJson::appendInteger(QByteArray &out, qint64 value)
{
    char buffer[24];
    out.append(buffer, writeInteger(buffer, value) - buffer);
}

void TickJson::appendString(QByteArray &out, QStringView text)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    const QByteArray utf8 = text.toUtf8();
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
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
    // Written into one buffer and appended once: appending piece by piece was a quarter of
    // the store thread's time in a replay. Symbols are ASCII by the symbol rule, so no
    // escaping is needed. The fixed part is at most 6 + 6 + 20 + 5 + 20 + 5 + 24 + 5 + 24 + 1
    // = 116 characters, plus the room the number writers need; symbols have at most 32
    // characters, and a longer one (never valid) gets a buffer of its own.
    constexpr qsizetype Room = 160;
    char onStack[Room + 64];
    std::unique_ptr<char[]> onHeap;
    char *buffer = onStack;
    if (tick.symbol.size() > 64) {
        onHeap = std::make_unique<char[]>(size_t(Room + tick.symbol.size()));
        buffer = onHeap.get();
    }
    char *p = writeText(buffer, "{\"s\":\"");
    for (const QChar c : tick.symbol)
        *p++ = static_cast<char>(c.unicode());
    p = writeText(p, "\",\"q\":");
    p = writeInteger(p, tick.seq);
    p = writeText(p, ",\"t\":");
    p = writeInteger(p, tick.timeUs);
    p = writeText(p, ",\"p\":");
    p = writeNumber(p, tick.price);
    p = writeText(p, ",\"v\":");
    p = writeNumber(p, tick.size);
    *p++ = '}';
    out.append(buffer, p - buffer);
}

QByteArray TickJson::toJson(const Tick &tick)
{
    QByteArray out;
    out.reserve(96);
    append(out, tick);
    return out;
}

} // namespace tickscope
