#pragma once

#include <QtGlobal>
#include <string_view>
#include <vector>

namespace tickscope::bench {

// One tick as the scanner saw it: views into the frame text, valid while the frame is.
struct ScannedTick
{
    std::string_view symbol;
    qint64 q = -1;
    qint64 t = -1;
};

// What the scanner pulled out of one server message.
struct ScanResult
{
    std::string_view op;
    qint64 id = -1;        // -1: no id
    bool hasNext = false;  // a top-level "next" was present
    qint64 next = -1;      // -1 when "next" was null
    bool hasTicks = false; // a top-level "ticks" array was present
    std::vector<ScannedTick> ticks;

    void clear()
    {
        op = {};
        id = -1;
        hasNext = false;
        next = -1;
        hasTicks = false;
        ticks.clear(); // keeps the capacity: no allocation per frame
    }
};

// A minimal single-pass JSON scanner for server messages. It walks the top-level object
// and keeps only `op`, `id`, `next` and, for each element of `ticks`, the fields s, q and t,
// skipping every other value whatever its type. Keys may come in any order. It does not
// validate everything a full parser would (it is a measuring tool, not a conformance
// checker), but it never reads past `end` and reports malformed text as false.
class TickScanner
{
public:
    static bool scan(const char *begin, const char *end, ScanResult &out);
};

} // namespace tickscope::bench
