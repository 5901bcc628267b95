#pragma once

#include <QByteArray>
#include <QString>

namespace tickscope {

// One HS256 key of the key ring. Times are seconds since the Unix epoch. There is
// deliberately no QDebug operator: the secret must not end up in a log by accident.
class SigningKey
{
public:
    QString kid;
    QByteArray secret;
    qint64 createdAt = 0;
    qint64 retiresAt = 0; // 0: never

    // RFC 7518 3.2: an HS256 key must be at least as long as the hash output.
    static constexpr qsizetype RecommendedSecretSize = 32;

    // A key verifies tokens until its retirement time (exclusive).
    bool isActiveAt(qint64 now) const { return retiresAt == 0 || now < retiresAt; }

    // A kid goes into token headers and the keys file: 1..64 printable ASCII characters.
    static bool isValidKid(QStringView kid);

    friend bool operator==(const SigningKey &, const SigningKey &) = default;
};

} // namespace tickscope
