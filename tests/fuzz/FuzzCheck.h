#pragma once

// Property checks inside fuzz harnesses: a broken property is reported like a crash
// (abort), so libFuzzer saves the input and the replay test fails on it.

#include <QString>
#include <cstdio>
#include <cstdlib>

namespace tickscope::fuzz {

[[noreturn]] inline void fail(const char *what, const QString &detail = QString())
{
    std::fprintf(stderr, "fuzz property violated: %s\n%s\n", what,
                 detail.toUtf8().left(2000).constData());
    std::abort();
}

inline void check(bool condition, const char *what, const QString &detail = QString())
{
    if (!condition)
        fail(what, detail);
}

// Whether a message is printable ASCII only: safe for a log line.
inline bool isPrintableAscii(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

} // namespace tickscope::fuzz
