#pragma once

#include <QtGlobal>

namespace tickscope {

// A token bucket: holds at most `burst` tokens, refills at `rate` tokens per second, starts
// full. Refill is lazy, computed from the monotonic time passed in (nanoseconds), so a bucket
// costs nothing while idle and tests control time exactly. Time that goes backwards is
// treated as no time passing. Not thread-safe.
class TokenBucket
{
public:
    // A negative rate or burst is taken as 0. With rate 0 the bucket never refills.
    TokenBucket(double rate, double burst);

    // Takes n tokens if there are that many, else takes nothing.
    bool tryTake(qint64 nowNs, double n = 1);
    // Nanoseconds until n tokens are available (0 if they are now); -1 if never (n exceeds
    // the burst, or the bucket is short and does not refill).
    qint64 retryAfterNs(qint64 nowNs, double n = 1) const;

    double tokens(qint64 nowNs) const;
    // A full bucket behaves exactly like a new one, so it can be dropped and recreated.
    bool isFull(qint64 nowNs) const;

    double rate() const { return m_rate; }
    double burst() const { return m_burst; }
    // Changes the limits (a client's tier changed), keeping the tokens it has (at most the
    // new burst).
    void reconfigure(double rate, double burst, qint64 nowNs);

private:
    void refill(qint64 nowNs);
    double tokensAt(qint64 nowNs) const;

    double m_rate;
    double m_burst;
    double m_tokens;
    qint64 m_lastNs = 0;
    bool m_started = false;
};

} // namespace tickscope
