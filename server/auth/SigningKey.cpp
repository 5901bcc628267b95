#include "SigningKey.h"

namespace tickscope {

bool SigningKey::isValidKid(QStringView kid)
{
    if (kid.isEmpty() || kid.size() > 64)
        return false;
    for (const QChar c : kid) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

} // namespace tickscope
