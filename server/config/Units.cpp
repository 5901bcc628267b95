#include "Units.h"

#include <limits>

namespace tickscope {

namespace {

struct Unit
{
    QLatin1StringView suffix;
    qint64 factor;
};

// Longest suffixes first so that "ms" is not read as "m" followed by garbage.
constexpr Unit durationUnits[] = {
    {QLatin1StringView("ms"), 1},         {QLatin1StringView("s"), 1000},
    {QLatin1StringView("m"), 60'000},     {QLatin1StringView("h"), 3'600'000},
    {QLatin1StringView("d"), 86'400'000},
};

constexpr Unit byteUnits[] = {
    {QLatin1StringView("KiB"), qint64(1) << 10},
    {QLatin1StringView("MiB"), qint64(1) << 20},
    {QLatin1StringView("GiB"), qint64(1) << 30},
    {QLatin1StringView("TiB"), qint64(1) << 40},
    {QLatin1StringView("B"), 1},
};

// Splits "  8 MiB " into 8 and "MiB". Fails on signs, fractions and empty numbers, naming why.
std::optional<qint64> parseScaled(QStringView text, const Unit *units, qsizetype unitCount,
                                  qint64 plainFactor, const QString &shape, QString *rule)
{
    auto fail = [&](const QString &why) -> std::optional<qint64> {
        if (rule)
            *rule = why;
        return std::nullopt;
    };
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return fail(shape);
    if (trimmed.front() == u'-')
        return fail(u"must not be negative"_qs);

    qsizetype digits = 0;
    qint64 number = 0;
    bool overflow = false;
    while (digits < trimmed.size() && trimmed[digits] >= u'0' && trimmed[digits] <= u'9') {
        const int digit = trimmed[digits].unicode() - u'0';
        if (number > (std::numeric_limits<qint64>::max() - digit) / 10)
            overflow = true;
        else
            number = number * 10 + digit;
        ++digits;
    }
    if (digits == 0)
        return fail(shape);
    if (digits < trimmed.size() && trimmed[digits] == u'.')
        return fail(u"must be a whole number ("_qs + shape + u')');

    const QStringView suffix = trimmed.mid(digits).trimmed();
    qint64 factor = plainFactor;
    if (!suffix.isEmpty()) {
        factor = 0;
        for (qsizetype i = 0; i < unitCount; ++i) {
            if (suffix.compare(units[i].suffix, Qt::CaseInsensitive) == 0) {
                factor = units[i].factor;
                break;
            }
        }
        if (factor == 0)
            return fail(shape);
    }
    if (overflow || number > std::numeric_limits<qint64>::max() / factor)
        return fail(u"is too large"_qs);
    return number * factor;
}

QString formatScaled(qint64 value, const Unit *units, qsizetype unitCount)
{
    if (value == 0)
        return u"0"_qs;
    const Unit *best = nullptr;
    for (qsizetype i = 0; i < unitCount; ++i) {
        if (value % units[i].factor == 0 && (!best || units[i].factor > best->factor))
            best = &units[i];
    }
    if (!best)
        return QString::number(value);
    return QString::number(value / best->factor) + best->suffix;
}

} // namespace

QString Units::durationRule()
{
    return u"must be a duration like 500ms, 30s, 5m, 1h or 7d (a plain number is seconds)"_qs;
}

QString Units::byteSizeRule()
{
    return u"must be a size like 65536, 64KiB, 8MiB or 1GiB (a plain number is bytes)"_qs;
}

std::optional<std::chrono::milliseconds> Units::parseDuration(QStringView text, QString *rule)
{
    const auto ms =
        parseScaled(text, durationUnits, std::size(durationUnits), 1000, durationRule(), rule);
    if (!ms)
        return std::nullopt;
    return std::chrono::milliseconds(*ms);
}

std::optional<qint64> Units::parseByteSize(QStringView text, QString *rule)
{
    return parseScaled(text, byteUnits, std::size(byteUnits), 1, byteSizeRule(), rule);
}

QString Units::formatDuration(std::chrono::milliseconds duration)
{
    if (duration.count() < 0)
        return QString::number(duration.count()) + u"ms"_qs;
    return formatScaled(duration.count(), durationUnits, std::size(durationUnits));
}

QString Units::formatByteSize(qint64 bytes)
{
    if (bytes < 1024)
        return QString::number(bytes);
    const QString text = formatScaled(bytes, byteUnits, std::size(byteUnits));
    // formatScaled picks "B" for sizes that are not a whole KiB; plain bytes read better.
    return text.endsWith(u"KiB"_qs) || text.endsWith(u"MiB"_qs) || text.endsWith(u"GiB"_qs) ||
                   text.endsWith(u"TiB"_qs)
               ? text
               : QString::number(bytes);
}

} // namespace tickscope
