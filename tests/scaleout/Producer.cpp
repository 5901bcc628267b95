#include "Producer.h"

#include "WsClient.h"

namespace tickscope::test {

Producer::Producer(WsClient *client, TickLedger *ledger, ProducerOptions options)
    : m_client(client), m_ledger(ledger), m_options(std::move(options))
{
    m_timer.setInterval(5);
    QObject::connect(&m_timer, &QTimer::timeout, [this] { poll(); });
}

void Producer::start()
{
    m_sending = true;
    m_timer.start();
    poll();
}

void Producer::stop()
{
    m_sending = false;
}

bool Producer::finished() const
{
    const bool allSent =
        !m_sending || (m_options.maxCommands >= 0 && m_sent >= m_options.maxCommands);
    return allSent && (m_outstanding.isEmpty() || !m_client->isConnected());
}

QJsonArray Producer::nextTicks()
{
    QJsonArray ticks;
    for (int i = 0; i < m_options.ticksPerCommand; ++i, ++m_counter) {
        const QString &symbol = m_options.symbols.at(m_counter % m_options.symbols.size());
        ticks.append(WsClient::tick(symbol, m_options.priceBase + double(m_counter) + 0.5,
                                    double(m_counter % 8) * 0.25,
                                    1'700'000'000'000'000 + m_counter));
    }
    return ticks;
}

void Producer::poll()
{
    for (const WsClient::Message &message : m_client->takeAll()) {
        const auto id = message.id();
        if (!id || !m_outstanding.contains(*id))
            continue;
        const QJsonArray ticks = m_outstanding.take(*id);
        if (message.op() == u"published") {
            const QString wrong = m_ledger->record(ticks, message.json.value(u"seq").toObject());
            if (!wrong.isEmpty() && m_problem.isEmpty())
                m_problem = wrong;
            ++m_acked;
            m_ackedTicks += ticks.size();
        } else if (message.op() == u"error") {
            m_errors.append(message.json);
            const int retryMs = message.json.value(u"retry_after_ms").toInt();
            if (retryMs > 0)
                m_pausedUntil = QDeadlineTimer(retryMs);
        } else if (m_problem.isEmpty()) {
            m_problem = u"unexpected reply to publish: "_qs + QString::fromUtf8(message.raw);
        }
    }
    while (m_sending && m_client->isConnected() && m_outstanding.size() < m_options.window &&
           (m_options.maxCommands < 0 || m_sent < m_options.maxCommands) &&
           m_pausedUntil.hasExpired()) {
        const QJsonArray ticks = nextTicks();
        const qint64 id =
            m_client->sendCommand(QJsonObject{{u"op"_qs, u"publish"_qs}, {u"ticks"_qs, ticks}});
        m_outstanding.insert(id, ticks);
        ++m_sent;
    }
}

} // namespace tickscope::test
