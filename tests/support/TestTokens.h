#pragma once

#include "auth/Claims.h"
#include "auth/SigningKey.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace tickscope::test {

// Tokens a test makes itself: expired, wrongly signed, with odd headers. The server's own
// key is read from its data directory (keys.json), as `tickscope token` does.
class TestTokens
{
public:
    // The key the server signs with now (the newest active key of <dataDir>/keys.json).
    static std::optional<SigningKey> serverKey(const QString &dataDir);

    static QString sign(const Claims &claims, const SigningKey &key);
    // A token of exactly these header and payload JSON texts, HS256-signed with `secret`
    // (no signature at all when `secret` is empty, as for alg none).
    static QString make(const QByteArray &headerJson, const QByteArray &payloadJson,
                        const QByteArray &secret);

    // Claims for `sub` that expire `ttlSeconds` from now (negative: already expired).
    static Claims claims(const QString &sub, const QStringList &scopes, qint64 ttlSeconds);
};

} // namespace tickscope::test
