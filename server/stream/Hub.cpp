#include "Hub.h"

#include "ViewerSession.h"
#include "protocol/ServerMessage.h"

#include <functional>

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
    ++m_batchId;
    QSet<ViewerSession *> touched;
    for (const TickChunkPtr &chunk : chunks) {
        const auto it = m_subscribers.constFind(chunk->symbol);
        if (it == m_subscribers.cend())
            continue;
        for (ViewerSession *session : *it) {
            session->deliver(chunk, m_batchId);
            touched.insert(session);
        }
    }
    // The frame of the whole batch, made once and only if some session wants it: the
    // common case of many viewers of every symbol then costs one conversion, not one
    // per viewer.
    QString wholeBatch;
    bool built = false;
    const std::function<const QString &()> whole = [&]() -> const QString & {
        if (!built) {
            QByteArray frame;
            qsizetype size = 16;
            for (const TickChunkPtr &chunk : chunks)
                size += chunk->json.size() + 1;
            frame.reserve(size);
            frame.append(ServerMessage::ticksPrefix());
            for (size_t i = 0; i < chunks.size(); ++i) {
                if (i)
                    frame.append(',');
                frame.append(chunks[i]->json);
            }
            frame.append(ServerMessage::ticksSuffix());
            wholeBatch = QString::fromUtf8(frame);
            built = true;
        }
        return wholeBatch;
    };
    for (ViewerSession *session : std::as_const(touched))
        session->endOfBatch(committedNs, chunks.size(), whole);
}

} // namespace tickscope
