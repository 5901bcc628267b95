#include "Hub.h"

#include "ViewerSession.h"

namespace tickscope {

void Hub::add(ViewerSession *session, const QString &symbol)
{
    m_subscribers[symbol].insert(session);
}

void Hub::remove(ViewerSession *session, const QString &symbol)
{
    auto it = m_subscribers.find(symbol);
    if (it == m_subscribers.end())
        return;
    it->remove(session);
    if (it->isEmpty())
        m_subscribers.erase(it);
}

void Hub::removeAll(ViewerSession *session, const QStringList &symbols)
{
    for (const QString &symbol : symbols)
        remove(session, symbol);
}

qsizetype Hub::subscriberCount(const QString &symbol) const
{
    return m_subscribers.value(symbol).size();
}

void Hub::fanOut(const std::vector<TickChunkPtr> &chunks, qint64 committedNs)
{
    QSet<ViewerSession *> touched;
    for (const TickChunkPtr &chunk : chunks) {
        const auto it = m_subscribers.constFind(chunk->symbol);
        if (it == m_subscribers.cend())
            continue;
        for (ViewerSession *session : *it) {
            session->deliver(chunk);
            touched.insert(session);
        }
    }
    for (ViewerSession *session : std::as_const(touched))
        session->endOfBatch(committedNs);
}

} // namespace tickscope
