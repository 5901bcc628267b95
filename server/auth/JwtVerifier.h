#pragma once

#include "Claims.h"
#include "KeyRing.h"

#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace tickscope {

class VerifyResult
{
public:
    // Every failure is a 401 invalid_token on the wire; the kind is for metrics, logs and
    // for the stream to tell an expired token (close 4001) from the rest.
    enum class Error
    {
        None,
        Malformed,     // structure, base64url, JSON, header fields
        Algorithm,     // alg is not exactly HS256
        UnknownKey,    // unknown or retired kid, or no key to check against
        BadSignature,  // wrong signature
        InvalidClaims, // signature fine, a claim missing or of the wrong form
        Expired,       // now >= exp + leeway
        NotYetValid,   // now + leeway < nbf, or iat > now + leeway
    };

    bool ok = false;
    Error error = Error::Malformed;
    // For the log and the client; names the rule, never the secret or the token.
    QString reason;
    // True once the signature has been checked and found right: every error after
    // that point (InvalidClaims, Expired, NotYetValid) is about the claims.
    bool signatureVerified = false;
    // The kid of the key that verified the signature (the current key's when the
    // token had none).
    QString kid;
    Claims claims; // only meaningful when ok

    explicit operator bool() const { return ok; }
};

// Checks HS256 tokens (PROTOCOL.md section 2) against a key ring. The ring is held by
// reference so a reload of the keys file is seen by the next verify().
//
// Order of checks (the first failure answers): at most MaxTokenLength characters;
// exactly three strict base64url parts; the header is a JSON object whose alg is exactly
// "HS256", whose typ (if any) is "JWT" in any case, with no "crit"; kid (a string)
// selects an active key, no kid means the current key; the signature, compared in
// constant time; then the payload: a JSON object with sub (non-empty string of at most
// 256 characters), exp (integer), nbf and iat (integers, optional), scope (string of
// known scopes), symbols (array of symbol patterns), tier (non-empty string); then time:
// valid while exp + leeway > now (RFC 7519 4.1.4: "on or after" exp it is expired),
// nbf - leeway <= now, and iat <= now + leeway.
// Integers are JSON numbers without a fractional part and at most 2^53 in magnitude.
class JwtVerifier
{
public:
    static constexpr qint64 MaxLeewaySeconds = 30;
    static constexpr qsizetype MaxTokenLength = 16384;
    static constexpr qsizetype MaxSubjectLength = 256;

    // leewaySeconds is clamped to 0..MaxLeewaySeconds.
    explicit JwtVerifier(const KeyRing &ring, qint64 leewaySeconds = 0);

    qint64 leeway() const { return m_leeway; }
    VerifyResult verify(QStringView token, qint64 nowSeconds) const;

    // Equal length and content; the time taken depends on the length only.
    static bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

private:
    const KeyRing &m_ring;
    qint64 m_leeway;
};

} // namespace tickscope
