#include "Base64Url.h"

#include <QString>
#include <type_traits>

namespace tickscope {

namespace {

constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char16_t c)
{
    if (c >= u'A' && c <= u'Z')
        return c - u'A';
    if (c >= u'a' && c <= u'z')
        return c - u'a' + 26;
    if (c >= u'0' && c <= u'9')
        return c - u'0' + 52;
    if (c == u'-')
        return 62;
    if (c == u'_')
        return 63;
    return -1;
}

template <typename Char> std::optional<QByteArray> decodeImpl(const Char *text, qsizetype size)
{
    const qsizetype tail = size % 4;
    if (tail == 1)
        return std::nullopt;
    QByteArray out;
    out.reserve(size / 4 * 3 + 2);
    quint32 buffer = 0;
    int bits = 0;
    for (qsizetype i = 0; i < size; ++i) {
        const int value =
            sextet(static_cast<char16_t>(static_cast<std::make_unsigned_t<Char>>(text[i])));
        if (value < 0)
            return std::nullopt;
        buffer = (buffer << 6) | quint32(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.append(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    // What is left over (2 bits after 3 chars... or 4 after 2) must be zero, or two
    // texts would decode to the same bytes.
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return out;
}

} // namespace

QByteArray Base64Url::encode(QByteArrayView data)
{
    QByteArray out;
    out.reserve((data.size() * 4 + 2) / 3);
    qsizetype i = 0;
    const auto byte = [&](qsizetype at) { return quint32(static_cast<unsigned char>(data[at])); };
    for (; i + 3 <= data.size(); i += 3) {
        const quint32 n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out.append(Alphabet[(n >> 18) & 63]);
        out.append(Alphabet[(n >> 12) & 63]);
        out.append(Alphabet[(n >> 6) & 63]);
        out.append(Alphabet[n & 63]);
    }
    const qsizetype rest = data.size() - i;
    if (rest == 1) {
        const quint32 n = byte(i) << 16;
        out.append(Alphabet[(n >> 18) & 63]);
        out.append(Alphabet[(n >> 12) & 63]);
    } else if (rest == 2) {
        const quint32 n = (byte(i) << 16) | (byte(i + 1) << 8);
        out.append(Alphabet[(n >> 18) & 63]);
        out.append(Alphabet[(n >> 12) & 63]);
        out.append(Alphabet[(n >> 6) & 63]);
    }
    return out;
}

QString Base64Url::encodeToString(QByteArrayView data)
{
    return QString::fromLatin1(encode(data));
}

std::optional<QByteArray> Base64Url::decode(QByteArrayView text)
{
    return decodeImpl(text.data(), text.size());
}

std::optional<QByteArray> Base64Url::decode(QStringView text)
{
    return decodeImpl(text.utf16(), text.size());
}

} // namespace tickscope
