#include "ProducerClient.h"

#include "BenchClock.h"
#include "core/TickJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <charconv>
#include <cstring>

namespace tickscope::bench {

ProducerClient::ProducerClient(Config config, LatencyHistogram *ackLatency, const bool *recording,
                               quint64 seed)
    : m_config(std::move(config)), m_ackLatency(ackLatency), m_recording(recording),
      m_random(seed | 1)
{
    for (const QString &symbol : std::as_const(m_config.symbols)) {
        QByteArray prefix("{\"s\":");
        TickJson::appendString(prefix, symbol);
        prefix.append(",\"t\":");
        m_symbolJson.push_back(prefix);
        m_priceCents.push_back(qint64(10'000 + nextRandom() % 90'000) * 100);
    }
    m_frame.reserve(64 + qsizetype(m_config.batch) * 72);
}

ProducerClient::~ProducerClient() = default;

void ProducerClient::start()
{
    m_socket = BenchSocket::create(m_config.kind);
    m_socket->onMessage = [this](const char *data, qsizetype size) { onMessage(data, size); };
    m_socket->onClosed = [this](const QString &why) {
        if (!m_closing)
            fail(why);
    };
    m_socket->open(m_config.url, m_config.token);
}

void ProducerClient::close()
{
    m_closing = true;
    if (m_socket)
        m_socket->close();
}

void ProducerClient::fail(const QString &why)
{
    if (m_failed)
        return;
    m_failed = true;
    m_failure = why;
}

void ProducerClient::addCredit(double ticks)
{
    m_credit = std::min(m_credit + ticks, double(m_config.window) * m_config.batch);
}

void ProducerClient::pump()
{
    if (m_pausedUntilNs > 0 && BenchClock::monoNs() < m_pausedUntilNs)
        return;
    while (m_ready && !m_stopped && !m_failed && int(m_inFlight.size()) < m_config.window) {
        int ticks = m_config.batch;
        if (m_config.limit > 0) {
            const qint64 left = m_config.limit - m_sent;
            if (left <= 0)
                return;
            ticks = int(std::min<qint64>(ticks, left));
        }
        if (m_paced) {
            if (m_credit < ticks)
                return;
            m_credit -= ticks;
        }
        sendBatch(ticks);
    }
}

namespace {

char *appendInteger(char *out, qint64 value)
{
    return std::to_chars(out, out + 20, value).ptr;
}

// A non-negative amount in hundredths as the shortest decimal: 6412350 -> "64123.5". The
// server reads it as the double nearest to that decimal and echoes that double's shortest
// form, which is the same text; cheaper than formatting a double for every tick.
char *appendCents(char *out, qint64 cents)
{
    out = appendInteger(out, cents / 100);
    const int fraction = int(cents % 100);
    if (fraction != 0) {
        *out++ = '.';
        *out++ = char('0' + fraction / 10);
        if (fraction % 10 != 0)
            *out++ = char('0' + fraction % 10);
    }
    return out;
}

} // namespace

void ProducerClient::sendBatch(int ticks)
{
    const qint64 id = m_nextId++;
    const qint64 nowUs = BenchClock::wallUs();
    // Written through a raw pointer into a buffer sized for the worst case: QByteArray's
    // append() costs more than the formatting itself at hundreds of thousands of ticks/s.
    qsizetype longestPrefix = 0;
    for (const QByteArray &prefix : m_symbolJson)
        longestPrefix = std::max(longestPrefix, prefix.size());
    m_frame.resize(64 + qsizetype(ticks) * (longestPrefix + 64));
    char *const begin = m_frame.data();
    char *out = begin;
    const auto put = [&out](const char *text, std::size_t size) {
        std::memcpy(out, text, size);
        out += size;
    };
    put("{\"op\":\"publish\",\"id\":", 21);
    out = appendInteger(out, id);
    put(",\"ticks\":[", 10);
    const std::size_t symbols = m_symbolJson.size();
    for (int i = 0; i < ticks; ++i) {
        if (i)
            *out++ = ',';
        const std::size_t s = m_next++ % symbols;
        put(m_symbolJson[s].constData(), std::size_t(m_symbolJson[s].size()));
        out = appendInteger(out, nowUs);
        // A random walk in cents, so prices print as short decimals like 64123.57.
        const quint64 r = nextRandom();
        qint64 &cents = m_priceCents[s];
        cents = std::max<qint64>(100, cents + qint64(r % 21) - 10);
        put(",\"p\":", 5);
        out = appendCents(out, cents);
        put(",\"v\":", 5);
        out = appendCents(out, qint64(1 + (r >> 32) % 1000));
        *out++ = '}';
    }
    put("]}", 2);
    m_frame.resize(out - begin);
    m_inFlight.push_back({id, BenchClock::monoNs(), ticks});
    m_sent += ticks;
    m_socket->sendText(m_frame);
}

void ProducerClient::onMessage(const char *data, qsizetype size)
{
    const qint64 nowNs = BenchClock::monoNs();
    const QJsonObject message =
        QJsonDocument::fromJson(QByteArray::fromRawData(data, size)).object();
    const QString op = message.value(u"op"_qs).toString();
    if (op == u"hello") {
        m_ready = true;
        pump();
        return;
    }
    if (op != u"published" && op != u"error")
        return;
    const auto id = qint64(message.value(u"id"_qs).toDouble(-1));
    // Replies come in command order, so the oldest command in flight is the one answered.
    if (m_inFlight.empty() || m_inFlight.front().id != id) {
        fail(u"reply with id %1 does not match the oldest command in flight"_qs.arg(id));
        return;
    }
    const InFlight done = m_inFlight.front();
    m_inFlight.pop_front();
    if (op == u"error") {
        ++m_errors;
        m_lastError = QString::fromUtf8(data, std::min<qsizetype>(size, 300));
        // A refused batch is not resent (its ticks would be stale); it counts as not sent.
        m_sent -= done.ticks;
        const QString code = message.value(u"code"_qs).toString();
        if (code != u"unavailable" && code != u"rate_limited") {
            fail(u"publish refused: %1"_qs.arg(m_lastError));
            return;
        }
        // The server is behind: wait as long as it asks before sending more.
        const int retryMs = std::max(1, message.value(u"retry_after_ms"_qs).toInt(100));
        m_pausedUntilNs = nowNs + qint64(retryMs) * 1'000'000;
        QTimer::singleShot(retryMs, m_socket.get(), [this] { pump(); });
        return;
    } else {
        m_acked += done.ticks;
        if (*m_recording) {
            m_ackedWindow += done.ticks;
            m_ackLatency->record((nowNs - done.sentNs) / 1000);
        }
        const QJsonObject seq = message.value(u"seq"_qs).toObject();
        for (auto it = seq.constBegin(); it != seq.constEnd(); ++it) {
            const QJsonArray range = it.value().toArray();
            const auto first = qint64(range.at(0).toDouble());
            const auto last = qint64(range.at(1).toDouble());
            auto found = m_firstSeq.find(it.key());
            if (found == m_firstSeq.end() || first < *found)
                m_firstSeq.insert(it.key(), first);
            if (last > m_lastSeq.value(it.key(), 0))
                m_lastSeq.insert(it.key(), last);
        }
    }
    pump();
}

} // namespace tickscope::bench
