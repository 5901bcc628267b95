#pragma once

#include "feed/InstrumentProfile.h"
#include "feed/TickFeed.h"

#include <QStringList>
#include <QTimer>
#include <functional>
#include <random>
#include <vector>

namespace tickscope {

// The settings of a SyntheticFeed.
struct SyntheticFeedConfig
{
    static constexpr double MaxTicksPerSecond = 10'000'000;
    static constexpr int MaxSymbols = 10'000;

    QStringList symbols;
    double ticksPerSecond = 200; // across all symbols; 0 leaves the feed idle
    quint64 seed = 1;
    int intervalMs = 2;    // how often a batch is generated
    int maxBatch = 20'000; // the most one batch holds; a longer stall drops the backlog

    // Empty when valid, else a message naming the value and the rule.
    QString validate() const;
};

// Random-walk ticks for a list of symbols at a configured total rate. The sequence of
// (symbol, price, size) is a function of the seed and the symbol list alone: the same seed
// and symbols give the same ticks, whatever the batch sizes; only the time stamps (wall
// clock) differ between runs.
//
// Each symbol follows a geometric random walk with weak mean reversion around its profile's
// starting price (see InstrumentProfile), with occasional bursts of higher volatility;
// prices are on the symbol's tick grid and never below one tick. Symbols are drawn at random
// in proportion to their profile weights (BTC-USD and SPY trade more than KO).
//
// A timer generates, every intervalMs, as many ticks as the rate makes due since the start
// (the fractional remainder carries over, so the long-run rate is exact). When the event
// loop stalls, at most maxBatch ticks come at once and the rest of the backlog is dropped:
// the feed is synthetic, catching up would only make a burst. While the server does not
// accept ticks (see TickFeed), the due ticks are dropped the same way.
class SyntheticFeed : public TickFeed
{
    Q_OBJECT
public:
    using MonotonicClock = std::function<qint64()>; // nanoseconds, any origin
    using WallClock = std::function<qint64()>;      // microseconds since the Unix epoch

    // The config should have passed validate(); invalid or repeated symbols are skipped and
    // numbers are clamped into their ranges.
    explicit SyntheticFeed(SyntheticFeedConfig config, QObject *parent = nullptr);

    void start() override;
    void stop() override;
    QString describe() const override;

    bool isRunning() const { return m_running; }
    double rate() const { return m_rate; }
    // Changes the rate from now on (clamped to 0..MaxTicksPerSecond); 0 idles the feed.
    void setRate(double ticksPerSecond);
    QStringList symbols() const;
    const InstrumentProfile &profile(qsizetype index) const { return m_states[index].profile; }

    // The next `count` ticks of the sequence, stamped with the wall clock now; for tools and
    // tests (the timer uses the same generator).
    TickList generate(qsizetype count);

    // Replaces the clocks; for tests, call before start().
    void setClocks(MonotonicClock monotonic, WallClock wall);
    // One timer step: emits the ticks that became due since the last one. Public so that
    // tests with an injected clock can drive it.
    void poll();

    qint64 emittedTicks() const { return m_emittedTotal; }
    // Ticks that were due but not generated (stall beyond maxBatch, or held back).
    qint64 droppedTicks() const { return m_droppedTotal; }

private:
    struct SymbolState
    {
        QString symbol;
        InstrumentProfile profile;
        double mid = 0;          // the walk, off the grid; prices are rounded from it
        double stepsPerUnit = 0; // tickScale / tickUnits
        int burstLeft = 0;
    };

    void appendTicks(TickList &out, qsizetype count, qint64 fromUs, qint64 toUs);
    // Forgets what was due so far: the next poll counts from `nowNs`.
    void rebase(qint64 nowNs);
    void updateStatus();
    qint64 nowNs() const;
    qint64 wallUs() const;

    SyntheticFeedConfig m_config;
    double m_rate = 0;
    std::mt19937_64 m_random;
    std::vector<SymbolState> m_states;
    std::vector<double> m_cumulativeWeights;
    QTimer m_timer; // a child, so that moveToThread() takes it along
    MonotonicClock m_monotonic;
    WallClock m_wall;
    bool m_running = false;

    // Rate accounting: due(now) = floor(carry + rate * (now - origin)) - emittedSinceOrigin.
    qint64 m_originNs = 0;
    double m_carry = 0;
    qint64 m_emittedSinceOrigin = 0;
    qint64 m_lastPollNs = 0;
    qint64 m_lastTimeUs = 0;

    qint64 m_emittedTotal = 0;
    qint64 m_droppedTotal = 0;
};

} // namespace tickscope
