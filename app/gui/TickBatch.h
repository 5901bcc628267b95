#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <memory>
#include <vector>

namespace tickscope {

// What changed for one symbol during one batch window (new ticks only, never replays).
struct SymbolUpdate
{
    QString symbol;
    qint64 lastSeq = 0;
    qint64 lastTimeUs = 0;
    double lastPrice = 0;
    qint64 newTicks = 0;
};

// Every tick of the detail symbol (the one on the chart), in columns: replayed history and
// live ticks alike, in ascending q.
struct DetailColumns
{
    QString symbol;
    quint64 generation = 0; // changes whenever the detail symbol is re-subscribed
    std::vector<qint64> seq;
    std::vector<double> timeMs; // milliseconds since the Unix epoch, with fractions
    std::vector<double> price;
    std::vector<double> size;

    bool empty() const { return seq.empty(); }
    void clear()
    {
        seq.clear();
        timeMs.clear();
        price.clear();
        size.clear();
    }
};

// Something the server told us that the chart and the status bar must show.
struct StreamEvent
{
    enum class Kind
    {
        Gap,          // the server announced ticks `fromSeq..toSeq` as no longer retained
        NotRecovered, // a resume with `since` could not be served without loss
        EpochChanged, // the history store was replaced: sequence numbers restarted
    };
    Kind kind = Kind::Gap;
    QString symbol;
    qint64 fromSeq = 0;
    qint64 toSeq = 0;
    double timeMs = 0; // where on the chart: the last tick time seen before the event
};

// One batch window's worth of stream data, handed from the client thread to the GUI.
struct TickBatch
{
    QList<SymbolUpdate> symbols;
    DetailColumns detail;
    QList<StreamEvent> events;
    qint64 ticksReceived = 0; // all ticks in the window, replays included
    qint64 bytesReceived = 0;
    // The detail symbol's replay: -1 when none runs, else 0..1 (NaN: size unknown).
    double replayProgress = -1;
};

using TickBatchPtr = std::shared_ptr<const TickBatch>;

} // namespace tickscope

Q_DECLARE_METATYPE(tickscope::TickBatchPtr)
