#pragma once

#include "history/TickChunk.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <vector>

namespace tickscope {

class ViewerSession;

// Fans committed ticks out to the sessions subscribed to their symbols: each session
// gets the shared serialized chunks and sends one frame per batch.
class Hub
{
public:
    void add(ViewerSession *session, const QString &symbol);
    void remove(ViewerSession *session, const QString &symbol);
    void removeAll(ViewerSession *session, const QStringList &symbols);

    void fanOut(const std::vector<TickChunkPtr> &chunks, qint64 committedNs);

    qsizetype subscriberCount(const QString &symbol) const;

private:
    QHash<QString, QSet<ViewerSession *>> m_subscribers;
    quint64 m_batchId = 0;
};

} // namespace tickscope
