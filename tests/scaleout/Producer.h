#pragma once

#include "TickLedger.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <QTimer>

namespace tickscope::test {

class WsClient;

struct ProducerOptions
{
    QStringList symbols; // ticks go round-robin over these, so one command mixes them
    int ticksPerCommand = 8;
    int window = 16;      // publish commands in flight at once (pipelining)
    int maxCommands = -1; // -1: until stop()
    double priceBase = 0; // makes this producer's prices its own
};

// A producer that keeps `window` publish commands in flight on one connection, driven by a
// timer in the test's event loop (so it runs during every wait). Acknowledged ticks go to the
// ledger; an `error` reply is kept and, when it carries retry_after_ms, sending pauses that
// long, as a polite client does. A refused command is not sent again: its ticks stay
// unacknowledged (a lost reply may still have stored them).
class Producer
{
public:
    Producer(WsClient *client, TickLedger *ledger, ProducerOptions options);

    void start();
    // Sends no more commands; replies to those in flight are still recorded.
    void stop();

    // Every command sent is answered (or the connection is gone), and no more will be sent.
    bool finished() const;
    qsizetype outstanding() const { return m_outstanding.size(); }

    int sent() const { return m_sent; }
    int acked() const { return m_acked; }
    qint64 ackedTicks() const { return m_ackedTicks; }
    const QList<QJsonObject> &errors() const { return m_errors; }
    // A reply that contradicts the protocol or the ledger; empty when none.
    QString problem() const { return m_problem; }

private:
    void poll();
    QJsonArray nextTicks();

    WsClient *m_client;
    TickLedger *m_ledger;
    ProducerOptions m_options;
    QTimer m_timer;
    bool m_sending = false;
    QHash<qint64, QJsonArray> m_outstanding;
    QDeadlineTimer m_pausedUntil;
    qint64 m_counter = 0;
    int m_sent = 0;
    int m_acked = 0;
    qint64 m_ackedTicks = 0;
    QList<QJsonObject> m_errors;
    QString m_problem;
};

} // namespace tickscope::test
