#pragma once

#include <QByteArray>
#include <memory>
#include <vector>

namespace prometheus {
class Collectable;
struct MetricFamily;
} // namespace prometheus

namespace tickscope {

// Renders metrics in the Prometheus text exposition format 0.0.4, the body of /metrics.
class MetricsText
{
public:
    // The Content-Type the HTTP layer serves the text with.
    static constexpr char ContentType[] = "text/plain; version=0.0.4; charset=utf-8";

    static QByteArray render(const std::vector<prometheus::MetricFamily> &families);
    static QByteArray render(const prometheus::Collectable &collectable);
    // Null entries are skipped.
    static QByteArray
    render(const std::vector<std::shared_ptr<const prometheus::Collectable>> &collectables);
};

} // namespace tickscope
