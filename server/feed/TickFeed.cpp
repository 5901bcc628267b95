#include "feed/TickFeed.h"

namespace tickscope {

TickFeed::TickFeed(QObject *parent) : QObject(parent) {}

void TickFeed::setAccepting(AcceptingHook hook)
{
    m_accepting = std::move(hook);
}

bool TickFeed::isAccepting() const
{
    return !m_paused && (!m_accepting || m_accepting());
}

void TickFeed::acknowledge(bool) {}

void TickFeed::pause()
{
    m_paused = true;
}

void TickFeed::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    resumed();
}

void TickFeed::setStatus(const QString &status, bool healthy)
{
    const bool statusChanges = status != m_status;
    const bool healthChanges = healthy != m_healthy;
    m_status = status;
    m_healthy = healthy;
    if (statusChanges)
        emit statusChanged(status);
    if (healthChanges)
        emit healthChanged(healthy);
}

} // namespace tickscope
