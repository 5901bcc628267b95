#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>
#include <optional>

namespace tickscope {

// base64url of RFC 4648 section 5 without padding, as JWS (RFC 7515) uses it.
// Decoding is strict so that one byte string has exactly one accepted text form:
// only [A-Za-z0-9_-], no '=', no whitespace, length % 4 != 1, and the unused low
// bits of the last character must be zero.
class Base64Url
{
public:
    static QByteArray encode(QByteArrayView data);
    static QString encodeToString(QByteArrayView data);

    static std::optional<QByteArray> decode(QByteArrayView text);
    // Non-ASCII characters are rejected like any other character outside the alphabet.
    static std::optional<QByteArray> decode(QStringView text);
};

} // namespace tickscope
