#include "StoreReadAhead.h"

#include <algorithm>

namespace tickscope {

std::optional<StoreReadAhead::Key> StoreReadAhead::next(const QString &epoch, const QString &symbol,
                                                        int limit,
                                                        const StoreThread::ReadResult &page)
{
    if (!page.ok || limit <= 0 || page.count < limit || page.lastSeq <= 0)
        return std::nullopt;
    return Key{epoch, symbol, page.lastSeq + 1, limit};
}

std::optional<StoreThread::ReadResult> StoreReadAhead::find(const Key &key)
{
    const auto it = std::find_if(m_pages.begin(), m_pages.end(),
                                 [&key](const auto &entry) { return entry.first == key; });
    if (it == m_pages.end())
        return std::nullopt;
    std::rotate(it, it + 1, m_pages.end());
    return m_pages.back().second;
}

bool StoreReadAhead::contains(const Key &key) const
{
    return std::any_of(m_pages.begin(), m_pages.end(),
                       [&key](const auto &entry) { return entry.first == key; });
}

void StoreReadAhead::put(Key key, StoreThread::ReadResult page)
{
    if (contains(key))
        return;
    if (m_pages.size() >= MaxPages)
        m_pages.erase(m_pages.begin());
    m_pages.emplace_back(std::move(key), std::move(page));
}

} // namespace tickscope
