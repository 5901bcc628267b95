#pragma once

#include "Claims.h"
#include "SigningKey.h"

#include <QString>

namespace tickscope {

// Makes HS256 tokens that JwtVerifier accepts. Header: {"alg":"HS256","typ":"JWT","kid":..}.
// Payload: sub, exp, nbf and iat when set (integers), scope (space separated, always
// written so the token says exactly what it grants), symbols only when set, tier only
// when not "default". The fields are written in a fixed order, so equal claims give
// equal tokens.
class JwtSigner
{
public:
    static QString sign(const Claims &claims, const SigningKey &key);

    static QByteArray headerJson(const SigningKey &key);
    static QByteArray payloadJson(const Claims &claims);
    // HMAC-SHA-256 of signingInput ("<header>.<payload>") with the key.
    static QByteArray signature(QByteArrayView signingInput, const QByteArray &secret);
};

} // namespace tickscope
