#include "TickScanner.h"

#include <cstring>

namespace tickscope::bench {

namespace {

struct Cursor
{
    const char *p;
    const char *end;

    bool atEnd() const { return p >= end; }

    void skipSpace()
    {
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
            ++p;
    }

    bool expect(char c)
    {
        skipSpace();
        if (p < end && *p == c) {
            ++p;
            return true;
        }
        return false;
    }

    // At an opening quote: the raw text up to the closing quote (escapes left as they are).
    // A plain loop, not memchr: keys and symbols are a few bytes, shorter than a call.
    bool string(std::string_view &out)
    {
        skipSpace();
        if (p >= end || *p != '"')
            return false;
        const char *start = ++p;
        while (p < end) {
            if (*p == '"') {
                out = std::string_view(start, std::size_t(p - start));
                ++p;
                return true;
            }
            p += *p == '\\' ? 2 : 1;
        }
        return false;
    }

    // An integer literal; a number with a fraction or exponent is not one (false).
    bool integer(qint64 &out)
    {
        skipSpace();
        bool negative = false;
        if (p < end && *p == '-') {
            negative = true;
            ++p;
        }
        const char *start = p;
        quint64 value = 0;
        while (p < end && unsigned(*p - '0') < 10) {
            value = value * 10 + unsigned(*p - '0');
            ++p;
        }
        if (p == start || p - start > 18)
            return false;
        if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
            return false;
        out = negative ? -qint64(value) : qint64(value);
        return true;
    }

    bool literal(const char *word, std::size_t size)
    {
        if (std::size_t(end - p) < size || std::memcmp(p, word, size) != 0)
            return false;
        p += size;
        return true;
    }

    bool skipValue(int depth = 0)
    {
        skipSpace();
        if (p >= end || depth > 64)
            return false;
        switch (*p) {
        case '"': {
            std::string_view ignored;
            return string(ignored);
        }
        case '{': {
            ++p;
            if (expect('}'))
                return true;
            do {
                std::string_view key;
                if (!string(key) || !expect(':') || !skipValue(depth + 1))
                    return false;
            } while (expect(','));
            return expect('}');
        }
        case '[': {
            ++p;
            if (expect(']'))
                return true;
            do {
                if (!skipValue(depth + 1))
                    return false;
            } while (expect(','));
            return expect(']');
        }
        case 't':
            return literal("true", 4);
        case 'f':
            return literal("false", 5);
        case 'n':
            return literal("null", 4);
        default: {
            const char *start = p;
            while (p < end && (unsigned(*p - '0') < 10 || *p == '-' || *p == '+' || *p == '.' ||
                               *p == 'e' || *p == 'E'))
                ++p;
            return p != start;
        }
        }
    }

    bool startsWith(const char *text, std::size_t size) const
    {
        return std::size_t(end - p) >= size && std::memcmp(p, text, size) == 0;
    }

    // One "key":value member of a tick object.
    bool member(ScannedTick &tick)
    {
        std::string_view key;
        if (!string(key) || !expect(':'))
            return false;
        if (key.size() == 1 && key[0] == 's')
            return string(tick.symbol);
        if (key.size() == 1 && key[0] == 'q')
            return integer(tick.q);
        if (key.size() == 1 && key[0] == 't')
            return integer(tick.t);
        return skipValue();
    }

    bool tick(ScannedTick &tick)
    {
        skipSpace();
        // Fast path for the server's own layout, {"s":"..","q":N,"t":N,...}: no key
        // comparisons for the three fields we need. Anything else takes the general path.
        if (startsWith("{\"s\":\"", 6)) {
            const char *const object = p;
            p += 5;
            if (string(tick.symbol) && startsWith(",\"q\":", 5)) {
                p += 5;
                if (integer(tick.q) && startsWith(",\"t\":", 5)) {
                    p += 5;
                    if (integer(tick.t)) {
                        // The rest (p, v) only needs skipping: unless a nested value
                        // comes first, the next '}' outside a string closes this tick.
                        for (const char *r = p; r < end; ++r) {
                            if (*r == '}') {
                                p = r + 1;
                                return true;
                            }
                            if (*r == '{' || *r == '[')
                                break;
                            if (*r == '"') {
                                for (++r; r < end && *r != '"'; ++r)
                                    r += *r == '\\';
                                if (r >= end)
                                    return false;
                            }
                        }
                        while (expect(',')) {
                            if (!member(tick))
                                return false;
                        }
                        return expect('}');
                    }
                }
            }
            p = object;
            tick = ScannedTick{};
        }
        if (!expect('{'))
            return false;
        if (expect('}'))
            return true;
        do {
            if (!member(tick))
                return false;
        } while (expect(','));
        return expect('}');
    }
};

} // namespace

bool TickScanner::scan(const char *begin, const char *end, ScanResult &out)
{
    out.clear();
    Cursor c{begin, end};
    if (!c.expect('{'))
        return false;
    if (c.expect('}'))
        return true;
    do {
        std::string_view key;
        if (!c.string(key) || !c.expect(':'))
            return false;
        bool ok;
        if (key == "op") {
            ok = c.string(out.op);
        } else if (key == "id") {
            ok = c.integer(out.id);
        } else if (key == "next") {
            out.hasNext = true;
            c.skipSpace();
            ok = c.p < c.end && *c.p == 'n' ? c.literal("null", 4) : c.integer(out.next);
        } else if (key == "ticks") {
            out.hasTicks = true;
            ok = c.expect('[');
            if (ok && !c.expect(']')) {
                do {
                    ScannedTick &tick = out.ticks.emplace_back();
                    ok = c.tick(tick);
                } while (ok && c.expect(','));
                ok = ok && c.expect(']');
            }
        } else {
            ok = c.skipValue();
        }
        if (!ok)
            return false;
    } while (c.expect(','));
    return c.expect('}');
}

} // namespace tickscope::bench
