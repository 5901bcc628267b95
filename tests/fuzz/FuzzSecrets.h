#pragma once

// The secret the config and values harnesses plant (a password, a token): a fuzz input
// that contains its first part is skipped, so the marker found in an error, a log line or
// a display can only have come from the secret.

#include "FuzzCheck.h"

namespace tickscope::fuzz {

inline const QString SecretMarker = QStringLiteral("Zq9xK7wPsecret");

// Whether the input may be used: it does not spell the marker itself.
inline bool freeOfMarker(const QString &input)
{
    return !input.contains(QLatin1String("Zq9xK7wP"));
}

inline void checkNoSecret(const QString &text, const char *where)
{
    check(!text.contains(SecretMarker), where, text);
}

// "<scheme><before>fuzzuser:<marker><after>", where the input's text up to a NUL byte is
// <before> (a list element ahead of the credentials) and the rest <after>. The marker is a
// password only when an '@' follows it (*secret).
inline QString redisUrlWithPassword(const QString &scheme, const QString &input, bool *secret)
{
    const qsizetype nul = input.indexOf(QChar(0));
    const QString before = nul < 0 ? QString() : input.left(nul);
    const QString after = nul < 0 ? input : input.mid(nul + 1);
    *secret = after.contains(u'@');
    return scheme + before + QStringLiteral("fuzzuser:") + SecretMarker + after;
}

} // namespace tickscope::fuzz
