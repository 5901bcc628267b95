#include "KeyRingFile.h"

#include "Base64Url.h"
#include "core/TickJson.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <cmath>

namespace tickscope {

namespace {

constexpr QFileDevice::Permissions OwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions GroupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                  QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                  QFileDevice::WriteOther | QFileDevice::ExeOther;

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

std::optional<qint64> timeField(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (!std::isfinite(d) || std::trunc(d) != d || d < 0 || d > 9007199254740992.0)
        return std::nullopt;
    return static_cast<qint64>(d);
}

} // namespace

std::optional<KeyRing> KeyRingFile::parse(const QByteArray &json, const QString &path,
                                          QString *error)
{
    const auto fail = [&](const QString &what) -> std::optional<KeyRing> {
        setError(error, u"keys file %1: %2"_qs.arg(path, what));
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(u"not valid JSON (%1 at offset %2)"_qs.arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!document.isObject())
        return fail(u"the top level must be a JSON object"_qs);
    const QJsonObject root = document.object();
    const QJsonValue version = root.value(QLatin1String("version"));
    if (!version.isDouble() || version.toDouble() != FormatVersion)
        return fail(u"\"version\" must be %1"_qs.arg(FormatVersion));
    const QJsonValue keys = root.value(QLatin1String("keys"));
    if (!keys.isArray())
        return fail(u"\"keys\" must be an array"_qs);

    KeyRing ring;
    const QJsonArray array = keys.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString at = u"keys[%1]"_qs.arg(i);
        if (!array.at(i).isObject())
            return fail(at + u" must be an object"_qs);
        const QJsonObject entry = array.at(i).toObject();
        SigningKey key;
        const QJsonValue kid = entry.value(QLatin1String("kid"));
        if (!kid.isString() || !SigningKey::isValidKid(kid.toString()))
            return fail(at + u".kid must be a string of 1 to 64 printable ASCII characters "
                             "without spaces"_qs);
        key.kid = kid.toString();
        const QJsonValue secret = entry.value(QLatin1String("secret"));
        const auto decoded =
            secret.isString() ? Base64Url::decode(QStringView(secret.toString())) : std::nullopt;
        if (!decoded || decoded->isEmpty())
            return fail(at + u".secret must be a non-empty unpadded base64url string"_qs);
        key.secret = *decoded;
        const auto created = timeField(entry.value(QLatin1String("created_at")));
        if (!created)
            return fail(at + u".created_at must be an integer >= 0 (seconds since the epoch)"_qs);
        key.createdAt = *created;
        const QJsonValue retiresValue = entry.value(QLatin1String("retires_at"));
        if (!retiresValue.isUndefined() && !retiresValue.isNull()) {
            const auto retires = timeField(retiresValue);
            if (!retires)
                return fail(at + u".retires_at must be an integer >= 0 (seconds since the "
                                 "epoch, 0: never)"_qs);
            key.retiresAt = *retires;
        }
        QString addError;
        if (!ring.add(key, &addError))
            return fail(at + u": "_qs + addError);
    }
    return ring;
}

QByteArray KeyRingFile::serialize(const KeyRing &ring)
{
    // Written by hand for a stable, readable layout: one key per line.
    QByteArray out = QByteArrayLiteral("{\n  \"version\": ");
    TickJson::appendInteger(out, FormatVersion);
    out.append(",\n  \"keys\": [");
    bool first = true;
    for (const SigningKey &key : ring.keys()) {
        out.append(first ? "\n    " : ",\n    ");
        first = false;
        out.append("{\"kid\": ");
        TickJson::appendString(out, key.kid);
        out.append(", \"secret\": \"");
        out.append(Base64Url::encode(key.secret));
        out.append("\", \"created_at\": ");
        TickJson::appendInteger(out, key.createdAt);
        out.append(", \"retires_at\": ");
        TickJson::appendInteger(out, key.retiresAt);
        out.append('}');
    }
    out.append(first ? "]\n}\n" : "\n  ]\n}\n");
    return out;
}

std::optional<KeyRing> KeyRingFile::load(const QString &path, QString *error, QString *warning)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, u"keys file %1: cannot read: %2"_qs.arg(path, file.errorString()));
        return std::nullopt;
    }
#ifdef Q_OS_UNIX
    if (warning && (file.permissions() & GroupOrOther))
        *warning = u"keys file %1 is accessible to group or others; it holds secrets "
                   "(chmod 600 it)"_qs.arg(path);
#else
    Q_UNUSED(warning)
#endif
    return parse(file.readAll(), path, error);
}

bool KeyRingFile::save(const KeyRing &ring, const QString &path, QString *error)
{
    // QSaveFile gives its temporary file the mode of an existing target, and creates it
    // with 0600 only in that case (otherwise 0666 & ~umask). So make sure the target
    // exists with 0600 first: then no copy of the secrets is ever readable by others,
    // not even briefly through a descriptor opened in between.
    {
        QFile target(path);
        if (!target.exists()) {
            if (!target.open(QIODevice::WriteOnly | QIODevice::NewOnly, OwnerOnly))
                return setError(
                    error, u"keys file %1: cannot create: %2"_qs.arg(path, target.errorString()));
            target.close();
        } else if ((target.permissions() & (GroupOrOther | QFileDevice::ExeOwner)) &&
                   !target.setPermissions(OwnerOnly)) {
            return setError(error, u"keys file %1: cannot restrict permissions to 0600: %2"_qs.arg(
                                       path, target.errorString()));
        }
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return setError(error, u"keys file %1: cannot write: %2"_qs.arg(path, file.errorString()));
    if (!file.setPermissions(OwnerOnly))
        return setError(error, u"keys file %1: cannot set permissions 0600: %2"_qs.arg(
                                   path, file.errorString()));
    const QByteArray data = serialize(ring);
    if (file.write(data) != data.size() || !file.commit())
        return setError(error, u"keys file %1: cannot write: %2"_qs.arg(path, file.errorString()));
    return true;
}

std::optional<KeyRing> KeyRingFile::loadOrCreate(const QString &path, qint64 now, QString *error,
                                                 QString *warning)
{
    std::optional<KeyRing> ring;
    if (QFileInfo::exists(path)) {
        ring = load(path, error, warning);
        if (!ring)
            return std::nullopt;
        if (ring->current(now))
            return ring;
    } else {
        const QString dir = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(dir)) {
            setError(error, u"keys file %1: cannot create the directory %2"_qs.arg(path, dir));
            return std::nullopt;
        }
        ring = KeyRing();
    }
    ring->rotate(0, now);
    if (!save(*ring, path, error))
        return std::nullopt;
    return ring;
}

std::optional<SigningKey> KeyRingFile::rotate(const QString &path, qint64 graceSeconds, qint64 now,
                                              QString *error)
{
    auto ring = load(path, error);
    if (!ring)
        return std::nullopt;
    const SigningKey key = ring->rotate(graceSeconds, now);
    if (!save(*ring, path, error))
        return std::nullopt;
    return key;
}

} // namespace tickscope
