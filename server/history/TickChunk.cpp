#include "TickChunk.h"

namespace tickscope {

QByteArrayView TickChunk::from(qint64 seq) const
{
    const auto index = size_t(seq - firstSeq);
    return QByteArrayView(json).sliced(offsets[index]);
}

QByteArrayView TickChunk::range(qint64 seq, qint64 n) const
{
    const auto begin = size_t(seq - firstSeq);
    const auto end = begin + size_t(n);
    const int start = offsets[begin];
    // The separator comma after the last tick is not part of the range.
    const int stop = end < offsets.size() ? offsets[end] - 1 : int(json.size());
    return QByteArrayView(json).sliced(start, stop - start);
}

} // namespace tickscope
