#include "feed/SyntheticFeed.h"

#include "core/Clock.h"
#include "core/Symbol.h"

#include <QSet>
#include <algorithm>
#include <cmath>

namespace tickscope {

namespace {

// Relative pull back towards the starting price per tick: keeps a long-running feed in a
// believable range (a half-life of some 70,000 ticks of the symbol).
constexpr double Reversion = 1e-5;
constexpr double BurstFactor = 6.0;
constexpr quint64 BurstOdds = 3; // out of 65536 ticks of a symbol
// Sum of four uniform 16-bit numbers, centred and scaled to unit variance (Irwin-Hall): a
// cheap, portable stand-in for a normal deviate (std::normal_distribution differs between
// standard libraries, which would break determinism across platforms).
constexpr double IrwinHallScale = 1.7320508075688772 / 65536.0;

QString formatRate(double rate)
{
    return QString::number(rate, 'g', 15);
}

} // namespace

QString SyntheticFeedConfig::validate() const
{
    if (symbols.isEmpty())
        return u"synthetic feed: the symbol list is empty; name at least one symbol"_qs;
    if (symbols.size() > MaxSymbols)
        return u"synthetic feed: %1 symbols is more than the limit of %2"_qs.arg(symbols.size())
            .arg(MaxSymbols);
    QSet<QString> seen;
    for (const QString &symbol : symbols) {
        if (!Symbol::isValid(symbol))
            return u"synthetic feed: invalid symbol \"%1\": a symbol is 1-32 characters of "
                   "A-Z a-z 0-9 . _ : / -, starting with a letter or digit"_qs.arg(symbol);
        if (seen.contains(symbol))
            return u"synthetic feed: symbol \"%1\" is listed twice"_qs.arg(symbol);
        seen.insert(symbol);
    }
    if (!std::isfinite(ticksPerSecond) || ticksPerSecond < 0 || ticksPerSecond > MaxTicksPerSecond)
        return u"synthetic feed: rate must be between 0 and %1 ticks/s, got %2"_qs.arg(
            formatRate(MaxTicksPerSecond), formatRate(ticksPerSecond));
    if (intervalMs < 1 || intervalMs > 1000)
        return u"synthetic feed: interval must be 1-1000 ms, got %1 ms"_qs.arg(intervalMs);
    if (maxBatch < 1 || maxBatch > 1'000'000)
        return u"synthetic feed: max batch must be 1-1000000 ticks, got %1"_qs.arg(maxBatch);
    return {};
}

SyntheticFeed::SyntheticFeed(SyntheticFeedConfig config, QObject *parent)
    : TickFeed(parent), m_config(std::move(config)), m_random(m_config.seed), m_timer(this)
{
    m_config.intervalMs = std::clamp(m_config.intervalMs, 1, 1000);
    m_config.maxBatch = std::clamp(m_config.maxBatch, 1, 1'000'000);
    m_rate = std::isfinite(m_config.ticksPerSecond)
                 ? std::clamp(m_config.ticksPerSecond, 0.0, SyntheticFeedConfig::MaxTicksPerSecond)
                 : 0.0;

    QSet<QString> seen;
    double total = 0;
    for (const QString &symbol : std::as_const(m_config.symbols)) {
        if (!Symbol::isValid(symbol) || seen.contains(symbol) ||
            qsizetype(m_states.size()) >= SyntheticFeedConfig::MaxSymbols)
            continue;
        seen.insert(symbol);
        SymbolState state;
        state.symbol = symbol;
        state.profile = InstrumentProfile::forSymbol(symbol);
        state.mid = state.profile.startPrice;
        state.stepsPerUnit = double(state.profile.tickScale) / double(state.profile.tickUnits);
        total += state.profile.weight;
        m_cumulativeWeights.push_back(total);
        m_states.push_back(std::move(state));
    }

    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(m_config.intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &SyntheticFeed::poll);
    setStatus(u"synthetic feed stopped"_qs, false);
}

void SyntheticFeed::setClocks(MonotonicClock monotonic, WallClock wall)
{
    m_monotonic = std::move(monotonic);
    m_wall = std::move(wall);
}

qint64 SyntheticFeed::nowNs() const
{
    return m_monotonic ? m_monotonic() : Clock::monotonicNs();
}

qint64 SyntheticFeed::wallUs() const
{
    return m_wall ? m_wall() : Clock::nowUs();
}

QStringList SyntheticFeed::symbols() const
{
    QStringList out;
    out.reserve(qsizetype(m_states.size()));
    for (const SymbolState &state : m_states)
        out.append(state.symbol);
    return out;
}

QString SyntheticFeed::describe() const
{
    const qsizetype count = qsizetype(m_states.size());
    return u"synthetic %1 ticks/s, %2 %3"_qs.arg(formatRate(m_rate))
        .arg(count)
        .arg(count == 1 ? u"symbol"_qs : u"symbols"_qs);
}

void SyntheticFeed::start()
{
    if (m_running)
        return;
    m_running = true;
    m_lastTimeUs = std::max(m_lastTimeUs, wallUs());
    rebase(nowNs());
    if (m_rate > 0 && !m_states.empty())
        m_timer.start();
    updateStatus();
}

void SyntheticFeed::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_timer.stop();
    updateStatus();
}

void SyntheticFeed::setRate(double ticksPerSecond)
{
    const double rate =
        std::isfinite(ticksPerSecond)
            ? std::clamp(ticksPerSecond, 0.0, SyntheticFeedConfig::MaxTicksPerSecond)
            : 0.0;
    if (rate == m_rate)
        return;
    // What was due at the old rate is settled first, so a change never makes a burst.
    if (m_running)
        poll();
    m_rate = rate;
    if (m_running) {
        rebase(nowNs());
        if (m_rate > 0 && !m_states.empty())
            m_timer.start();
        else
            m_timer.stop();
    }
    updateStatus();
}

void SyntheticFeed::updateStatus()
{
    if (!m_running)
        setStatus(u"synthetic feed stopped"_qs, false);
    else if (m_rate <= 0 || m_states.empty())
        setStatus(u"synthetic feed idle (rate 0)"_qs, true);
    else
        setStatus(u"%1 running"_qs.arg(describe()), true);
}

void SyntheticFeed::rebase(qint64 nowNs)
{
    m_originNs = nowNs;
    m_lastPollNs = nowNs;
    m_carry = 0;
    m_emittedSinceOrigin = 0;
}

void SyntheticFeed::poll()
{
    if (!m_running || m_states.empty())
        return;
    const qint64 now = nowNs();
    if (m_rate <= 0) {
        rebase(now);
        return;
    }
    const qint64 elapsedNs = std::max<qint64>(0, now - m_originNs);
    // rate * ns / 1e9 rather than * 1e-9: exact for whole rates and whole microseconds.
    const double dueSinceOrigin = m_carry + m_rate * double(elapsedNs) / 1e9;
    const qint64 due = qint64(std::floor(dueSinceOrigin)) - m_emittedSinceOrigin;
    if (due <= 0)
        return;

    if (!isAccepting()) {
        m_droppedTotal += due;
        rebase(now);
        return;
    }

    const qint64 count = std::min<qint64>(due, m_config.maxBatch);
    const qint64 stepUs = std::max<qint64>(0, (now - m_lastPollNs) / 1000);
    if (count < due) {
        m_droppedTotal += due - count;
        rebase(now);
    } else {
        m_emittedSinceOrigin += count;
        m_lastPollNs = now;
        // Move the origin now and then, keeping only the fraction, so that the double
        // arithmetic stays exact however long the feed runs.
        if (elapsedNs >= 1'000'000'000) {
            m_carry = dueSinceOrigin - double(m_emittedSinceOrigin);
            m_originNs = now;
            m_emittedSinceOrigin = 0;
        }
    }

    // Spread the batch's time stamps over the interval it stands for, never going back.
    const qint64 toUs = std::max(wallUs(), m_lastTimeUs);
    const qint64 fromUs = std::max(m_lastTimeUs, toUs - stepUs);
    TickList batch;
    batch.reserve(count);
    appendTicks(batch, count, fromUs, toUs);
    m_lastTimeUs = toUs;
    m_emittedTotal += count;
    emit ticks(batch);
}

TickList SyntheticFeed::generate(qsizetype count)
{
    TickList out;
    if (count <= 0 || m_states.empty())
        return out;
    out.reserve(count);
    const qint64 now = std::max(wallUs(), m_lastTimeUs);
    appendTicks(out, count, now, now);
    m_lastTimeUs = now;
    return out;
}

void SyntheticFeed::appendTicks(TickList &out, qsizetype count, qint64 fromUs, qint64 toUs)
{
    const qsizetype symbolCount = qsizetype(m_states.size());
    const double totalWeight = m_cumulativeWeights.back();
    const qint64 spanUs = toUs - fromUs;
    for (qsizetype i = 0; i < count; ++i) {
        const quint64 r1 = m_random();
        const quint64 r2 = m_random();
        const quint64 r3 = m_random();

        qsizetype index = 0;
        if (symbolCount > 1) {
            const double pick = double(r3 >> 11) * 0x1.0p-53 * totalWeight;
            index = std::upper_bound(m_cumulativeWeights.begin(), m_cumulativeWeights.end(), pick) -
                    m_cumulativeWeights.begin();
            index = std::min(index, symbolCount - 1);
        }
        SymbolState &state = m_states[size_t(index)];
        const InstrumentProfile &profile = state.profile;

        // r2: bits 0-31 size, 32-39 burst length, 40-47 odd/round lot, 48-63 burst start.
        double volatility = profile.volatility;
        if (state.burstLeft > 0) {
            volatility *= BurstFactor;
            --state.burstLeft;
        } else if ((r2 >> 48) < BurstOdds) {
            state.burstLeft = 64 + int((r2 >> 32) & 0xff);
        }
        const double z =
            double((r1 & 0xffff) + ((r1 >> 16) & 0xffff) + ((r1 >> 32) & 0xffff) + (r1 >> 48)) *
                IrwinHallScale -
            2.0 * 65536.0 * IrwinHallScale;
        state.mid *= 1.0 + volatility * z;
        state.mid += Reversion * (profile.startPrice - state.mid);
        qint64 steps = std::llround(state.mid * state.stepsPerUnit);
        if (steps < 1) {
            steps = 1;
            state.mid = 1.0 / state.stepsPerUnit;
        }
        const double price = double(steps * profile.tickUnits) / double(profile.tickScale);

        const double u = double(r2 & 0xffffffffu) * 0x1.0p-32;
        double size;
        if (profile.roundLots) {
            // Mostly round lots of 100-500 shares, some odd lots of 1-99.
            size = ((r2 >> 40) & 0xff) < 154 ? 100.0 * double(1 + int(u * 5))
                                             : double(1 + int(u * 99));
        } else {
            // Skewed towards small trades: many small, a few near the maximum.
            const double skew = u * u * u * u;
            const qint64 lots =
                std::min(profile.maxLots, 1 + qint64(skew * double(profile.maxLots)));
            size = double(lots * profile.sizeUnits) / double(profile.sizeScale);
        }

        const qint64 timeUs = count > 1 ? fromUs + spanUs * (i + 1) / count : toUs;
        out.emplaceBack(Tick{state.symbol, 0, timeUs, price, size});
    }
}

} // namespace tickscope
