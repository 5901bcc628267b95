#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QUrl>
#include <optional>

namespace tickscope::bench {

// One read of a server's /metrics page (Prometheus text format): every sample by its name
// and labels as the page writes them, e.g. `x_total` or `x_bucket{le="0.017"}`.
class MetricsScrape
{
public:
    // GETs /metrics from the server whose stream is at `streamUrl` (ws://host:port/...).
    static std::optional<MetricsScrape> fetch(const QUrl &streamUrl, int timeoutMs, QString *error);
    static MetricsScrape parse(const QByteArray &text);

    std::optional<double> value(const QString &sample) const;
    double value(const QString &sample, double fallback) const
    {
        return value(sample).value_or(fallback);
    }
    // The value of `label` on the first sample of `name` that has it; empty when none has.
    QString label(const QString &name, const QString &label) const;

private:
    QHash<QString, double> m_samples;
};

} // namespace tickscope::bench
