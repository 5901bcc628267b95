#include "Hub.h"

#include "TextFrame.h"
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
    // The frame of the whole batch, encoded once and only if some session wants it: the
    // common case of many viewers of every symbol then costs one frame, not one per viewer.
    QByteArray wholeBatch;
    const std::function<const QByteArray &()> whole = [&]() -> const QByteArray & {
        if (wholeBatch.isEmpty()) {
            const QByteArrayView prefix = ServerMessage::ticksPrefix();
            const QByteArrayView suffix = ServerMessage::ticksSuffix();
            qsizetype payload = prefix.size() + suffix.size();
            for (const TickChunkPtr &chunk : chunks)
                payload += chunk->json.size() + 1;
            payload -= chunks.empty() ? 0 : 1;
            const qsizetype header = TextFrame::headerBytes(payload);
            wholeBatch.reserve(header + payload);
            wholeBatch.resize(header);
            TextFrame::writeHeader(wholeBatch.data(), payload);
            wholeBatch.append(prefix);
            for (size_t i = 0; i < chunks.size(); ++i) {
                if (i)
                    wholeBatch.append(',');
                wholeBatch.append(chunks[i]->json);
            }
            wholeBatch.append(suffix);
            Q_ASSERT(wholeBatch.size() == header + payload);
        }
        return wholeBatch;
    };
    for (ViewerSession *session : std::as_const(touched))
        session->endOfBatch(committedNs, chunks.size(), whole);
}

} // namespace tickscope
