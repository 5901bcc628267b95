#include "Report.h"

#include <QJsonArray>
#include <QLocale>

namespace tickscope::bench {

void ScenarioResult::print(QTextStream &out) const
{
    out << "\n== " << title << " ==\n";
    qsizetype width = 0;
    for (const auto &row : rows)
        width = std::max(width, row.first.size());
    for (const auto &row : rows)
        out << "  " << row.first.leftJustified(width + 2) << row.second << '\n';
    for (const QString &problem : problems)
        out << "  !! " << problem << '\n';
    out << "  result: " << (failed ? "FAILED" : "ok") << '\n';
    out.flush();
}

QJsonObject ScenarioResult::toJson() const
{
    QJsonObject result = json;
    result.insert(u"ok"_qs, !failed);
    result.insert(u"problems"_qs, QJsonArray::fromStringList(problems));
    return result;
}

namespace Format {

QString count(double value)
{
    QLocale locale(QLocale::English);
    return locale.toString(qint64(std::llround(value)));
}

QString rate(double perSecond)
{
    return count(perSecond) + u"/s"_qs;
}

QString ms(double microseconds)
{
    const double millis = microseconds / 1000.0;
    return QString::number(millis, 'f', millis < 10 ? 2 : millis < 100 ? 1 : 0) + u" ms"_qs;
}

QString latency(const LatencyHistogram &micros)
{
    if (micros.count() == 0)
        return u"no samples"_qs;
    return u"p50 %1  p99 %2  p99.9 %3  max %4  (%5 samples)"_qs.arg(
        ms(double(micros.percentile(0.5))), ms(double(micros.percentile(0.99))),
        ms(double(micros.percentile(0.999))), ms(double(micros.max())),
        count(double(micros.count())));
}

QString kib(qint64 kib)
{
    if (kib < 0)
        return u"n/a"_qs;
    if (kib < 10 * 1024)
        return QString::number(kib) + u" KiB"_qs;
    return QString::number(double(kib) / 1024.0, 'f', 1) + u" MiB"_qs;
}

QString seconds(double s)
{
    return QString::number(s, 'f', s < 10 ? 3 : 1) + u" s"_qs;
}

} // namespace Format

} // namespace tickscope::bench
