#include "ServerConfig.h"

#include "config/ConfigKeys.h"

#include <algorithm>

namespace tickscope {

TierLimits ServerConfig::tierOrDefault(const QString &tier) const
{
    const auto it = tiers.constFind(tier);
    if (it != tiers.constEnd())
        return *it;
    return tiers.value(QString(TierLimits::DefaultTier));
}

QList<ConfigEntry> ServerConfig::entries() const
{
    QList<ConfigEntry> out;
    for (const ConfigKey &key : ConfigKeys::all()) {
        out.append({key.name, key.display(*this), sourceOf(key.name), key.is(ConfigKey::Secret)});
    }
    // Tiers by name, `default` first; `unlimited` has no settings to show.
    QStringList names = tiers.keys();
    names.removeAll(QString(TierLimits::UnlimitedTier));
    std::sort(names.begin(), names.end(), [](const QString &a, const QString &b) {
        if ((a == TierLimits::DefaultTier) != (b == TierLimits::DefaultTier))
            return a == TierLimits::DefaultTier;
        return a < b;
    });
    for (const QString &name : names) {
        for (const QString &field : ConfigKeys::tierFields()) {
            const QString key = ConfigKeys::TierKey{name, field}.key();
            out.append({key, ConfigKeys::formatNumber(ConfigKeys::tierField(tiers[name], field)),
                        sourceOf(key), false});
        }
    }
    return out;
}

QStringList ServerConfig::defaultSymbols()
{
    return {u"BTC-USD"_qs,  u"ETH-USD"_qs, u"SOL-USD"_qs, u"XRP-USD"_qs, u"ADA-USD"_qs,
            u"DOGE-USD"_qs, u"AAPL"_qs,    u"MSFT"_qs,    u"NVDA"_qs,    u"AMZN"_qs,
            u"GOOGL"_qs,    u"META"_qs,    u"TSLA"_qs,    u"SPY"_qs,     u"QQQ"_qs,
            u"EURUSD"_qs,   u"GBPUSD"_qs,  u"USDJPY"_qs,  u"ES-FUT"_qs,  u"CL-FUT"_qs};
}

} // namespace tickscope
