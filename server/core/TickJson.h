#pragma once

#include "Tick.h"

#include <QByteArray>

namespace tickscope {

// The wire form of ticks, written by hand: this is the hot path of every frame, and
// numbers must be the shortest text that reads back as the same double.
class TickJson
{
public:
    // Appends {"s":..,"q":..,"t":..,"p":..,"v":..} to out.
    static void append(QByteArray &out, const Tick &tick);
    static QByteArray toJson(const Tick &tick);

    // Appends the shortest round-trip form of a finite double (integers without ".0").
    static void appendNumber(QByteArray &out, double value);
    static void appendInteger(QByteArray &out, qint64 value);
    // Appends a JSON string literal, escaping what JSON requires.
    static void appendString(QByteArray &out, QStringView text);
};

} // namespace tickscope
