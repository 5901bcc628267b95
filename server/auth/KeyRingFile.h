#pragma once

#include "KeyRing.h"

#include <QString>
#include <optional>

namespace tickscope {

// The key ring on disk, <data-dir>/keys.json:
//   {"version":1,"keys":[{"kid":"9f2c..","secret":"<base64url>","created_at":1763790000,
//                         "retires_at":0}]}
// Times are seconds since the epoch; retires_at 0 (or absent) means never. The file is
// written atomically (a temporary file renamed over it) and always with mode 0600; the
// environment key is never written. Errors name the file and the rule that failed and
// never contain a secret.
class KeyRingFile
{
public:
    static constexpr int FormatVersion = 1;
    static QString defaultFileName() { return QStringLiteral("keys.json"); }

    // *warning (if given) is set when the file can be read by group or others.
    static std::optional<KeyRing> load(const QString &path, QString *error,
                                       QString *warning = nullptr);
    static bool save(const KeyRing &ring, const QString &path, QString *error);
    // Loads the file, or creates it (and its directory) with one new key on first start.
    // A file without any key active at `now` gets a new key too.
    static std::optional<KeyRing> loadOrCreate(const QString &path, qint64 now, QString *error,
                                               QString *warning = nullptr);
    // `tickscope keys rotate`: load, KeyRing::rotate, save. Returns the new key.
    static std::optional<SigningKey> rotate(const QString &path, qint64 graceSeconds, qint64 now,
                                            QString *error);

    static std::optional<KeyRing> parse(const QByteArray &json, const QString &path,
                                        QString *error);
    static QByteArray serialize(const KeyRing &ring);
};

} // namespace tickscope
