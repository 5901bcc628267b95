// Fuzzes token verification against a real key ring (fixed keys, fixed clock), plus the
// pieces it is built from. The first byte selects what the rest of the input is:
//   0  a token as it comes from `Authorization: Bearer` (Latin-1 bytes)
//   1  a token as it comes from `?access_token=` (UTF-8, any character)
//   2  "<header JSON>\n<payload JSON>", signed here with the current key, so that the
//      claim checks behind the signature are reached; without '\n', all of it is the
//      payload under a standard header
//   3  text for Base64Url::decode, Claims::parseScopes and Claims::isValidSymbolPattern
//
// Properties beyond "no crash, no sanitizer report":
// - every failure reason is printable ASCII (untrusted text goes through SafeText);
// - the checks before the signature never claim it was verified;
// - accepted claims follow the rules, and JwtSigner re-signs them into a token that
//   verifies to the same claims;
// - base64url is canonical: a decoded text re-encodes to itself.

#include "FuzzCheck.h"
#include "auth/Base64Url.h"
#include "auth/Claims.h"
#include "auth/JwtSigner.h"
#include "auth/JwtVerifier.h"
#include "auth/KeyRing.h"
#include "auth/SafeText.h"
#include "core/Symbol.h"

#include <cstddef>
#include <cstdint>

using namespace tickscope;

namespace {

constexpr qint64 Now = 1763790000;

const SigningKey &currentKey()
{
    static const SigningKey key{
        u"k1"_qs, QByteArrayLiteral("tickscope-fuzz-secret-0123456789abcdef"), Now - 1000, 0};
    return key;
}

const KeyRing &ring()
{
    static const KeyRing keys = [] {
        KeyRing r;
        // Retired ten seconds ago: its tokens must fail with UnknownKey.
        r.add(SigningKey{u"k0"_qs, QByteArrayLiteral("tickscope-fuzz-old-secret-0123456789ab"),
                         Now - 100000, Now - 10});
        r.add(currentKey());
        return r;
    }();
    return keys;
}

// Lone surrogates do not survive UTF-8 (the signer writes UTF-8): compare what can.
QString utf8Form(const QString &text)
{
    return QString::fromUtf8(text.toUtf8());
}

void checkClaims(const Claims &claims)
{
    fuzz::check(!claims.sub.isEmpty() && claims.sub.size() <= JwtVerifier::MaxSubjectLength,
                "accepted sub breaks the rule", claims.sub);
    fuzz::check(Now < claims.exp + 5, "accepted an expired token");
    for (const QString &scope : claims.scopes)
        fuzz::check(Claims::isKnownScope(scope), "accepted an unknown scope", scope);
    if (claims.symbols) {
        for (const QString &pattern : *claims.symbols)
            fuzz::check(Claims::isValidSymbolPattern(pattern), "accepted a bad pattern", pattern);
    }
    fuzz::check(!claims.tier.isEmpty(), "accepted an empty tier");
    (void)claims.hasScope(Claims::ScopeRead);
    (void)claims.allowsSymbol(u"BTC-USD");
}

VerifyResult verify(const JwtVerifier &verifier, QStringView token)
{
    const VerifyResult result = verifier.verify(token, Now);
    fuzz::check(fuzz::isPrintableAscii(result.reason), "reason is not printable ASCII",
                result.reason);
    fuzz::check(result.ok == (result.error == VerifyResult::Error::None), "ok and error disagree");
    switch (result.error) {
    case VerifyResult::Error::Malformed:
    case VerifyResult::Error::Algorithm:
    case VerifyResult::Error::UnknownKey:
    case VerifyResult::Error::BadSignature:
        fuzz::check(!result.signatureVerified, "signature verified before it was checked");
        break;
    default:
        fuzz::check(result.signatureVerified, "signature not marked verified");
        break;
    }
    if (!result.ok)
        return result;
    checkClaims(result.claims);

    // What the signer makes of the claims verifies to the same claims.
    const Claims &claims = result.claims;
    const QString again = JwtSigner::sign(claims, currentKey());
    const VerifyResult second = verifier.verify(again, Now);
    fuzz::check(second.ok, "a re-signed token does not verify", second.reason);
    const Claims &other = second.claims;
    fuzz::check(utf8Form(other.sub) == utf8Form(claims.sub) && other.exp == claims.exp &&
                    other.nbf == claims.nbf && other.iat == claims.iat &&
                    other.scopes == claims.scopes && other.symbols == claims.symbols &&
                    utf8Form(other.tier) == utf8Form(claims.tier),
                "claims changed through JwtSigner", again);
    return result;
}

void signedJson(const JwtVerifier &verifier, QByteArrayView input)
{
    const qsizetype newline = input.indexOf('\n');
    const QByteArray header =
        newline < 0 ? JwtSigner::headerJson(currentKey()) : input.first(newline).toByteArray();
    const QByteArray payload =
        newline < 0 ? input.toByteArray() : input.sliced(newline + 1).toByteArray();
    QByteArray token = Base64Url::encode(header) + '.' + Base64Url::encode(payload);
    token += '.' + Base64Url::encode(JwtSigner::signature(token, currentKey().secret));
    const VerifyResult result = verify(verifier, QString::fromLatin1(token));
    // Our own signature with a known kid (or none): only the content can fail.
    fuzz::check(result.error != VerifyResult::Error::BadSignature, "own signature refused");
}

void pieces(QByteArrayView input)
{
    const auto decoded = Base64Url::decode(input);
    if (decoded) {
        fuzz::check(Base64Url::encode(*decoded) == input, "base64url decode is not canonical",
                    QString::fromLatin1(input));
    }
    const QString text = QString::fromUtf8(input);
    const auto fromText = Base64Url::decode(QStringView(text));
    fuzz::check(fromText.has_value() == decoded.has_value(), "the two decode overloads disagree",
                text);
    if (fromText)
        fuzz::check(*fromText == *decoded, "the two decode overloads differ", text);

    QString error;
    const auto scopes = Claims::parseScopes(text, &error);
    fuzz::check(scopes.has_value() || fuzz::isPrintableAscii(error), "scope error not ASCII",
                error);
    fuzz::check(fuzz::isPrintableAscii(SafeText::quote(text)), "SafeText let through",
                SafeText::quote(text));
    const bool pattern = Claims::isValidSymbolPattern(text);
    if (Symbol::isValid(text))
        fuzz::check(pattern, "a symbol is not a valid pattern", text);
    if (pattern && text != u"*")
        (void)Symbol::matchesPattern(text, u"BTC-USD");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const JwtVerifier verifier(ring(), 5);
    const QByteArrayView rest(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    switch (data[0] % 4) {
    case 0:
        verify(verifier, QString::fromLatin1(rest));
        break;
    case 1:
        verify(verifier, QString::fromUtf8(rest));
        break;
    case 2:
        signedJson(verifier, rest);
        break;
    case 3:
        pieces(rest);
        break;
    }
    return 0;
}
