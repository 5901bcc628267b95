#include "JsonReader.h"

#include <QScopeGuard>
#include <charconv>
#include <cmath>

namespace tickscope {

std::optional<JsonValue> JsonReader::parse(QStringView text, Error *error)
{
    JsonReader reader(text);
    JsonValue value;
    reader.skipWhitespace();
    bool ok = reader.parseValue(value, 0);
    if (ok) {
        reader.skipWhitespace();
        if (reader.m_pos != text.size())
            ok = reader.fail(u"unexpected data after the JSON value"_qs);
    }
    if (!ok) {
        if (error)
            *error = reader.m_error;
        return std::nullopt;
    }
    return value;
}

bool JsonReader::fail(const QString &message)
{
    m_error = {message, m_pos};
    return false;
}

void JsonReader::skipWhitespace()
{
    m_pos = skipWhitespace(m_text, m_pos);
}

qsizetype JsonReader::skipWhitespace(QStringView text, qsizetype pos)
{
    while (pos < text.size()) {
        const char16_t c = text[pos].unicode();
        if (c != u' ' && c != u'\t' && c != u'\n' && c != u'\r')
            break;
        ++pos;
    }
    return pos;
}

bool JsonReader::parseLiteral(QStringView literal)
{
    if (m_text.sliced(m_pos).startsWith(literal)) {
        m_pos += literal.size();
        return true;
    }
    return fail(u"invalid literal"_qs);
}

bool JsonReader::parseValue(JsonValue &out, int depth)
{
    if (depth > MaxDepth)
        return fail(u"nesting deeper than %1 levels"_qs.arg(MaxDepth));
    if (m_pos >= m_text.size())
        return fail(u"unexpected end of input"_qs);
    const char16_t c = m_text[m_pos].unicode();
    switch (c) {
    case u'{': {
        out.m_type = JsonValue::Type::Object;
        ++m_pos;
        skipWhitespace();
        if (m_pos < m_text.size() && m_text[m_pos] == u'}') {
            ++m_pos;
            return true;
        }
        while (true) {
            skipWhitespace();
            if (m_pos >= m_text.size() || m_text[m_pos] != u'"')
                return fail(u"expected a string key"_qs);
            std::pair<QString, JsonValue> member;
            if (!parseString(member.first))
                return false;
            skipWhitespace();
            if (m_pos >= m_text.size() || m_text[m_pos] != u':')
                return fail(u"expected ':' after a key"_qs);
            ++m_pos;
            skipWhitespace();
            if (!parseValue(member.second, depth + 1))
                return false;
            out.m_members.push_back(std::move(member));
            skipWhitespace();
            if (m_pos < m_text.size() && m_text[m_pos] == u',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == u'}') {
                ++m_pos;
                return true;
            }
            return fail(u"expected ',' or '}' in an object"_qs);
        }
    }
    case u'[': {
        out.m_type = JsonValue::Type::Array;
        ++m_pos;
        skipWhitespace();
        if (m_pos < m_text.size() && m_text[m_pos] == u']') {
            ++m_pos;
            return true;
        }
        while (true) {
            skipWhitespace();
            JsonValue item;
            if (!parseValue(item, depth + 1))
                return false;
            out.m_items.push_back(std::move(item));
            skipWhitespace();
            if (m_pos < m_text.size() && m_text[m_pos] == u',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == u']') {
                ++m_pos;
                return true;
            }
            return fail(u"expected ',' or ']' in an array"_qs);
        }
    }
    case u'"':
        out.m_type = JsonValue::Type::String;
        return parseString(out.m_string);
    case u't':
        out.m_type = JsonValue::Type::Bool;
        out.m_bool = true;
        return parseLiteral(u"true");
    case u'f':
        out.m_type = JsonValue::Type::Bool;
        out.m_bool = false;
        return parseLiteral(u"false");
    case u'n':
        out.m_type = JsonValue::Type::Null;
        return parseLiteral(u"null");
    default:
        if (c == u'-' || (c >= u'0' && c <= u'9'))
            return parseNumber(out);
        return fail(u"unexpected character"_qs);
    }
}

namespace {
int hexDigit(char16_t c)
{
    if (c >= u'0' && c <= u'9')
        return c - u'0';
    if (c >= u'a' && c <= u'f')
        return c - u'a' + 10;
    if (c >= u'A' && c <= u'F')
        return c - u'A' + 10;
    return -1;
}
} // namespace

bool JsonReader::parseString(QString &out)
{
    ++m_pos; // opening quote
    const qsizetype start = m_pos;
    // Fast path: no escapes.
    while (m_pos < m_text.size()) {
        const char16_t c = m_text[m_pos].unicode();
        if (c == u'"') {
            out = m_text.sliced(start, m_pos - start).toString();
            ++m_pos;
            return true;
        }
        if (c == u'\\' || c < 0x20)
            break;
        ++m_pos;
    }
    out = m_text.sliced(start, m_pos - start).toString();
    while (m_pos < m_text.size()) {
        const char16_t c = m_text[m_pos].unicode();
        if (c == u'"') {
            ++m_pos;
            return true;
        }
        if (c < 0x20)
            return fail(u"control character in a string"_qs);
        if (c != u'\\') {
            out.append(QChar(c));
            ++m_pos;
            continue;
        }
        if (++m_pos >= m_text.size())
            break;
        const char16_t e = m_text[m_pos].unicode();
        ++m_pos;
        switch (e) {
        case u'"':
            out.append(u'"');
            break;
        case u'\\':
            out.append(u'\\');
            break;
        case u'/':
            out.append(u'/');
            break;
        case u'b':
            out.append(u'\b');
            break;
        case u'f':
            out.append(u'\f');
            break;
        case u'n':
            out.append(u'\n');
            break;
        case u'r':
            out.append(u'\r');
            break;
        case u't':
            out.append(u'\t');
            break;
        case u'u': {
            if (m_pos + 4 > m_text.size())
                return fail(u"truncated \\u escape"_qs);
            int code = 0;
            for (int i = 0; i < 4; ++i) {
                const int digit = hexDigit(m_text[m_pos + i].unicode());
                if (digit < 0)
                    return fail(u"invalid \\u escape"_qs);
                code = code * 16 + digit;
            }
            m_pos += 4;
            out.append(QChar(char16_t(code)));
            break;
        }
        default:
            return fail(u"invalid escape in a string"_qs);
        }
    }
    return fail(u"unterminated string"_qs);
}

bool JsonReader::parseNumber(JsonValue &out)
{
    Number number;
    QString message;
    if (!readNumber(m_text, &m_pos, &number, &message))
        return fail(message);
    out.m_type = JsonValue::Type::Number;
    out.m_isInteger = number.isInteger;
    out.m_integer = number.integer;
    out.m_number = number.value;
    return true;
}

bool JsonReader::readNumber(QStringView text, qsizetype *pos, Number *out, QString *error)
{
    const auto fail = [error](const QString &message) {
        *error = message;
        return false;
    };
    qsizetype at = *pos;
    const auto advance = qScopeGuard([pos, &at] { *pos = at; });
    const qsizetype start = at;
    bool integer = true;
    if (at < text.size() && text[at] == u'-')
        ++at;
    const auto digits = [&text, &at] {
        const qsizetype from = at;
        while (at < text.size() && text[at] >= u'0' && text[at] <= u'9')
            ++at;
        return at - from;
    };
    const qsizetype intStart = at;
    const qsizetype intDigits = digits();
    if (intDigits == 0)
        return fail(u"invalid number"_qs);
    if (text[intStart] == u'0' && intDigits > 1)
        return fail(u"leading zeros are not allowed in numbers"_qs);
    if (at < text.size() && text[at] == u'.') {
        integer = false;
        ++at;
        if (digits() == 0)
            return fail(u"invalid number: digits expected after '.'"_qs);
    }
    if (at < text.size() && (text[at] == u'e' || text[at] == u'E')) {
        integer = false;
        ++at;
        if (at < text.size() && (text[at] == u'+' || text[at] == u'-'))
            ++at;
        if (digits() == 0)
            return fail(u"invalid number: digits expected in the exponent"_qs);
    }
    // Numbers are ASCII: narrow them for from_chars.
    const qsizetype length = at - start;
    if (length > 400)
        return fail(u"number too long"_qs);
    char buffer[401];
    for (qsizetype i = 0; i < length; ++i)
        buffer[i] = char(text[start + i].unicode());
    *out = Number{};
    if (integer) {
        qint64 value = 0;
        const auto result = std::from_chars(buffer, buffer + length, value);
        if (result.ec == std::errc()) {
            out->isInteger = true;
            out->integer = value;
            out->value = double(value);
            return true;
        }
    }
    double value = 0;
    const auto result = std::from_chars(buffer, buffer + length, value);
    if (result.ec != std::errc() || !std::isfinite(value))
        return fail(u"number out of range"_qs);
    out->value = value;
    return true;
}

} // namespace tickscope
