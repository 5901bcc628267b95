#pragma once

#include <QString>
#include <QStringView>
#include <chrono>
#include <optional>

namespace tickscope {

// Human units in settings: durations ("500ms", "30s", "5m", "1h", "7d"; a plain integer is
// seconds) and byte sizes ("64KiB", "8MiB", "1GiB"; a plain integer is bytes). Whole numbers
// only, never negative; suffixes are case-insensitive and may follow a space.
class Units
{
public:
    // On failure returns nullopt and, when `rule` is given, the rule the text broke.
    static std::optional<std::chrono::milliseconds> parseDuration(QStringView text,
                                                                  QString *rule = nullptr);
    static std::optional<qint64> parseByteSize(QStringView text, QString *rule = nullptr);

    // The largest unit that represents the value exactly: "5ms", "15s", "10m", "0".
    static QString formatDuration(std::chrono::milliseconds duration);
    // "8MiB", "64KiB", or plain bytes.
    static QString formatByteSize(qint64 bytes);

    static QString durationRule();
    static QString byteSizeRule();
};

} // namespace tickscope
