#include "KeyRing.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <cstring>

namespace tickscope {

namespace {

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    // system() is the OS CSPRNG; fill whole 32-bit words, then trim.
    QList<quint32> words((size + 3) / 4);
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    std::memcpy(bytes.data(), words.constData(), size_t(size));
    return bytes;
}

} // namespace

bool KeyRing::add(const SigningKey &key, QString *error)
{
    const auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!SigningKey::isValidKid(key.kid))
        return fail(
            u"invalid kid: it must be 1 to 64 printable ASCII characters without spaces"_qs);
    if (key.secret.isEmpty())
        return fail(u"key %1 has an empty secret"_qs.arg(key.kid));
    if (find(key.kid))
        return fail(u"duplicate kid %1"_qs.arg(key.kid));
    m_keys.append(key);
    return true;
}

std::optional<SigningKey> KeyRing::current(qint64 now) const
{
    if (m_environmentKey)
        return m_environmentKey;
    const SigningKey *best = nullptr;
    for (const SigningKey &key : m_keys) {
        if (key.isActiveAt(now) && (!best || key.createdAt >= best->createdAt))
            best = &key;
    }
    if (!best)
        return std::nullopt;
    return *best;
}

std::optional<SigningKey> KeyRing::find(QStringView kid) const
{
    if (m_environmentKey && m_environmentKey->kid == kid)
        return m_environmentKey;
    for (const SigningKey &key : m_keys) {
        if (key.kid == kid)
            return key;
    }
    return std::nullopt;
}

QList<SigningKey> KeyRing::verificationKeys(qint64 now) const
{
    QList<SigningKey> result;
    if (m_environmentKey)
        result.append(*m_environmentKey);
    for (const SigningKey &key : m_keys) {
        if (key.isActiveAt(now))
            result.append(key);
    }
    return result;
}

SigningKey KeyRing::rotate(qint64 graceSeconds, qint64 now)
{
    prune(now);
    // A retirement time of `now` would make the old key inactive at once, which is what
    // a grace of 0 means; 0 itself is "never", hence the max with 1.
    const qint64 retireAt = qMax<qint64>(now + qMax<qint64>(graceSeconds, 0), 1);
    for (SigningKey &key : m_keys) {
        if (key.retiresAt == 0 || key.retiresAt > retireAt)
            key.retiresAt = retireAt;
    }
    SigningKey key = generateKey(now);
    key.kid = uniqueKid();
    m_keys.append(key);
    return key;
}

qsizetype KeyRing::prune(qint64 now)
{
    return m_keys.removeIf([now](const SigningKey &key) { return !key.isActiveAt(now); });
}

void KeyRing::setEnvironmentSecret(const QByteArray &secret)
{
    if (secret.isEmpty()) {
        m_environmentKey.reset();
        return;
    }
    SigningKey key;
    key.kid = environmentKid(secret);
    key.secret = secret;
    m_environmentKey = key;
}

QString KeyRing::environmentKid(const QByteArray &secret)
{
    const QByteArray digest = QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
    return u"env-"_qs + QString::fromLatin1(digest.left(4).toHex());
}

SigningKey KeyRing::generateKey(qint64 now)
{
    SigningKey key;
    key.kid = QString::fromLatin1(randomBytes(8).toHex());
    key.secret = randomBytes(GeneratedSecretSize);
    key.createdAt = now;
    return key;
}

QString KeyRing::weakSecretWarning(const QByteArray &secret)
{
    if (secret.size() >= SigningKey::RecommendedSecretSize)
        return {};
    return u"the signing secret is %1 bytes long; HS256 needs at least %2 random bytes "
           "(RFC 7518 3.2) to resist guessing"_qs.arg(secret.size())
               .arg(SigningKey::RecommendedSecretSize);
}

QString KeyRing::uniqueKid() const
{
    for (;;) {
        QString kid = QString::fromLatin1(randomBytes(8).toHex());
        if (!find(kid))
            return kid;
    }
}

} // namespace tickscope
