#include "SafeText.h"

namespace tickscope {

QString SafeText::quote(QStringView text, qsizetype maxChars)
{
    QString out;
    out.reserve(qMin(text.size(), maxChars) + 5);
    out.append(u'"');
    for (qsizetype i = 0; i < text.size() && i < maxChars; ++i) {
        const char16_t c = text[i].unicode();
        out.append(c >= 0x20 && c < 0x7f ? QChar(c) : QChar(u'?'));
    }
    if (text.size() > maxChars)
        out.append(QLatin1String("..."));
    out.append(u'"');
    return out;
}

} // namespace tickscope
