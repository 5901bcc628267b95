#include "ViewerClient.h"

#include "BenchClock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tickscope::bench {

void Continuity::add(const Continuity &other)
{
    gaps += other.gaps;
    missingTicks += other.missingTicks;
    duplicates += other.duplicates;
    announcedGaps += other.announcedGaps;
    notRecovered += other.notRecovered;
    malformed += other.malformed;
    serverErrors += other.serverErrors;
}

namespace {

QJsonObject parseObject(const char *data, qsizetype size)
{
    return QJsonDocument::fromJson(QByteArray::fromRawData(data, size)).object();
}

} // namespace

ViewerClient::ViewerClient(Config config, LatencyHistogram *latency, const bool *recording)
    : m_config(std::move(config)), m_latency(latency), m_recording(recording)
{
    for (const QString &symbol : std::as_const(m_config.symbols))
        stateIndex(symbol.toStdString());
}

ViewerClient::~ViewerClient() = default;

void ViewerClient::start()
{
    m_socket = BenchSocket::create(m_config.kind);
    m_socket->onMessage = [this](const char *data, qsizetype size) { onMessage(data, size); };
    m_socket->onClosed = [this](const QString &why) {
        if (!m_closing)
            fail(why);
    };
    m_socket->open(m_config.url, m_config.token);
}

void ViewerClient::close()
{
    m_closing = true;
    if (m_socket)
        m_socket->close();
}

int ViewerClient::stateIndex(std::string_view symbol)
{
    const int index = m_symbols.insert(symbol);
    if (std::size_t(index) >= m_states.size())
        m_states.resize(std::size_t(index) + 1);
    return index;
}

void ViewerClient::setTargets(const QHash<QString, qint64> &lastSeq)
{
    m_pendingTargets = 0;
    for (auto it = lastSeq.cbegin(); it != lastSeq.cend(); ++it) {
        SymbolState &state = m_states[std::size_t(stateIndex(it.key().toStdString()))];
        state.target = it.value();
        state.reached = state.next > state.target;
        if (!state.reached)
            ++m_pendingTargets;
    }
    m_targetsSet = true;
    if (m_pendingTargets == 0 && m_doneNs == 0)
        m_doneNs = BenchClock::monoNs();
}

QStringList ViewerClient::shortfall() const
{
    QStringList result;
    for (int i = 0; i < m_symbols.size(); ++i) {
        const SymbolState &state = m_states[std::size_t(i)];
        if (state.target > 0 && !state.reached)
            result.append(u"%1 at %2 of %3"_qs.arg(QString::fromStdString(m_symbols.name(i)))
                              .arg(state.next)
                              .arg(state.target));
    }
    return result;
}

void ViewerClient::fail(const QString &why)
{
    if (m_failed)
        return;
    m_failed = true;
    m_failure = why;
}

void ViewerClient::onMessage(const char *data, qsizetype size)
{
    const qint64 nowUs = BenchClock::wallUs();
    m_counters.bytes += size;
    if (!TickScanner::scan(data, data + size, m_scan)) {
        ++m_continuity.malformed;
        return;
    }
    const std::string_view op = m_scan.op;
    if (op == "ticks") {
        onTicks(nowUs);
    } else if (op == "history") {
        onTicks(nowUs);
        if (m_scan.hasNext && m_scan.next > 0) {
            sendHistory(m_scan.next);
        } else if (m_doneNs == 0) {
            m_doneNs = BenchClock::monoNs();
        }
    } else if (op == "hello") {
        onHello(data, size);
    } else if (op == "subscribed") {
        onSubscribed(data, size);
    } else if (op == "gap") {
        onGap(data, size);
    } else if (op == "error") {
        ++m_continuity.serverErrors;
        fail(u"server error: %1"_qs.arg(QString::fromUtf8(data, std::min<qsizetype>(size, 300))));
    }
}

void ViewerClient::onHello(const char *data, qsizetype size)
{
    m_helloSeen = true;
    m_epoch = parseObject(data, size).value(u"epoch"_qs).toString();
    if (!m_config.historySymbol.isEmpty()) {
        m_subscribed = true;
        sendHistory(1);
        return;
    }
    QJsonObject command{{u"op"_qs, u"subscribe"_qs},
                        {u"id"_qs, 1},
                        {u"symbols"_qs, QJsonArray::fromStringList(m_config.symbols)}};
    if (!m_config.since.isEmpty()) {
        QJsonObject seq;
        for (auto it = m_config.since.cbegin(); it != m_config.since.cend(); ++it)
            seq.insert(it.key(), double(it.value()));
        command.insert(u"since"_qs, QJsonObject{{u"epoch"_qs, m_epoch}, {u"seq"_qs, seq}});
    }
    m_requestNs = BenchClock::monoNs();
    m_socket->sendText(QJsonDocument(command).toJson(QJsonDocument::Compact));
}

void ViewerClient::sendHistory(qint64 from)
{
    if (m_requestNs == 0)
        m_requestNs = BenchClock::monoNs();
    const QJsonObject command{{u"op"_qs, u"history"_qs},
                              {u"id"_qs, 1},
                              {u"symbol"_qs, m_config.historySymbol},
                              {u"from"_qs, double(from)},
                              {u"limit"_qs, m_config.historyLimit}};
    m_socket->sendText(QJsonDocument(command).toJson(QJsonDocument::Compact));
}

void ViewerClient::onSubscribed(const char *data, qsizetype size)
{
    const QJsonObject symbols = parseObject(data, size).value(u"symbols"_qs).toObject();
    for (auto it = symbols.constBegin(); it != symbols.constEnd(); ++it) {
        const QJsonObject entry = it.value().toObject();
        SymbolState &state = m_states[std::size_t(stateIndex(it.key().toStdString()))];
        state.next = qint64(entry.value(u"next"_qs).toDouble());
        if (!entry.value(u"recovered"_qs).toBool(true))
            ++m_continuity.notRecovered;
        if (state.target > 0 && !state.reached && state.next > state.target) {
            state.reached = true;
            if (--m_pendingTargets == 0 && m_doneNs == 0)
                m_doneNs = BenchClock::monoNs();
        }
    }
    m_subscribed = true;
}

void ViewerClient::onGap(const char *data, qsizetype size)
{
    const QJsonObject gap = parseObject(data, size);
    ++m_continuity.announcedGaps;
    SymbolState &state =
        m_states[std::size_t(stateIndex(gap.value(u"symbol"_qs).toString().toStdString()))];
    const auto to = qint64(gap.value(u"to"_qs).toDouble());
    if (to >= state.next)
        state.next = to + 1;
}

void ViewerClient::onTicks(qint64 nowUs)
{
    ++m_counters.frames;
    m_counters.ticks += qint64(m_scan.ticks.size());
    if (m_firstTickNs == 0 && !m_scan.ticks.empty())
        m_firstTickNs = BenchClock::monoNs();
    const bool record = *m_recording && m_config.recordLatency;
    // Frames usually carry runs of one symbol: look the symbol up only when it changes.
    std::string_view lastSymbol;
    SymbolState *state = nullptr;
    for (const ScannedTick &tick : m_scan.ticks) {
        if (!state || tick.symbol != lastSymbol) {
            int index = m_symbols.find(tick.symbol);
            if (index < 0)
                index = stateIndex(tick.symbol);
            state = &m_states[std::size_t(index)];
            lastSymbol = tick.symbol;
        }
        const qint64 q = tick.q;
        if (state->next == 0 || q == state->next) {
            state->next = q + 1;
        } else if (q > state->next) {
            ++m_continuity.gaps;
            m_continuity.missingTicks += q - state->next;
            state->next = q + 1;
        } else {
            ++m_continuity.duplicates;
        }
        if (state->target > 0 && !state->reached && state->next > state->target) {
            state->reached = true;
            if (--m_pendingTargets == 0 && m_doneNs == 0)
                m_doneNs = BenchClock::monoNs();
        }
        if (record)
            m_latency->record(nowUs - tick.t);
    }
}

} // namespace tickscope::bench
