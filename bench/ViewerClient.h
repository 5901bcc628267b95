#pragma once

#include "BenchSocket.h"
#include "LatencyHistogram.h"
#include "SymbolTable.h"
#include "TickScanner.h"

#include <QHash>
#include <QStringList>
#include <memory>
#include <optional>

namespace tickscope::bench {

// Continuity findings of one or more viewers, per (viewer, symbol).
struct Continuity
{
    qint64 gaps = 0;          // q jumped by more than 1 (silently)
    qint64 missingTicks = 0;  // ticks skipped by those jumps
    qint64 duplicates = 0;    // q not increasing
    qint64 announcedGaps = 0; // `gap` messages (loss the server admitted)
    qint64 notRecovered = 0;  // subscribed symbols with recovered:false
    qint64 malformed = 0;     // messages the scanner could not read
    qint64 serverErrors = 0;  // `error` replies

    qint64 errors() const
    {
        return gaps + duplicates + announcedGaps + notRecovered + malformed + serverErrors;
    }
    void add(const Continuity &other);
};

// One viewer connection: subscribes on hello, then scans every `ticks` frame for s, q and
// t, checks q continuity per symbol and records end-to-end latency (receipt wall clock
// minus the producer's `t`). In history mode it pages through `history` replies instead.
class ViewerClient
{
public:
    struct Config
    {
        QUrl url;
        QByteArray token;
        ClientKind kind = ClientKind::Raw;
        QStringList symbols;
        // Subscribe with since {epoch from hello, seq: this}; empty: live only.
        QHash<QString, qint64> since;
        bool recordLatency = true;
        // Which of the pool's latency histograms this viewer records into (0 or 1): with
        // several servers, viewers of the producers' server apart from the others.
        int latencyGroup = 0;
        // History mode: page through this symbol with `history` commands instead.
        QString historySymbol;
        int historyLimit = 1000;
    };

    struct Counters
    {
        qint64 ticks = 0;
        qint64 frames = 0;
        qint64 bytes = 0;
    };

    ViewerClient(Config config, LatencyHistogram *latency, const bool *recording);
    ~ViewerClient();

    void start();
    void close();

    bool isSubscribed() const { return m_subscribed; }
    bool hasFailed() const { return m_failed; }
    QString failure() const { return m_failure; }
    // When the subscribe (or first history) command was sent / the last target was reached.
    qint64 requestNs() const { return m_requestNs; }
    qint64 doneNs() const { return m_doneNs; }
    qint64 firstTickNs() const { return m_firstTickNs; }

    // The viewer is complete once it has seen q >= target for every symbol given.
    void setTargets(const QHash<QString, qint64> &lastSeq);
    bool isComplete() const { return m_pendingTargets == 0 && m_targetsSet; }
    // Symbols short of their target, with the next q the viewer expects.
    QStringList shortfall() const;

    const Counters &counters() const { return m_counters; }
    void resetCounters() { m_counters = {}; }
    const Continuity &continuity() const { return m_continuity; }

private:
    struct SymbolState
    {
        qint64 next = 0; // the q expected next; 0: not known yet
        qint64 target = 0;
        bool reached = false;
    };

    void onMessage(const char *data, qsizetype size);
    void onHello(const char *data, qsizetype size);
    void onSubscribed(const char *data, qsizetype size);
    void onGap(const char *data, qsizetype size);
    void onTicks(qint64 nowUs);
    void sendHistory(qint64 from);
    int stateIndex(std::string_view symbol);
    void fail(const QString &why);

    Config m_config;
    LatencyHistogram *m_latency;
    const bool *m_recording;
    std::unique_ptr<BenchSocket> m_socket;
    QString m_epoch;
    ScanResult m_scan;
    SymbolTable m_symbols;
    std::vector<SymbolState> m_states;
    Counters m_counters;
    Continuity m_continuity;
    bool m_helloSeen = false;
    bool m_subscribed = false;
    bool m_failed = false;
    bool m_closing = false;
    QString m_failure;
    bool m_targetsSet = false;
    int m_pendingTargets = 0;
    qint64 m_requestNs = 0;
    qint64 m_doneNs = 0;
    qint64 m_firstTickNs = 0;
};

} // namespace tickscope::bench
