#include "auth/Base64Url.h"
#include "auth/JwtSigner.h"
#include "auth/JwtVerifier.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tickscope;

namespace {
SigningKey testKey()
{
    return SigningKey{u"k-1"_qs, QByteArray(32, 's'), 100, 0};
}

QByteArray part(const QString &token, int index)
{
    return *Base64Url::decode(QStringView(token.split(u'.').at(index)));
}
} // namespace

class tst_JwtSigner : public QObject
{
    Q_OBJECT
private slots:
    void headerAndMinimalPayload()
    {
        Claims claims;
        claims.sub = u"alice"_qs;
        claims.exp = 2000;
        const QString token = JwtSigner::sign(claims, testKey());
        QCOMPARE(token.count(u'.'), 2);
        QCOMPARE(part(token, 0), QByteArray("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k-1\"}"));
        QCOMPARE(part(token, 1), QByteArray("{\"sub\":\"alice\",\"exp\":2000,\"scope\":\"read\"}"));
        QCOMPARE(part(token, 2).size(), 32);
        // Equal claims, equal token.
        QCOMPARE(JwtSigner::sign(claims, testKey()), token);
    }

    void fullPayload()
    {
        Claims claims;
        claims.sub = u"bot \"7\""_qs;
        claims.exp = 9007199254740991;
        claims.nbf = 10;
        claims.iat = 11;
        claims.scopes = QStringList{u"read"_qs, u"publish"_qs, u"read"_qs};
        claims.symbols = QStringList{u"BTC-USD"_qs, u"ETH-*"_qs};
        claims.tier = u"unlimited"_qs;
        const QString token = JwtSigner::sign(claims, testKey());
        QCOMPARE(part(token, 1),
                 QByteArray("{\"sub\":\"bot \\\"7\\\"\",\"exp\":9007199254740991,\"nbf\":10,"
                            "\"iat\":11,\"scope\":\"read publish\",\"symbols\":[\"BTC-USD\","
                            "\"ETH-*\"],\"tier\":\"unlimited\"}"));
    }

    void emptyScopesAndSymbols()
    {
        Claims claims;
        claims.sub = u"x"_qs;
        claims.exp = 1;
        claims.scopes.clear();
        claims.symbols = QStringList{};
        const QJsonObject payload =
            QJsonDocument::fromJson(part(JwtSigner::sign(claims, testKey()), 1)).object();
        QCOMPARE(payload.value(QLatin1String("scope")).toString(), QString());
        QVERIFY(payload.value(QLatin1String("symbols")).isArray());
        QVERIFY(!payload.contains(QLatin1String("tier")));
    }

    void signatureIsHmacSha256()
    {
        // RFC 4231 test case 2.
        QCOMPARE(
            JwtSigner::signature("what do ya want for nothing?", QByteArrayLiteral("Jefe")).toHex(),
            QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    }

    void roundTripThroughVerifier()
    {
        KeyRing ring;
        QVERIFY(ring.add(testKey()));
        Claims claims;
        claims.sub = u"carol"_qs;
        claims.exp = 5000;
        claims.iat = 900;
        claims.nbf = 900;
        claims.scopes = QStringList{u"read"_qs, u"trade"_qs};
        claims.symbols = QStringList{u"*"_qs};
        claims.tier = u"pro"_qs;
        const VerifyResult result =
            JwtVerifier(ring).verify(JwtSigner::sign(claims, testKey()), 1000);
        QVERIFY2(result.ok, qPrintable(result.reason));
        QCOMPARE(result.kid, u"k-1"_qs);
        QCOMPARE(result.claims.sub, claims.sub);
        QCOMPARE(result.claims.exp, claims.exp);
        QCOMPARE(result.claims.iat, claims.iat);
        QCOMPARE(result.claims.nbf, claims.nbf);
        QCOMPARE(result.claims.scopes, claims.scopes);
        QCOMPARE(result.claims.symbols, claims.symbols);
        QCOMPARE(result.claims.tier, claims.tier);
    }
};

QTEST_GUILESS_MAIN(tst_JwtSigner)
#include "tst_jwtsigner.moc"
