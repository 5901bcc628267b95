#include "Symbol.h"

#include <QStringList>

namespace tickscope {

namespace {
bool isAlnum(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9');
}
} // namespace

bool Symbol::isValid(QStringView symbol)
{
    if (symbol.isEmpty() || symbol.size() > MaxLength || !isAlnum(symbol.front()))
        return false;
    for (qsizetype i = 1; i < symbol.size(); ++i) {
        const QChar c = symbol[i];
        const char16_t u = c.unicode();
        if (!isAlnum(c) && u != u'.' && u != u'_' && u != u':' && u != u'/' && u != u'-')
            return false;
    }
    return true;
}

bool Symbol::matchesPattern(QStringView pattern, QStringView symbol)
{
    if (pattern.endsWith(u'*'))
        return symbol.startsWith(pattern.chopped(1));
    return pattern == symbol;
}

bool Symbol::matchesAny(const QStringList &patterns, QStringView symbol)
{
    for (const QString &pattern : patterns) {
        if (matchesPattern(pattern, symbol))
            return true;
    }
    return false;
}

} // namespace tickscope
