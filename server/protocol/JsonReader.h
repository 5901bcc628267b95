#pragma once

#include "JsonValue.h"

#include <optional>

namespace tickscope {

// A strict RFC 8259 parser for client frames: one value, no trailing garbage, no
// comments, nesting bounded so that hostile input cannot exhaust the stack.
class JsonReader
{
public:
    static constexpr int MaxDepth = 32;

    struct Error
    {
        QString message;
        qsizetype offset = 0;
    };

    static std::optional<JsonValue> parse(QStringView text, Error *error);

    struct Number
    {
        double value = 0.0;
        qint64 integer = 0;
        bool isInteger = false; // an integer literal that fits in 64 bits
    };
    // Reads the JSON number at text[*pos] and moves *pos past it; false with *error set when
    // it is not one (as parse() would report it).
    static bool readNumber(QStringView text, qsizetype *pos, Number *out, QString *error);
    // The position of the first character at or after `pos` that is not JSON whitespace.
    static qsizetype skipWhitespace(QStringView text, qsizetype pos);

private:
    explicit JsonReader(QStringView text) : m_text(text) {}

    bool parseValue(JsonValue &out, int depth);
    bool parseString(QString &out);
    bool parseNumber(JsonValue &out);
    bool parseLiteral(QStringView literal);
    void skipWhitespace();
    bool fail(const QString &message);

    QStringView m_text;
    qsizetype m_pos = 0;
    Error m_error;
};

} // namespace tickscope
