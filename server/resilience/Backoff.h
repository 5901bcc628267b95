#pragma once

#include <QString>
#include <QtGlobal>
#include <functional>

namespace tickscope {

// The limits of a Backoff.
struct BackoffConfig
{
    qint64 baseMs = 100;
    qint64 capMs = 30'000;

    // Empty when valid, else a message naming the value and the rule.
    QString validate() const;
};

// Exponential backoff with "full jitter": the delay before retry number `attempt` (0-based)
// is uniform in [0, min(cap, base * 2^attempt)]. Full jitter spreads the reconnects of many
// clients that lost the same peer at the same moment, instead of having them retry in lockstep.
class Backoff
{
public:
    // Returns a number in [0, 1). Injected so tests are deterministic.
    using RandomSource = std::function<double()>;

    using Config = BackoffConfig;

    // An invalid config is clamped (base at least 1 ms, cap at least base); callers that take
    // the values from the user check Config::validate() first. Without a random source the
    // global QRandomGenerator is used.
    explicit Backoff(Config config = {}, RandomSource random = {});

    // A deterministic source for tests: a QRandomGenerator seeded with `seed`.
    static RandomSource seededSource(quint32 seed);

    // The upper bound of the delay for `attempt`: min(cap, base * 2^attempt), overflow-safe.
    qint64 ceilingMs(int attempt) const;
    // A jittered delay for `attempt`, in [0, ceilingMs(attempt)].
    qint64 delayMs(int attempt) const;

    // The delay for the current attempt counter, which then advances by one.
    qint64 nextDelayMs();
    int attempt() const { return m_attempt; }
    void reset() { m_attempt = 0; }

    const Config &config() const { return m_config; }

private:
    Config m_config;
    RandomSource m_random;
    int m_attempt = 0;
};

} // namespace tickscope
