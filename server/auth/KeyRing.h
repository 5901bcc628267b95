#pragma once

#include "SigningKey.h"

#include <QList>
#include <QString>
#include <QStringView>
#include <optional>

namespace tickscope {

// The server's HS256 keys (PROTOCOL.md section 2). New tokens are signed with the
// current key, the newest one still active; older keys keep verifying until their
// retirement time, so a rotation cuts nobody off.
//
// The environment key (TICKSCOPE_JWT_SECRET) is held apart from the stored keys: it is
// never written to the keys file, never retires, and while set it is the current key.
// Its kid is "env-" followed by the first 8 hex digits of SHA-256(secret), so every
// process given the same secret names it the same way.
//
// Not thread-safe; it is a cheap value type, so each thread can hold its own copy.
class KeyRing
{
public:
    static constexpr qsizetype GeneratedSecretSize = 32;

    // Refuses an invalid kid, an empty secret, or a kid already in the ring.
    bool add(const SigningKey &key, QString *error = nullptr);
    // The stored keys (not the environment key), in the order they were added.
    const QList<SigningKey> &keys() const { return m_keys; }
    // Replaces the stored keys (after a reload of the keys file); keeps the environment key.
    void setKeys(const QList<SigningKey> &keys) { m_keys = keys; }
    bool isEmpty() const { return m_keys.isEmpty() && !m_environmentKey; }

    // The environment key if set, else the active stored key with the greatest createdAt
    // (of equal ones, the one added last); nullopt when no key is active at `now`.
    std::optional<SigningKey> current(qint64 now) const;
    // Any key with this kid, active or not, the environment key included.
    std::optional<SigningKey> find(QStringView kid) const;
    // The keys that verify tokens at `now`.
    QList<SigningKey> verificationKeys(qint64 now) const;

    // Adds a fresh random key (created at `now`) that becomes the current one, and
    // schedules every other open-ended stored key to retire at now + graceSeconds
    // (a key already retiring sooner keeps its time). Keys already retired are dropped.
    SigningKey rotate(qint64 graceSeconds, qint64 now);
    // Drops stored keys that are retired at `now`; returns how many.
    qsizetype prune(qint64 now);

    // An empty secret clears the environment key.
    void setEnvironmentSecret(const QByteArray &secret);
    const std::optional<SigningKey> &environmentKey() const { return m_environmentKey; }
    static QString environmentKid(const QByteArray &secret);

    // A random key from the system CSPRNG: 32-byte secret, kid of 16 hex digits.
    static SigningKey generateKey(qint64 now);
    // Non-empty when the secret is too short for HS256 (RFC 7518 3.2); never quotes it.
    static QString weakSecretWarning(const QByteArray &secret);

private:
    QString uniqueKid() const;

    QList<SigningKey> m_keys;
    std::optional<SigningKey> m_environmentKey;
};

} // namespace tickscope
