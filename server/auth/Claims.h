#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>
#include <optional>

namespace tickscope {

// The claims of a Tickscope token (PROTOCOL.md section 2), as verified or as to be signed.
// Times are seconds since the Unix epoch.
class Claims
{
public:
    static constexpr QStringView DefaultTier = u"default";
    static constexpr QStringView ScopeRead = u"read";
    static constexpr QStringView ScopePublish = u"publish";
    static constexpr QStringView ScopeTrade = u"trade";
    static constexpr QStringView ScopeAdmin = u"admin";

    QString sub;
    qint64 exp = 0;
    std::optional<qint64> nbf;
    std::optional<qint64> iat;
    // Without a `scope` claim a token has `read` only; scopes are independent (admin does
    // not imply read). The verifier fills this deduplicated, in the order of knownScopes().
    QStringList scopes{QStringLiteral("read")};
    // Absent: every symbol is allowed. Present: only the listed symbols and prefixes
    // (a pattern ending in '*'); an empty list allows none.
    std::optional<QStringList> symbols;
    QString tier{QStringLiteral("default")};

    bool hasScope(QStringView scope) const;
    bool allowsSymbol(QStringView symbol) const;

    // read, publish, trade, admin.
    static const QStringList &knownScopes();
    static bool isKnownScope(QStringView scope);
    // Parses a `scope` value: words separated by spaces, each a known scope. Returns the
    // scopes deduplicated in knownScopes() order, or nullopt with *error naming the word.
    // Shared by the verifier and the `token --scope` command line.
    static std::optional<QStringList> parseScopes(QStringView text, QString *error = nullptr);
    // A valid symbol, "*" alone, or a non-empty valid symbol prefix followed by '*'.
    static bool isValidSymbolPattern(QStringView pattern);
};

} // namespace tickscope
