#include "metrics/MetricsText.h"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>
#include <sstream>

namespace tickscope {

QByteArray MetricsText::render(const std::vector<prometheus::MetricFamily> &families)
{
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, families);
    const std::string text = out.str();
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

QByteArray MetricsText::render(const prometheus::Collectable &collectable)
{
    return render(collectable.Collect());
}

QByteArray
MetricsText::render(const std::vector<std::shared_ptr<const prometheus::Collectable>> &collectables)
{
    std::vector<prometheus::MetricFamily> families;
    for (const auto &collectable : collectables) {
        if (!collectable)
            continue;
        auto collected = collectable->Collect();
        families.insert(families.end(), std::make_move_iterator(collected.begin()),
                        std::make_move_iterator(collected.end()));
    }
    return render(families);
}

} // namespace tickscope
