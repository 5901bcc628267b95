#pragma once

#include <QList>
#include <QString>
#include <QtGlobal>

namespace tickscope {

// One observation of a symbol. `seq` is 0 until the history store has assigned it.
struct Tick
{
    QString symbol;
    qint64 seq = 0;
    qint64 timeUs = 0; // microseconds since the Unix epoch
    double price = 0.0;
    double size = 0.0;

    friend bool operator==(const Tick &, const Tick &) = default;
};

using TickList = QList<Tick>;

// What the server knows about one symbol's retained history.
struct SymbolState
{
    QString symbol;
    qint64 firstSeq = 0; // oldest retained q; 0 when nothing is retained
    qint64 lastSeq = 0;  // newest q ever assigned; 0 when the symbol never had a tick
    qint64 lastTimeUs = 0;
    double lastPrice = 0.0;

    friend bool operator==(const SymbolState &, const SymbolState &) = default;
};

} // namespace tickscope
