#include "SymbolTable.h"

namespace tickscope::bench {

SymbolTable::SymbolTable() : m_slots(64), m_mask(63) {}

int SymbolTable::insert(std::string_view symbol)
{
    if (const int found = find(symbol); found >= 0)
        return found;
    if ((m_names.size() + 1) * 2 > m_slots.size())
        grow();
    const quint32 hash = hashOf(symbol);
    quint32 slot = hash & m_mask;
    while (m_slots[slot].index >= 0)
        slot = (slot + 1) & m_mask;
    m_slots[slot] = {hash, int(m_names.size())};
    m_names.emplace_back(symbol);
    return m_slots[slot].index;
}

void SymbolTable::grow()
{
    std::vector<Slot> old = std::move(m_slots);
    m_slots.assign(old.size() * 2, Slot{});
    m_mask = quint32(m_slots.size() - 1);
    for (const Slot &s : old) {
        if (s.index < 0)
            continue;
        quint32 slot = s.hash & m_mask;
        while (m_slots[slot].index >= 0)
            slot = (slot + 1) & m_mask;
        m_slots[slot] = s;
    }
}

} // namespace tickscope::bench
