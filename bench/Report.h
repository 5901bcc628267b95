#pragma once

#include "LatencyHistogram.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace tickscope::bench {

// The outcome of one scenario: a table for people, JSON for tools.
struct ScenarioResult
{
    QString title;
    QList<std::pair<QString, QString>> rows;
    QJsonObject json;
    QStringList problems; // why the run failed or is not to be trusted
    bool failed = false;  // the run failed or found continuity errors: exit status 1

    void row(const QString &label, const QString &value) { rows.append({label, value}); }
    void problem(const QString &text, bool fatal = true)
    {
        problems.append(text);
        failed = failed || fatal;
    }
    void print(QTextStream &out) const;
    QJsonObject toJson() const;
};

namespace Format {

QString count(double value);                     // 1,234,567
QString rate(double perSecond);                  // 1,234,567/s
QString ms(double microseconds);                 // 1.23 ms
QString latency(const LatencyHistogram &micros); // p50 .. p99 .. p99.9 .. max (ms)
QString kib(qint64 kib);                         // 12.3 MiB
QString seconds(double s);                       // 1.234 s

} // namespace Format

} // namespace tickscope::bench
