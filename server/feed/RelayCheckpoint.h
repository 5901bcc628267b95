#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <optional>

namespace tickscope {

// Where a RelayFeed stands in its upstream's history, kept in a small JSON file so that a
// restart of our server resumes the relay with `since` instead of losing or repeating ticks:
//   {"version":1,"upstream":"ws://host:8765/v1/stream","epoch":"E","positions":{"BTC-USD":1042}}
// Save it after each batch the store committed (RelayFeed::checkpoint()); load it before
// starting the relay (RelayFeed::setResumePoint()). A point whose upstream differs from the
// configured one belongs to another upstream and should be discarded.
class RelayCheckpoint
{
public:
    struct Point
    {
        QString upstream; // the upstream URL without credentials (RelayFeed::describeUrl)
        QString epoch;    // empty: nothing to resume from
        QHash<QString, qint64> positions; // last upstream q per symbol

        bool isEmpty() const { return epoch.isEmpty(); }
        friend bool operator==(const Point &, const Point &) = default;
    };

    explicit RelayCheckpoint(QString path);

    const QString &path() const { return m_path; }

    // A missing file is an empty point, not an error; an unreadable or malformed one gives
    // nullopt and an error that names the file and the rule.
    std::optional<Point> load(QString *error = nullptr) const;
    // Writes atomically (QSaveFile): a crash leaves the old or the new file, never half.
    bool save(const Point &point, QString *error = nullptr) const;

    static QByteArray toJson(const Point &point);
    static std::optional<Point> fromJson(QStringView json, QString *error = nullptr);

private:
    QString m_path;
};

} // namespace tickscope
