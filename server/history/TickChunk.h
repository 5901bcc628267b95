#pragma once

#include <QByteArray>
#include <QString>

#include <memory>
#include <vector>

namespace tickscope {

// Consecutive ticks of one symbol from one committed batch, serialized once: every
// viewer of the symbol sends these bytes, and catch-up reads slices of them.
struct TickChunk
{
    QString symbol;
    qint64 firstSeq = 0;
    qint64 lastSeq = 0;
    QByteArray json;          // tick objects joined by commas
    std::vector<int> offsets; // start of each tick in `json`; offsets.size() == count()

    qint64 count() const { return lastSeq - firstSeq + 1; }
    // The bytes of ticks [seq, lastSeq] (seq within the chunk).
    QByteArrayView from(qint64 seq) const;
    // The bytes of ticks [seq, seq + n).
    QByteArrayView range(qint64 seq, qint64 n) const;
};

using TickChunkPtr = std::shared_ptr<const TickChunk>;

} // namespace tickscope
