#include "Claims.h"

#include "SafeText.h"
#include "core/Symbol.h"

namespace tickscope {

bool Claims::hasScope(QStringView scope) const
{
    for (const QString &s : scopes) {
        if (s == scope)
            return true;
    }
    return false;
}

bool Claims::allowsSymbol(QStringView symbol) const
{
    if (!symbols)
        return true;
    return Symbol::matchesAny(*symbols, symbol);
}

const QStringList &Claims::knownScopes()
{
    static const QStringList scopes{ScopeRead.toString(), ScopePublish.toString(),
                                    ScopeTrade.toString(), ScopeAdmin.toString()};
    return scopes;
}

bool Claims::isKnownScope(QStringView scope)
{
    return knownScopes().contains(scope);
}

std::optional<QStringList> Claims::parseScopes(QStringView text, QString *error)
{
    // Only the space separates (RFC 6749 3.3); a tab or newline makes an unknown word.
    const auto words = text.split(u' ', Qt::SkipEmptyParts);
    for (const QStringView word : words) {
        if (!isKnownScope(word)) {
            if (error) {
                *error = u"unknown scope %1 (allowed: %2)"_qs.arg(
                    SafeText::quote(word), knownScopes().join(QLatin1String(", ")));
            }
            return std::nullopt;
        }
    }
    QStringList result;
    for (const QString &known : knownScopes()) {
        if (words.contains(QStringView(known)))
            result.append(known);
    }
    return result;
}

bool Claims::isValidSymbolPattern(QStringView pattern)
{
    if (pattern == u"*")
        return true;
    if (pattern.endsWith(u'*'))
        return Symbol::isValid(pattern.chopped(1));
    return Symbol::isValid(pattern);
}

} // namespace tickscope
