#include "TestTokens.h"

#include "auth/Base64Url.h"
#include "auth/JwtSigner.h"
#include "auth/KeyRingFile.h"

#include <QDateTime>
#include <QDir>

namespace tickscope::test {

std::optional<SigningKey> TestTokens::serverKey(const QString &dataDir)
{
    QString error;
    const auto ring =
        KeyRingFile::load(QDir(dataDir).filePath(KeyRingFile::defaultFileName()), &error);
    if (!ring)
        return std::nullopt;
    return ring->current(QDateTime::currentSecsSinceEpoch());
}

QString TestTokens::sign(const Claims &claims, const SigningKey &key)
{
    return JwtSigner::sign(claims, key);
}

QString TestTokens::make(const QByteArray &headerJson, const QByteArray &payloadJson,
                         const QByteArray &secret)
{
    const QByteArray input = Base64Url::encode(headerJson) + '.' + Base64Url::encode(payloadJson);
    const QByteArray signature =
        secret.isEmpty() ? QByteArray() : Base64Url::encode(JwtSigner::signature(input, secret));
    return QString::fromLatin1(input + '.' + signature);
}

Claims TestTokens::claims(const QString &sub, const QStringList &scopes, qint64 ttlSeconds)
{
    Claims claims;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    claims.sub = sub;
    claims.scopes = scopes;
    claims.iat = ttlSeconds < 0 ? now + ttlSeconds - 60 : now;
    claims.exp = now + ttlSeconds;
    return claims;
}

} // namespace tickscope::test
