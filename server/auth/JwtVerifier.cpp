#include "JwtVerifier.h"

#include "Base64Url.h"
#include "JwtSigner.h"
#include "SafeText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <cmath>

namespace tickscope {

namespace {

constexpr double MaxJsonInteger = 9007199254740992.0; // 2^53

VerifyResult failure(VerifyResult::Error error, const QString &reason)
{
    VerifyResult result;
    result.error = error;
    result.reason = reason;
    return result;
}

VerifyResult malformed(const QString &what)
{
    return failure(VerifyResult::Error::Malformed, u"malformed token: "_qs + what);
}

std::optional<QJsonObject> parseObject(const QByteArray &json, QString *what)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *what = u"is not valid JSON (%1 at offset %2)"_qs.arg(parseError.errorString())
                    .arg(parseError.offset);
        return std::nullopt;
    }
    if (!document.isObject()) {
        *what = u"is not a JSON object"_qs;
        return std::nullopt;
    }
    return document.object();
}

// A NumericDate we accept: an integral JSON number within +-2^53.
std::optional<qint64> integerClaim(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > MaxJsonInteger)
        return std::nullopt;
    return static_cast<qint64>(d);
}

} // namespace

JwtVerifier::JwtVerifier(const KeyRing &ring, qint64 leewaySeconds)
    : m_ring(ring), m_leeway(qBound<qint64>(0, leewaySeconds, MaxLeewaySeconds))
{}

bool JwtVerifier::constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    // No early exit: the loop always runs to the end, so timing does not reveal how many
    // leading bytes of a forged signature were right.
    volatile unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

VerifyResult JwtVerifier::verify(QStringView token, qint64 now) const
{
    using Error = VerifyResult::Error;

    if (token.isEmpty())
        return malformed(u"empty"_qs);
    if (token.size() > MaxTokenLength)
        return malformed(u"longer than %1 characters"_qs.arg(MaxTokenLength));
    const qsizetype dots = token.count(u'.');
    if (dots != 2)
        return malformed(u"a JWS has 3 parts separated by '.', this token has %1"_qs.arg(dots + 1));
    const qsizetype firstDot = token.indexOf(u'.');
    const qsizetype secondDot = token.indexOf(u'.', firstDot + 1);
    const QStringView headerText = token.first(firstDot);
    const QStringView payloadText = token.sliced(firstDot + 1, secondDot - firstDot - 1);
    const QStringView signatureText = token.sliced(secondDot + 1);

    const auto header = Base64Url::decode(headerText);
    if (!header)
        return malformed(u"the header is not strict base64url (A-Z a-z 0-9 - _, no padding)"_qs);
    const auto payload = Base64Url::decode(payloadText);
    if (!payload)
        return malformed(u"the payload is not strict base64url (A-Z a-z 0-9 - _, no padding)"_qs);
    const auto signature = Base64Url::decode(signatureText);
    if (!signature)
        return malformed(u"the signature is not strict base64url (A-Z a-z 0-9 - _, no padding)"_qs);

    QString what;
    const auto headerObject = parseObject(*header, &what);
    if (!headerObject)
        return malformed(u"the header "_qs + what);

    const QJsonValue alg = headerObject->value(QLatin1String("alg"));
    if (alg.isUndefined())
        return failure(Error::Algorithm, u"alg must be HS256 (the header has no alg)"_qs);
    if (!alg.isString() || alg.toString() != u"HS256")
        return failure(Error::Algorithm,
                       alg.isString()
                           ? u"alg must be HS256, not %1"_qs.arg(SafeText::quote(alg.toString()))
                           : u"alg must be HS256 (the header's alg is not a string)"_qs);
    const QJsonValue typ = headerObject->value(QLatin1String("typ"));
    if (!typ.isUndefined() &&
        (!typ.isString() || typ.toString().compare(u"JWT", Qt::CaseInsensitive) != 0))
        return malformed(u"typ must be JWT when present"_qs);
    // RFC 7515 4.1.11: extensions named in crit must be understood; we understand none.
    if (headerObject->contains(QLatin1String("crit")))
        return malformed(u"the header has crit, and no extension is supported"_qs);

    std::optional<SigningKey> key;
    const QJsonValue kid = headerObject->value(QLatin1String("kid"));
    if (kid.isUndefined()) {
        key = m_ring.current(now);
        if (!key)
            return failure(Error::UnknownKey,
                           u"the token has no kid and there is no current key"_qs);
    } else {
        if (!kid.isString())
            return malformed(u"kid must be a string"_qs);
        const QString kidText = kid.toString();
        key = m_ring.find(kidText);
        if (!key)
            return failure(Error::UnknownKey,
                           u"unknown kid %1"_qs.arg(SafeText::quote(kidText, 64)));
        if (!key->isActiveAt(now))
            return failure(Error::UnknownKey,
                           u"the key %1 is retired"_qs.arg(SafeText::quote(kidText, 64)));
    }

    // The signing input is the text as received, not a re-encoding (RFC 7515 5.2).
    const QByteArray signingInput = token.first(secondDot).toLatin1();
    const QByteArray expected = JwtSigner::signature(signingInput, key->secret);
    if (!constantTimeEquals(*signature, expected))
        return failure(Error::BadSignature, u"signature mismatch"_qs);

    // From here on the content is authentic; what is left is whether it is acceptable.
    const auto invalid = [&](Error error, const QString &reason) {
        VerifyResult result = failure(error, reason);
        result.signatureVerified = true;
        result.kid = key->kid;
        return result;
    };
    const auto payloadObject = parseObject(*payload, &what);
    if (!payloadObject)
        return invalid(Error::InvalidClaims, u"malformed token: the payload "_qs + what);

    Claims claims;
    const QJsonValue sub = payloadObject->value(QLatin1String("sub"));
    if (sub.isUndefined())
        return invalid(Error::InvalidClaims, u"sub required"_qs);
    if (!sub.isString() || sub.toString().isEmpty())
        return invalid(Error::InvalidClaims, u"sub must be a non-empty string"_qs);
    claims.sub = sub.toString();
    if (claims.sub.size() > MaxSubjectLength)
        return invalid(Error::InvalidClaims,
                       u"sub must be at most %1 characters"_qs.arg(MaxSubjectLength));

    const QJsonValue exp = payloadObject->value(QLatin1String("exp"));
    if (exp.isUndefined())
        return invalid(Error::InvalidClaims, u"exp required"_qs);
    const auto expValue = integerClaim(exp);
    if (!expValue)
        return invalid(Error::InvalidClaims,
                       u"exp must be an integer number of seconds since the epoch"_qs);
    claims.exp = *expValue;

    for (const auto &[name, field] : {std::pair{QLatin1String("nbf"), &claims.nbf},
                                      std::pair{QLatin1String("iat"), &claims.iat}}) {
        const QJsonValue value = payloadObject->value(name);
        if (value.isUndefined())
            continue;
        const auto number = integerClaim(value);
        if (!number)
            return invalid(Error::InvalidClaims,
                           u"%1 must be an integer number of seconds since the epoch"_qs.arg(name));
        *field = *number;
    }

    const QJsonValue scope = payloadObject->value(QLatin1String("scope"));
    if (!scope.isUndefined()) {
        if (!scope.isString())
            return invalid(Error::InvalidClaims, u"scope must be a space-separated string"_qs);
        QString scopeError;
        const auto scopes = Claims::parseScopes(scope.toString(), &scopeError);
        if (!scopes)
            return invalid(Error::InvalidClaims, u"scope: "_qs + scopeError);
        claims.scopes = *scopes;
    }

    const QJsonValue symbols = payloadObject->value(QLatin1String("symbols"));
    if (!symbols.isUndefined()) {
        if (!symbols.isArray())
            return invalid(Error::InvalidClaims, u"symbols must be an array of strings"_qs);
        const QJsonArray array = symbols.toArray();
        QStringList patterns;
        patterns.reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonValue item = array.at(i);
            if (!item.isString())
                return invalid(Error::InvalidClaims, u"symbols[%1] must be a string"_qs.arg(i));
            const QString pattern = item.toString();
            if (!Claims::isValidSymbolPattern(pattern))
                return invalid(Error::InvalidClaims,
                               u"symbols[%1] %2 is neither a valid symbol nor a symbol "
                               "prefix followed by '*'"_qs.arg(i)
                                   .arg(SafeText::quote(pattern)));
            patterns.append(pattern);
        }
        claims.symbols = patterns;
    }

    const QJsonValue tier = payloadObject->value(QLatin1String("tier"));
    if (!tier.isUndefined()) {
        if (!tier.isString() || tier.toString().isEmpty())
            return invalid(Error::InvalidClaims, u"tier must be a non-empty string"_qs);
        claims.tier = tier.toString();
    }

    if (now >= claims.exp + m_leeway)
        return invalid(Error::Expired, u"token expired"_qs);
    if (claims.nbf && now + m_leeway < *claims.nbf)
        return invalid(Error::NotYetValid, u"token not yet valid (nbf is in the future)"_qs);
    if (claims.iat && *claims.iat > now + m_leeway)
        return invalid(Error::NotYetValid, u"token issued in the future (iat)"_qs);

    VerifyResult result;
    result.ok = true;
    result.error = Error::None;
    result.signatureVerified = true;
    result.kid = key->kid;
    result.claims = std::move(claims);
    return result;
}

} // namespace tickscope
