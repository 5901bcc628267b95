#pragma once

#include <QString>
#include <QStringView>
#include <utility>
#include <vector>

namespace tickscope {

// A parsed JSON value that, unlike QJsonValue, remembers whether a number was written
// as an integer literal: the protocol accepts `t`, `id`, `from` only as integers.
class JsonValue
{
public:
    enum class Type
    {
        Null,
        Bool,
        Number,
        String,
        Array,
        Object
    };

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }
    // An integer literal (no fraction, no exponent) that fits in 64 bits.
    bool isInteger() const { return m_type == Type::Number && m_isInteger; }

    bool toBool() const { return m_bool; }
    double toDouble() const { return m_number; }
    qint64 toInteger() const { return m_integer; }
    const QString &toString() const { return m_string; }
    const std::vector<JsonValue> &items() const { return m_items; }
    const std::vector<std::pair<QString, JsonValue>> &members() const { return m_members; }

    // The member named `key`, or nullptr. With duplicate keys the last one wins.
    const JsonValue *member(QStringView key) const;

private:
    friend class JsonReader;
    Type m_type = Type::Null;
    bool m_bool = false;
    bool m_isInteger = false;
    double m_number = 0.0;
    qint64 m_integer = 0;
    QString m_string;
    std::vector<JsonValue> m_items;
    std::vector<std::pair<QString, JsonValue>> m_members;
};

} // namespace tickscope
