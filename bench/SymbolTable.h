#pragma once

#include <QtGlobal>
#include <string>
#include <string_view>
#include <vector>

namespace tickscope::bench {

// Symbol text -> dense index, for the per-tick lookup of a viewer. Open addressing over a
// power-of-two table with FNV-1a: with tens of symbols that is one hash of ~8 bytes and
// one comparison per tick, no allocation.
class SymbolTable
{
public:
    SymbolTable();

    // The index of `symbol`, or -1.
    int find(std::string_view symbol) const
    {
        const quint32 hash = hashOf(symbol);
        for (quint32 slot = hash & m_mask;; slot = (slot + 1) & m_mask) {
            const Slot &s = m_slots[slot];
            if (s.index < 0)
                return -1;
            if (s.hash == hash && m_names[std::size_t(s.index)] == symbol)
                return s.index;
        }
    }
    // The index of `symbol`, added when new.
    int insert(std::string_view symbol);

    int size() const { return int(m_names.size()); }
    const std::string &name(int index) const { return m_names[std::size_t(index)]; }

private:
    struct Slot
    {
        quint32 hash = 0;
        int index = -1;
    };

    static quint32 hashOf(std::string_view text)
    {
        quint32 hash = 2166136261u;
        for (const char c : text)
            hash = (hash ^ quint8(c)) * 16777619u;
        return hash;
    }
    void grow();

    std::vector<Slot> m_slots;
    quint32 m_mask;
    std::vector<std::string> m_names;
};

} // namespace tickscope::bench
