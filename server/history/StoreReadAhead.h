#pragma once

#include "history/StoreThread.h"

#include <QString>
#include <optional>
#include <vector>

namespace tickscope {

// A page: which history, which symbol, from which q, how many ticks at most.
struct StoreReadAheadKey
{
    QString epoch;
    QString symbol;
    qint64 fromSeq = 0;
    int limit = 0;
    bool operator==(const StoreReadAheadKey &) const = default;
};

// The pages a catch-up will ask for next, read on the store thread while the socket
// thread sends the page before: a viewer replaying history asks for (symbol, q, limit),
// sends the ticks, then asks for the page after the last q. Reading it ahead keeps the
// store thread busy meanwhile instead of idle. Entries name the epoch they were read in,
// so a store reopened on a new history never serves ticks of the old one. Store thread
// only.
class StoreReadAhead
{
public:
    using Key = StoreReadAheadKey;

    // The page after `page` when it was full (more ticks may follow); else nothing.
    static std::optional<Key> next(const QString &epoch, const QString &symbol, int limit,
                                   const StoreThread::ReadResult &page);

    // The page read ahead for `key` (it stays: viewers that reconnect together with the
    // same `since` ask for the same pages); nothing if it was not read.
    std::optional<StoreThread::ReadResult> find(const Key &key);
    bool contains(const Key &key) const;
    // Keeps at most MaxPages pages; the least recently used goes first.
    void put(Key key, StoreThread::ReadResult page);
    void clear() { m_pages.clear(); }

    static constexpr size_t MaxPages = 8;

private:
    std::vector<std::pair<Key, StoreThread::ReadResult>> m_pages; // least recently used first
};

} // namespace tickscope
