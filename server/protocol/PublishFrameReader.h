#pragma once

#include "CommandParser.h"

#include <optional>
#include <string_view>
#include <unordered_map>

namespace tickscope {

// Reads a publish frame of the usual shape, {"op":"publish","id":N,"ticks":[{"s":..,"p":..,
// "v":..,"t":..},...]} with keys in any order, straight into ticks, without the JSON tree that
// CommandParser builds (its allocations were half of a server's main thread under a publish
// load). It takes a frame only when it is sure of the result; anything else (escapes in a
// string, keys it does not know or that repeat, a value that breaks a rule, malformed JSON)
// gives nullopt, and CommandParser's general path parses the frame and words any error. So the
// result is always the one that path gives for the same frame (checked by the command fuzzer).
class PublishFrameReader
{
public:
    static std::optional<CommandParser::Result> read(QStringView frame);

private:
    explicit PublishFrameReader(QStringView text) : m_text(text) {}

    bool readFrame(CommandParser::Result *result);
    bool readTicks(TickList *ticks);
    bool readTick(Tick *tick);
    // A string without escapes or control characters, as a view of the frame.
    bool readPlainString(QStringView *out);
    bool readKey(QStringView *key);
    bool readNumber(double *value, qint64 *integer, bool *isInteger);
    bool expect(char16_t c);
    void skipWhitespace();
    // The frame's symbols, each checked and allocated once and shared by its ticks (a
    // frame carries many ticks of a few symbols). Keys view the values' own characters.
    const QString *symbol(QStringView text);

    QStringView m_text;
    qsizetype m_pos = 0;
    std::unordered_map<std::u16string_view, QString> m_symbols;
};

} // namespace tickscope
