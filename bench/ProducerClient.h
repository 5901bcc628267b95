#pragma once

#include "BenchSocket.h"
#include "LatencyHistogram.h"

#include <QHash>
#include <QStringList>
#include <deque>
#include <memory>

namespace tickscope::bench {

// One publishing connection. It keeps up to `window` publish commands of `batch` ticks in
// flight, each tick stamped with the wall clock when its command is built, and records
// the acknowledgement latency of every command.
class ProducerClient
{
public:
    struct Config
    {
        QUrl url;
        QByteArray token;
        ClientKind kind = ClientKind::Raw;
        QStringList symbols; // ticks go round-robin over these
        int window = 8;
        int batch = 500;
        qint64 limit = 0; // total ticks to publish; 0: until stopped
    };

    ProducerClient(Config config, LatencyHistogram *ackLatency, const bool *recording,
                   quint64 seed);
    ~ProducerClient();

    void start();
    void close();

    bool isReady() const { return m_ready; }
    int batchSize() const { return m_config.batch; }
    bool hasFailed() const { return m_failed; }
    QString failure() const { return m_failure; }

    // Paced mode: ticks allowed to be sent now (added by the pool's pacing timer).
    // Credit never exceeds one window: a server that fell behind is not flooded after.
    void addCredit(double ticks);
    void setPaced(bool paced) { m_paced = paced; }
    // Sends as many commands as the window, the credit and the limit allow.
    void pump();
    // Sends nothing more; in-flight commands still complete.
    void stop() { m_stopped = true; }
    bool isDrained() const { return m_inFlight.empty(); }
    bool isFinished() const { return m_config.limit > 0 && m_acked >= m_config.limit; }

    qint64 ackedTicks() const { return m_ackedWindow; }
    qint64 ackedTotal() const { return m_acked; }
    qint64 sentTotal() const { return m_sent; }
    qint64 errors() const { return m_errors; }
    QString lastError() const { return m_lastError; }
    void resetCounters() { m_ackedWindow = 0; }
    // Per symbol: the first and the last q the server assigned to this producer's ticks.
    const QHash<QString, qint64> &firstSeq() const { return m_firstSeq; }
    const QHash<QString, qint64> &lastSeq() const { return m_lastSeq; }

private:
    struct InFlight
    {
        qint64 id;
        qint64 sentNs;
        int ticks;
    };

    void onMessage(const char *data, qsizetype size);
    void sendBatch(int ticks);
    void fail(const QString &why);
    quint64 nextRandom()
    {
        m_random ^= m_random << 13;
        m_random ^= m_random >> 7;
        m_random ^= m_random << 17;
        return m_random;
    }

    Config m_config;
    LatencyHistogram *m_ackLatency;
    const bool *m_recording;
    std::unique_ptr<BenchSocket> m_socket;
    std::vector<QByteArray> m_symbolJson; // {"s":"SYM","t": prefix per symbol
    std::vector<qint64> m_priceCents;
    quint64 m_random; // xorshift64 state
    std::size_t m_next = 0;
    QByteArray m_frame;
    std::deque<InFlight> m_inFlight;
    qint64 m_nextId = 1;
    double m_credit = 0;
    qint64 m_pausedUntilNs = 0;
    bool m_paced = false;
    bool m_ready = false;
    bool m_stopped = false;
    bool m_failed = false;
    bool m_closing = false;
    QString m_failure;
    qint64 m_sent = 0;
    qint64 m_acked = 0;
    qint64 m_ackedWindow = 0;
    qint64 m_errors = 0;
    QString m_lastError;
    QHash<QString, qint64> m_firstSeq;
    QHash<QString, qint64> m_lastSeq;
};

} // namespace tickscope::bench
