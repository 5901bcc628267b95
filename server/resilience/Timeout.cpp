#include "resilience/Timeout.h"

#include <algorithm>

namespace tickscope {

// The timer is a child so that moveToThread() takes it along.
Timeout::Timeout(QObject *parent) : QObject(parent), m_timer(this)
{
    m_timer.setSingleShot(true);
    // Timeouts guard operations of seconds; coarse timers would add up to 5 % of slack,
    // which matters for the short limits used in tests.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Timeout::expired);
}

void Timeout::start(int ms)
{
    m_timer.start(std::max(0, ms));
}

void Timeout::cancel()
{
    m_timer.stop();
}

} // namespace tickscope
