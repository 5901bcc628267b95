#include "JsonValue.h"

namespace tickscope {

const JsonValue *JsonValue::member(QStringView key) const
{
    for (auto it = m_members.rbegin(); it != m_members.rend(); ++it) {
        if (it->first == key)
            return &it->second;
    }
    return nullptr;
}

} // namespace tickscope
