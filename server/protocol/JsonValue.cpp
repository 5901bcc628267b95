#include "JsonValue.h"

#include <algorithm>

namespace tickscope {

const JsonValue *JsonValue::member(QStringView key) const
{
    // The last of duplicate keys wins, as in most JSON readers.
    const auto it = std::find_if(m_members.rbegin(), m_members.rend(),
                                 [key](const auto &member) { return member.first == key; });
    return it == m_members.rend() ? nullptr : &it->second;
}

} // namespace tickscope
