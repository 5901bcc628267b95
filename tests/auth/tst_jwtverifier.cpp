#include "auth/Base64Url.h"
#include "auth/JwtSigner.h"
#include "auth/JwtVerifier.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace tickscope;
using Error = VerifyResult::Error;

Q_DECLARE_METATYPE(VerifyResult::Error)

namespace {

// RFC 7515 Appendix A.1: the JWS and the HMAC key (JWK "k") of the HS256 example.
const QString RfcA1Token = u"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                           ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                           "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                           ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"_qs;
const QByteArray RfcA1Key = QByteArrayLiteral(
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
constexpr qint64 RfcA1Exp = 1300819380;

const QByteArray Secret1 = QByteArrayLiteral("k1-secret-k1-secret-k1-secret-k1");
const QByteArray Secret2 = QByteArrayLiteral("k2-secret-k2-secret-k2-secret-k2");
const QByteArray SecretOld = QByteArrayLiteral("old-secret-old-secret-old-secret");
constexpr qint64 Now = 1000;
constexpr qint64 Leeway = 5;

// Independent of Base64Url and JwtSigner on purpose: the fixtures check them too.
QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString makeToken(const QByteArray &header, const QByteArray &payload, const QByteArray &secret)
{
    const QByteArray input = b64(header) + '.' + b64(payload);
    const QByteArray mac =
        QMessageAuthenticationCode::hash(input, secret, QCryptographicHash::Sha256);
    return QString::fromLatin1(input + '.' + b64(mac));
}

QByteArray header(const QByteArray &kid)
{
    return "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
}

QByteArray payload(const QByteArray &extra = {})
{
    return "{\"sub\":\"alice\",\"exp\":2000" + extra + "}";
}

KeyRing testRing()
{
    KeyRing ring;
    ring.add({u"old"_qs, SecretOld, 10, 500}); // retired at 500
    ring.add({u"k1"_qs, Secret1, 100, 0});
    ring.add({u"k2"_qs, Secret2, 200, 0}); // current
    return ring;
}

} // namespace

class tst_JwtVerifier : public QObject
{
    Q_OBJECT
private slots:
    void rfc7515A1SignatureVerifiesThenSubIsRequired()
    {
        const auto key = Base64Url::decode(RfcA1Key);
        QVERIFY(key.has_value());
        QCOMPARE(key->size(), 64);
        KeyRing ring;
        QVERIFY(ring.add({u"rfc7515-a1"_qs, *key, 0, 0}));
        const JwtVerifier verifier(ring);

        // The token has no kid, so the current key checks it. The signature is right; the
        // token fails only because Tickscope requires `sub`.
        const VerifyResult result = verifier.verify(RfcA1Token, RfcA1Exp - 380);
        QVERIFY(!result.ok);
        QVERIFY2(result.signatureVerified, qPrintable(result.reason));
        QCOMPARE(result.error, Error::InvalidClaims);
        QCOMPARE(result.reason, u"sub required"_qs);
        QCOMPARE(result.kid, u"rfc7515-a1"_qs);

        // The same signing input and key give the RFC's signature.
        const QStringList parts = RfcA1Token.split(u'.');
        QCOMPARE(
            Base64Url::encode(JwtSigner::signature((parts[0] + u'.' + parts[1]).toLatin1(), *key)),
            parts[2].toLatin1());
    }

    void rfc7515A1Tampered_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<Error>("error");
        const QStringList parts = RfcA1Token.split(u'.');
        // "joe" -> "jof" in the payload, signature kept.
        const QByteArray payload =
            Base64Url::decode(QStringView(parts[1]))->replace("\"joe\"", "\"jof\"");
        QTest::newRow("tampered payload")
            << parts[0] + u'.' + QString::fromLatin1(b64(payload)) + u'.' + parts[2]
            << Error::BadSignature;
        QString signature = parts[2];
        signature[0] = u'e';
        QTest::newRow("tampered signature")
            << parts[0] + u'.' + parts[1] + u'.' + signature << Error::BadSignature;
        // A corrupted copy of the signature that is still valid base64url (36 bytes).
        QTest::newRow("wrong-length signature")
            << parts[0] + u'.' + parts[1] + u".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWlFWV0GfhrJg"_qs
            << Error::BadSignature;
        QTest::newRow("other key's signature")
            << parts[0] + u'.' + parts[1] + u'.' +
                   QString::fromLatin1(
                       b64(QMessageAuthenticationCode::hash((parts[0] + u'.' + parts[1]).toLatin1(),
                                                            Secret1, QCryptographicHash::Sha256)))
            << Error::BadSignature;
    }
    void rfc7515A1Tampered()
    {
        QFETCH(QString, token);
        QFETCH(Error, error);
        KeyRing ring;
        QVERIFY(ring.add({u"rfc7515-a1"_qs, *Base64Url::decode(RfcA1Key), 0, 0}));
        const VerifyResult result = JwtVerifier(ring).verify(token, RfcA1Exp - 380);
        QVERIFY(!result.ok);
        QVERIFY(!result.signatureVerified);
        QCOMPARE(result.error, error);
        QCOMPARE(result.reason, u"signature mismatch"_qs);
    }

    void verify_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<Error>("error");
        QTest::addColumn<QString>("reason");

        const QByteArray h2 = header("k2");
        const auto row = [](const char *name) -> QTestData & { return QTest::newRow(name); };

        row("valid") << h2 << payload() << Secret2 << Error::None << QString();
        row("extra claims ignored") << h2 << payload(",\"iss\":\"x\",\"aud\":[\"y\"]") << Secret2
                                    << Error::None << QString();

        // Keys.
        row("no kid uses current key") << QByteArray("{\"alg\":\"HS256\"}") << payload() << Secret2
                                       << Error::None << QString();
        row("no kid, older key's signature")
            << QByteArray("{\"alg\":\"HS256\"}") << payload() << Secret1 << Error::BadSignature
            << u"signature mismatch"_qs;
        row("older active key") << header("k1") << payload() << Secret1 << Error::None << QString();
        row("kid and secret disagree") << header("k1") << payload() << Secret2
                                       << Error::BadSignature << u"signature mismatch"_qs;
        row("retired key") << header("old") << payload() << SecretOld << Error::UnknownKey
                           << u"the key \"old\" is retired"_qs;
        row("unknown kid") << header("nope") << payload() << Secret2 << Error::UnknownKey
                           << u"unknown kid \"nope\""_qs;
        row("unknown kid with control chars") << header("a\\u0007b") << payload() << Secret2
                                              << Error::UnknownKey << u"unknown kid \"a?b\""_qs;
        row("kid not a string") << QByteArray("{\"alg\":\"HS256\",\"kid\":2}") << payload()
                                << Secret2 << Error::Malformed << u"kid must be a string"_qs;

        // Algorithm.
        row("alg none") << QByteArray("{\"alg\":\"none\",\"kid\":\"k2\"}") << payload() << Secret2
                        << Error::Algorithm << u"alg must be HS256, not \"none\""_qs;
        row("alg HS512") << QByteArray("{\"alg\":\"HS512\",\"kid\":\"k2\"}") << payload() << Secret2
                         << Error::Algorithm << u"alg must be HS256"_qs;
        row("alg HS384") << QByteArray("{\"alg\":\"HS384\",\"kid\":\"k2\"}") << payload() << Secret2
                         << Error::Algorithm << u"alg must be HS256"_qs;
        row("alg RS256") << QByteArray("{\"alg\":\"RS256\",\"kid\":\"k2\"}") << payload() << Secret2
                         << Error::Algorithm << u"alg must be HS256"_qs;
        row("alg lowercase") << QByteArray("{\"alg\":\"hs256\",\"kid\":\"k2\"}") << payload()
                             << Secret2 << Error::Algorithm << u"alg must be HS256"_qs;
        row("alg with space") << QByteArray("{\"alg\":\"HS256 \",\"kid\":\"k2\"}") << payload()
                              << Secret2 << Error::Algorithm << u"alg must be HS256"_qs;
        row("alg missing") << QByteArray("{\"typ\":\"JWT\",\"kid\":\"k2\"}") << payload() << Secret2
                           << Error::Algorithm << u"the header has no alg"_qs;
        row("alg not a string") << QByteArray("{\"alg\":256,\"kid\":\"k2\"}") << payload()
                                << Secret2 << Error::Algorithm << u"alg must be HS256"_qs;
        row("alg null") << QByteArray("{\"alg\":null,\"kid\":\"k2\"}") << payload() << Secret2
                        << Error::Algorithm << u"alg must be HS256"_qs;

        // Rest of the header.
        row("typ lowercase") << QByteArray("{\"alg\":\"HS256\",\"typ\":\"jwt\",\"kid\":\"k2\"}")
                             << payload() << Secret2 << Error::None << QString();
        row("typ other") << QByteArray("{\"alg\":\"HS256\",\"typ\":\"JOSE\",\"kid\":\"k2\"}")
                         << payload() << Secret2 << Error::Malformed << u"typ must be JWT"_qs;
        row("typ number") << QByteArray("{\"alg\":\"HS256\",\"typ\":1,\"kid\":\"k2\"}") << payload()
                          << Secret2 << Error::Malformed << u"typ must be JWT"_qs;
        row("crit") << QByteArray("{\"alg\":\"HS256\",\"kid\":\"k2\",\"crit\":[\"exp\"]}")
                    << payload() << Secret2 << Error::Malformed << u"crit"_qs;
        row("header array") << QByteArray("[\"HS256\"]") << payload() << Secret2 << Error::Malformed
                            << u"the header is not a JSON object"_qs;
        // Qt 6.4's parser refuses a top-level scalar as invalid JSON; either way it is refused.
        row("header string") << QByteArray("\"HS256\"") << payload() << Secret2 << Error::Malformed
                             << u"the header is not"_qs;
        row("header not JSON") << QByteArray("{alg:HS256}") << payload() << Secret2
                               << Error::Malformed << u"the header is not valid JSON"_qs;
        row("header empty") << QByteArray() << payload() << Secret2 << Error::Malformed
                            << u"the header is not valid JSON"_qs;

        // Payload shape (checked after the signature).
        row("payload array") << h2 << QByteArray("[1]") << Secret2 << Error::InvalidClaims
                             << u"the payload is not a JSON object"_qs;
        row("payload not JSON") << h2 << QByteArray("{\"sub\":") << Secret2 << Error::InvalidClaims
                                << u"the payload is not valid JSON"_qs;
        row("payload trailing garbage") << h2 << payload() + "x" << Secret2 << Error::InvalidClaims
                                        << u"the payload is not valid JSON"_qs;

        // sub.
        row("sub missing") << h2 << QByteArray("{\"exp\":2000}") << Secret2 << Error::InvalidClaims
                           << u"sub required"_qs;
        row("sub empty") << h2 << QByteArray("{\"sub\":\"\",\"exp\":2000}") << Secret2
                         << Error::InvalidClaims << u"sub must be a non-empty string"_qs;
        row("sub number") << h2 << QByteArray("{\"sub\":42,\"exp\":2000}") << Secret2
                          << Error::InvalidClaims << u"sub must be a non-empty string"_qs;
        row("sub null") << h2 << QByteArray("{\"sub\":null,\"exp\":2000}") << Secret2
                        << Error::InvalidClaims << u"sub must be a non-empty string"_qs;
        row("sub too long") << h2 << "{\"sub\":\"" + QByteArray(257, 'a') + "\",\"exp\":2000}"
                            << Secret2 << Error::InvalidClaims << u"sub must be at most 256"_qs;

        // exp, nbf, iat types.
        row("exp missing") << h2 << QByteArray("{\"sub\":\"a\"}") << Secret2 << Error::InvalidClaims
                           << u"exp required"_qs;
        row("exp string") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":\"2000\"}") << Secret2
                          << Error::InvalidClaims << u"exp must be an integer"_qs;
        row("exp null") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":null}") << Secret2
                        << Error::InvalidClaims << u"exp must be an integer"_qs;
        row("exp bool") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":true}") << Secret2
                        << Error::InvalidClaims << u"exp must be an integer"_qs;
        row("exp fraction") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":2000.5}") << Secret2
                            << Error::InvalidClaims << u"exp must be an integer"_qs;
        row("exp huge") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":1e300}") << Secret2
                        << Error::InvalidClaims << u"exp must be an integer"_qs;
        row("exp exponent form") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":2e3}") << Secret2
                                 << Error::None << QString();
        row("nbf string") << h2 << payload(",\"nbf\":\"1\"") << Secret2 << Error::InvalidClaims
                          << u"nbf must be an integer"_qs;
        row("iat fraction") << h2 << payload(",\"iat\":1.25") << Secret2 << Error::InvalidClaims
                            << u"iat must be an integer"_qs;

        // Time, with leeway 5 at now 1000. Valid while now < exp + leeway.
        row("exp just valid") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":996}") << Secret2
                              << Error::None << QString();
        row("exp at boundary") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":995}") << Secret2
                               << Error::Expired << u"token expired"_qs;
        row("exp long past") << h2 << QByteArray("{\"sub\":\"a\",\"exp\":1}") << Secret2
                             << Error::Expired << u"token expired"_qs;
        row("nbf within leeway") << h2 << payload(",\"nbf\":1005") << Secret2 << Error::None
                                 << QString();
        row("nbf in future") << h2 << payload(",\"nbf\":1006") << Secret2 << Error::NotYetValid
                             << u"token not yet valid"_qs;
        row("iat within leeway") << h2 << payload(",\"iat\":1005") << Secret2 << Error::None
                                 << QString();
        row("iat in future") << h2 << payload(",\"iat\":1006") << Secret2 << Error::NotYetValid
                             << u"iat"_qs;

        // scope.
        row("scope several") << h2 << payload(",\"scope\":\"publish read\"") << Secret2
                             << Error::None << QString();
        row("scope empty") << h2 << payload(",\"scope\":\"\"") << Secret2 << Error::None
                           << QString();
        row("scope unknown word") << h2 << payload(",\"scope\":\"read write\"") << Secret2
                                  << Error::InvalidClaims << u"unknown scope \"write\""_qs;
        row("scope array") << h2 << payload(",\"scope\":[\"read\"]") << Secret2
                           << Error::InvalidClaims << u"scope must be a space-separated string"_qs;
        row("scope null") << h2 << payload(",\"scope\":null") << Secret2 << Error::InvalidClaims
                          << u"scope must be"_qs;

        // symbols.
        row("symbols patterns") << h2 << payload(",\"symbols\":[\"BTC-USD\",\"ETH-*\",\"*\"]")
                                << Secret2 << Error::None << QString();
        row("symbols empty") << h2 << payload(",\"symbols\":[]") << Secret2 << Error::None
                             << QString();
        row("symbols string") << h2 << payload(",\"symbols\":\"BTC-USD\"") << Secret2
                              << Error::InvalidClaims << u"symbols must be an array"_qs;
        row("symbols number item") << h2 << payload(",\"symbols\":[\"A\",1]") << Secret2
                                   << Error::InvalidClaims << u"symbols[1] must be a string"_qs;
        row("symbols invalid symbol") << h2 << payload(",\"symbols\":[\"BTC USD\"]") << Secret2
                                      << Error::InvalidClaims << u"symbols[0] \"BTC USD\""_qs;
        row("symbols leading star") << h2 << payload(",\"symbols\":[\"*USD\"]") << Secret2
                                    << Error::InvalidClaims << u"symbols[0]"_qs;
        row("symbols double star") << h2 << payload(",\"symbols\":[\"A\",\"BTC**\"]") << Secret2
                                   << Error::InvalidClaims << u"symbols[1]"_qs;
        row("symbols empty string") << h2 << payload(",\"symbols\":[\"\"]") << Secret2
                                    << Error::InvalidClaims << u"symbols[0]"_qs;

        // tier.
        row("tier") << h2 << payload(",\"tier\":\"gold\"") << Secret2 << Error::None << QString();
        row("tier empty") << h2 << payload(",\"tier\":\"\"") << Secret2 << Error::InvalidClaims
                          << u"tier must be a non-empty string"_qs;
        row("tier number") << h2 << payload(",\"tier\":3") << Secret2 << Error::InvalidClaims
                           << u"tier must be a non-empty string"_qs;
    }
    void verify()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, secret);
        QFETCH(Error, error);
        QFETCH(QString, reason);

        const KeyRing ring = testRing();
        const JwtVerifier verifier(ring, Leeway);
        const QString token = makeToken(header, payload, secret);
        const VerifyResult result = verifier.verify(token, Now);
        QCOMPARE(result.error, error);
        QCOMPARE(result.ok, error == Error::None);
        QCOMPARE(bool(result), result.ok);
        QVERIFY2(result.reason.contains(reason), qPrintable(result.reason));
        const bool afterSignature = error == Error::None || error == Error::InvalidClaims ||
                                    error == Error::Expired || error == Error::NotYetValid;
        QCOMPARE(result.signatureVerified, afterSignature);
        // Neither the secret nor the token's parts are echoed.
        for (const QString &part : token.split(u'.')) {
            if (part.size() > 8)
                QVERIFY2(!result.reason.contains(part), qPrintable(result.reason));
        }
        QVERIFY(!result.reason.contains(QString::fromLatin1(secret)));
        if (result.ok)
            QVERIFY(result.reason.isEmpty());
    }

    void structure_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("reason");
        const QString good = makeToken(header("k2"), payload(), Secret2);
        const QStringList p = good.split(u'.');
        const auto join = [](const QStringList &parts) { return parts.join(u'.'); };

        QTest::newRow("empty") << QString() << u"empty"_qs;
        QTest::newRow("1 part") << p[0] << u"this token has 1"_qs;
        QTest::newRow("2 parts") << join({p[0], p[1]}) << u"this token has 2"_qs;
        QTest::newRow("4 parts") << join({p[0], p[1], p[2], p[2]}) << u"this token has 4"_qs;
        QTest::newRow("trailing dot") << good + u'.' << u"this token has 4"_qs;
        QTest::newRow("only dots") << u".."_qs << u"the header is not valid JSON"_qs;
        QTest::newRow("padding on signature") << good + u'=' << u"signature is not strict"_qs;
        QTest::newRow("padding on header")
            << join({p[0] + u"=="_qs, p[1], p[2]}) << u"header is not strict"_qs;
        QTest::newRow("plus") << join({p[0], p[1], u'+' + p[2].mid(1)})
                              << u"signature is not strict"_qs;
        QTest::newRow("slash") << join({p[0], u'/' + p[1].mid(1), p[2]})
                               << u"payload is not strict"_qs;
        QTest::newRow("space") << join({p[0], p[1].left(4) + u' ' + p[1].mid(4), p[2]})
                               << u"payload is not strict"_qs;
        QTest::newRow("trailing newline") << good + u'\n' << u"signature is not strict"_qs;
        QTest::newRow("leading space") << u' ' + good << u"header is not strict"_qs;
        QTest::newRow("non-ascii")
            << join({p[0], p[1] + u"\u00e9"_qs, p[2]}) << u"payload is not strict"_qs;
        QTest::newRow("too long") << join({p[0], QString(16400, u'A'), p[2]})
                                  << u"longer than 16384"_qs;
        // An unsecured JWS (alg none, empty signature) must not get past the header.
        QTest::newRow("unsecured")
            << QString::fromLatin1(b64("{\"alg\":\"none\"}") + '.' + b64(payload()) + '.')
            << u"alg must be HS256"_qs;
    }
    void structure()
    {
        QFETCH(QString, token);
        QFETCH(QString, reason);
        const KeyRing ring = testRing();
        const VerifyResult result = JwtVerifier(ring, Leeway).verify(token, Now);
        QVERIFY(!result.ok);
        QVERIFY(!result.signatureVerified);
        QVERIFY2(result.reason.contains(reason), qPrintable(result.reason));
    }

    void tamperedPayloadAndSignature()
    {
        const KeyRing ring = testRing();
        const JwtVerifier verifier(ring);
        const QString good = makeToken(header("k2"), payload(), Secret2);
        QVERIFY(verifier.verify(good, Now).ok);
        QStringList p = good.split(u'.');

        QStringList tampered = p;
        tampered[1] = QString::fromLatin1(b64("{\"sub\":\"mallory\",\"exp\":2000}"));
        QCOMPARE(verifier.verify(tampered.join(u'.'), Now).error, Error::BadSignature);
        tampered = p;
        tampered[1] = QString::fromLatin1(b64(payload(",\"scope\":\"admin\"")));
        QCOMPARE(verifier.verify(tampered.join(u'.'), Now).error, Error::BadSignature);

        // Every single-character change of the first signature character is caught.
        const QString alphabet =
            u"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"_qs;
        for (const QChar c : alphabet) {
            if (c == p[2][0])
                continue;
            tampered = p;
            tampered[2][0] = c;
            QCOMPARE(verifier.verify(tampered.join(u'.'), Now).error, Error::BadSignature);
        }
        // A signature one byte short.
        tampered = p;
        tampered[2] = QString::fromLatin1(b64(Base64Url::decode(QStringView(p[2]))->chopped(1)));
        QCOMPARE(verifier.verify(tampered.join(u'.'), Now).error, Error::BadSignature);
    }

    void claimsContent()
    {
        const KeyRing ring = testRing();
        const JwtVerifier verifier(ring, Leeway);

        VerifyResult r = verifier.verify(makeToken(header("k2"), payload(), Secret2), Now);
        QVERIFY(r.ok);
        QCOMPARE(r.kid, u"k2"_qs);
        QCOMPARE(r.claims.sub, u"alice"_qs);
        QCOMPARE(r.claims.exp, 2000);
        QCOMPARE(r.claims.scopes, QStringList{u"read"_qs}); // default
        QVERIFY(!r.claims.symbols);
        QCOMPARE(r.claims.tier, u"default"_qs);
        QVERIFY(!r.claims.nbf && !r.claims.iat);

        r = verifier.verify(
            makeToken(header("k1"),
                      payload(",\"nbf\":900,\"iat\":901,\"scope\":\"admin publish admin\","
                              "\"symbols\":[\"BTC-*\"],\"tier\":\"unlimited\""),
                      Secret1),
            Now);
        QVERIFY2(r.ok, qPrintable(r.reason));
        QCOMPARE(r.kid, u"k1"_qs);
        QCOMPARE(r.claims.nbf, 900);
        QCOMPARE(r.claims.iat, 901);
        QCOMPARE(r.claims.scopes, (QStringList{u"publish"_qs, u"admin"_qs}));
        QVERIFY(!r.claims.hasScope(u"read"));
        QCOMPARE(r.claims.symbols, QStringList{u"BTC-*"_qs});
        QVERIFY(r.claims.allowsSymbol(u"BTC-USD"));
        QVERIFY(!r.claims.allowsSymbol(u"ETH-USD"));
        QCOMPARE(r.claims.tier, u"unlimited"_qs);

        r = verifier.verify(makeToken(header("k2"), payload(",\"scope\":\"\""), Secret2), Now);
        QVERIFY(r.ok);
        QVERIFY(r.claims.scopes.isEmpty());
        QVERIFY(!r.claims.hasScope(u"read"));
    }

    void leewayIsClamped_data()
    {
        QTest::addColumn<qint64>("requested");
        QTest::addColumn<qint64>("effective");
        QTest::newRow("negative") << qint64(-5) << qint64(0);
        QTest::newRow("zero") << qint64(0) << qint64(0);
        QTest::newRow("ten") << qint64(10) << qint64(10);
        QTest::newRow("thirty") << qint64(30) << qint64(30);
        QTest::newRow("over") << qint64(3600) << qint64(30);
    }
    void leewayIsClamped()
    {
        QFETCH(qint64, requested);
        QFETCH(qint64, effective);
        const KeyRing ring = testRing();
        const JwtVerifier verifier(ring, requested);
        QCOMPARE(verifier.leeway(), effective);
        // exp = Now - effective: expired exactly at the boundary, valid one second before.
        const QByteArray p = "{\"sub\":\"a\",\"exp\":" + QByteArray::number(Now - effective) + "}";
        const QString token = makeToken(header("k2"), p, Secret2);
        QCOMPARE(verifier.verify(token, Now).error, Error::Expired);
        QVERIFY(verifier.verify(token, Now - 1).ok);
    }

    void rotationGraceAndNewestKeySigns()
    {
        KeyRing ring;
        const SigningKey first = ring.rotate(0, 100);
        const JwtVerifier verifier(ring); // sees later changes of the ring
        Claims claims;
        claims.sub = u"viewer"_qs;
        claims.exp = 1000000;
        const QString oldToken = JwtSigner::sign(claims, *ring.current(500));
        QVERIFY(verifier.verify(oldToken, 500).ok);

        const SigningKey second = ring.rotate(600, 1000);
        QVERIFY(second.kid != first.kid);
        const QString newToken = JwtSigner::sign(claims, *ring.current(1000));
        QCOMPARE(verifier.verify(newToken, 1000).kid, second.kid);

        // The old key verifies during the grace, and not from its retirement on.
        QVERIFY(verifier.verify(oldToken, 1000).ok);
        QVERIFY(verifier.verify(oldToken, 1599).ok);
        const VerifyResult after = verifier.verify(oldToken, 1600);
        QCOMPARE(after.error, Error::UnknownKey);
        QVERIFY2(after.reason.contains(u"retired"), qPrintable(after.reason));
        QVERIFY(verifier.verify(newToken, 1600).ok);

        // Once pruned from the ring, the old kid is unknown.
        ring.prune(1600);
        QVERIFY(verifier.verify(oldToken, 1600).reason.contains(u"unknown kid"));
    }

    void environmentSecret()
    {
        KeyRing ring = testRing();
        ring.setEnvironmentSecret(QByteArrayLiteral("shared-by-every-test-tool-of-ours"));
        const JwtVerifier verifier(ring);
        // What an external tool makes: no kid, HS256 with the shared secret.
        const QString noKid =
            makeToken(QByteArray("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"), payload(),
                      QByteArrayLiteral("shared-by-every-test-tool-of-ours"));
        VerifyResult r = verifier.verify(noKid, Now);
        QVERIFY2(r.ok, qPrintable(r.reason));
        QCOMPARE(r.kid, KeyRing::environmentKid("shared-by-every-test-tool-of-ours"));
        // What `tickscope token` makes: signed with the current key, kid env-...
        Claims claims;
        claims.sub = u"x"_qs;
        claims.exp = 2000;
        r = verifier.verify(JwtSigner::sign(claims, *ring.current(Now)), Now);
        QVERIFY2(r.ok, qPrintable(r.reason));
        QVERIFY(r.kid.startsWith(u"env-"));
        // Stored keys still verify their own tokens.
        QVERIFY(verifier.verify(makeToken(header("k2"), payload(), Secret2), Now).ok);
        // A no-kid token signed with a stored key no longer matches the current key.
        QCOMPARE(
            verifier.verify(makeToken(QByteArray("{\"alg\":\"HS256\"}"), payload(), Secret2), Now)
                .error,
            Error::BadSignature);
    }

    void noKeyAtAll()
    {
        const KeyRing ring;
        const VerifyResult r = JwtVerifier(ring).verify(
            makeToken(QByteArray("{\"alg\":\"HS256\"}"), payload(), Secret2), Now);
        QCOMPARE(r.error, Error::UnknownKey);
        QVERIFY(r.reason.contains(u"no current key"));
    }

    void constantTimeEquals_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("empty") << QByteArray() << QByteArray() << true;
        QTest::newRow("same") << QByteArray("abcdef") << QByteArray("abcdef") << true;
        QTest::newRow("first differs") << QByteArray("xbcdef") << QByteArray("abcdef") << false;
        QTest::newRow("last differs") << QByteArray("abcdeX") << QByteArray("abcdef") << false;
        QTest::newRow("one bit") << QByteArray("\x01", 1) << QByteArray("\x00", 1) << false;
        QTest::newRow("high bit") << QByteArray("\x80", 1) << QByteArray("\x00", 1) << false;
        QTest::newRow("prefix") << QByteArray("abc") << QByteArray("abcdef") << false;
        QTest::newRow("empty vs one") << QByteArray() << QByteArray("a") << false;
    }
    void constantTimeEquals()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(JwtVerifier::constantTimeEquals(a, b), equal);
        QCOMPARE(JwtVerifier::constantTimeEquals(b, a), equal);
    }
};

QTEST_GUILESS_MAIN(tst_JwtVerifier)
#include "tst_jwtverifier.moc"
