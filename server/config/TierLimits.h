#pragma once

#include <QHash>
#include <QString>

namespace tickscope {

// Token-bucket sizes of one rate-limit tier (PROTOCOL.md section 7): a rate per second and a
// burst (bucket capacity) for commands and for HTTP API requests.
struct TierLimits
{
    double commandsPerSecond = 0;
    double commandsBurst = 0;
    double httpPerSecond = 0;
    double httpBurst = 0;
    // Buckets per client address are this many times a tier's per-subject sizes, so
    // that a few subjects behind one address are not limited by each other.
    static constexpr double AddressFactor = 4;

    // The `unlimited` tier: the numbers above mean nothing, nothing is limited.
    bool unlimited = false;

    static constexpr QLatin1StringView DefaultTier{"default"};
    static constexpr QLatin1StringView ProducerTier{"producer"};
    static constexpr QLatin1StringView UnlimitedTier{"unlimited"};

    static TierLimits limited(double commandsPerSecond, double commandsBurst, double httpPerSecond,
                              double httpBurst)
    {
        return {commandsPerSecond, commandsBurst, httpPerSecond, httpBurst, false};
    }
    static TierLimits none() { return {0, 0, 0, 0, true}; }

    // The tiers that always exist before any configuration.
    static QHash<QString, TierLimits> builtIn()
    {
        return {
            {QString(DefaultTier), limited(50, 100, 20, 40)},
            {QString(ProducerTier), limited(1000, 2000, 20, 40)},
            {QString(UnlimitedTier), none()},
        };
    }

    friend bool operator==(const TierLimits &, const TierLimits &) = default;
};

} // namespace tickscope
