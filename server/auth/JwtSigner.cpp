#include "JwtSigner.h"

#include "Base64Url.h"
#include "core/TickJson.h"

#include <QMessageAuthenticationCode>

namespace tickscope {

QByteArray JwtSigner::headerJson(const SigningKey &key)
{
    QByteArray out = QByteArrayLiteral("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":");
    TickJson::appendString(out, key.kid);
    out.append('}');
    return out;
}

QByteArray JwtSigner::payloadJson(const Claims &claims)
{
    QByteArray out = QByteArrayLiteral("{\"sub\":");
    TickJson::appendString(out, claims.sub);
    out.append(",\"exp\":");
    TickJson::appendInteger(out, claims.exp);
    if (claims.nbf) {
        out.append(",\"nbf\":");
        TickJson::appendInteger(out, *claims.nbf);
    }
    if (claims.iat) {
        out.append(",\"iat\":");
        TickJson::appendInteger(out, *claims.iat);
    }
    out.append(",\"scope\":");
    QStringList scopes;
    for (const QString &scope : claims.scopes) {
        if (!scopes.contains(scope))
            scopes.append(scope);
    }
    TickJson::appendString(out, scopes.join(u' '));
    if (claims.symbols) {
        out.append(",\"symbols\":[");
        bool first = true;
        for (const QString &pattern : *claims.symbols) {
            if (!first)
                out.append(',');
            first = false;
            TickJson::appendString(out, pattern);
        }
        out.append(']');
    }
    if (claims.tier != Claims::DefaultTier) {
        out.append(",\"tier\":");
        TickJson::appendString(out, claims.tier);
    }
    out.append('}');
    return out;
}

QByteArray JwtSigner::signature(QByteArrayView signingInput, const QByteArray &secret)
{
    return QMessageAuthenticationCode::hash(signingInput.toByteArray(), secret,
                                            QCryptographicHash::Sha256);
}

QString JwtSigner::sign(const Claims &claims, const SigningKey &key)
{
    QByteArray token = Base64Url::encode(headerJson(key));
    token.append('.');
    token.append(Base64Url::encode(payloadJson(claims)));
    const QByteArray mac = signature(token, key.secret);
    token.append('.');
    token.append(Base64Url::encode(mac));
    return QString::fromLatin1(token);
}

} // namespace tickscope
