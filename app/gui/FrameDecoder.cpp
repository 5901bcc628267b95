#include "FrameDecoder.h"

#include "protocol/ServerMessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <charconv>

namespace tickscope {

namespace {

// A cursor over the server's compact tick objects. Any surprise returns false and the caller
// falls back to the full parser, so this only has to be right for what it accepts.
class TickScanner
{
public:
    explicit TickScanner(QByteArrayView text) : m_p(text.data()), m_end(text.data() + text.size())
    {}

    bool expect(char c)
    {
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }
    bool atEnd() const { return m_p == m_end; }
    char peek() const { return m_p == m_end ? '\0' : *m_p; }

    bool key(char *name)
    {
        if (!expect('"') || m_p == m_end)
            return false;
        *name = *m_p++;
        return expect('"') && expect(':');
    }

    bool string(QString *out)
    {
        if (!expect('"'))
            return false;
        const char *start = m_p;
        while (m_p != m_end && *m_p != '"') {
            if (*m_p == '\\' || static_cast<unsigned char>(*m_p) >= 0x80)
                return false;
            ++m_p;
        }
        if (m_p == m_end)
            return false;
        *out = QString::fromLatin1(start, m_p - start);
        ++m_p;
        return true;
    }

    bool integer(qint64 *out)
    {
        const auto [ptr, ec] = std::from_chars(m_p, m_end, *out);
        if (ec != std::errc() || (ptr != m_end && (*ptr == '.' || *ptr == 'e' || *ptr == 'E')))
            return false;
        m_p = ptr;
        return true;
    }

    bool number(double *out)
    {
        const auto [ptr, ec] = std::from_chars(m_p, m_end, *out);
        if (ec != std::errc())
            return false;
        m_p = ptr;
        return true;
    }

    bool tick(Tick *tick, QString *lastSymbol)
    {
        if (!expect('{'))
            return false;
        int seen = 0;
        do {
            char name = 0;
            if (!key(&name))
                return false;
            switch (name) {
            case 's': {
                QString symbol;
                if (!string(&symbol))
                    return false;
                // Consecutive ticks mostly share a symbol: share its string data too.
                if (symbol == *lastSymbol)
                    tick->symbol = *lastSymbol;
                else
                    *lastSymbol = tick->symbol = symbol;
                seen |= 1;
                break;
            }
            case 'q':
                if (!integer(&tick->seq))
                    return false;
                seen |= 2;
                break;
            case 't':
                if (!integer(&tick->timeUs))
                    return false;
                seen |= 4;
                break;
            case 'p':
                if (!number(&tick->price))
                    return false;
                seen |= 8;
                break;
            case 'v':
                if (!number(&tick->size))
                    return false;
                seen |= 16;
                break;
            default:
                return false;
            }
        } while (expect(','));
        return expect('}') && (seen & 15) == 15;
    }

private:
    const char *m_p;
    const char *m_end;
};

qint64 integerOf(const QJsonValue &value, qint64 fallback)
{
    return value.isDouble() ? qint64(value.toDouble()) : fallback;
}

FrameDecoder::Op opOf(const QString &op)
{
    using Op = FrameDecoder::Op;
    if (op == u"ticks")
        return Op::Ticks;
    if (op == u"hello")
        return Op::Hello;
    if (op == u"subscribed")
        return Op::Subscribed;
    if (op == u"unsubscribed")
        return Op::Unsubscribed;
    if (op == u"gap")
        return Op::Gap;
    if (op == u"error")
        return Op::Error;
    if (op == u"pong")
        return Op::Pong;
    return Op::Other;
}

} // namespace

bool FrameDecoder::decodeTicksFast(QByteArrayView utf8, TickList *out)
{
    const QByteArrayView prefix = ServerMessage::ticksPrefix();
    if (!utf8.startsWith(prefix))
        return false;
    TickScanner scan(utf8.sliced(prefix.size()));
    const qsizetype before = out->size();
    QString lastSymbol;
    if (scan.peek() != ']') {
        do {
            Tick tick;
            if (!scan.tick(&tick, &lastSymbol)) {
                out->resize(before);
                return false;
            }
            out->append(std::move(tick));
        } while (scan.expect(','));
    }
    if (!scan.expect(']') || !scan.expect('}') || !scan.atEnd()) {
        out->resize(before);
        return false;
    }
    return true;
}

bool FrameDecoder::decode(QByteArrayView utf8, Frame *out, QString *error)
{
    if (decodeTicksFast(utf8, &out->ticks)) {
        out->op = Op::Ticks;
        return true;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8.toByteArray(), &parseError);
    if (!doc.isObject()) {
        *error = parseError.error != QJsonParseError::NoError
                     ? u"the server sent invalid JSON: %1"_qs.arg(parseError.errorString())
                     : u"the server sent JSON that is not an object"_qs;
        return false;
    }
    const QJsonObject object = doc.object();
    const QJsonValue op = object.value(u"op");
    if (!op.isString()) {
        *error = u"the server sent a message without a string \"op\""_qs;
        return false;
    }
    out->op = opOf(op.toString());
    out->id = integerOf(object.value(u"id"), -1);
    switch (out->op) {
    case Op::Ticks: {
        const QJsonArray ticks = object.value(u"ticks").toArray();
        out->ticks.reserve(ticks.size());
        for (const auto &value : ticks) {
            const QJsonObject t = value.toObject();
            Tick tick;
            tick.symbol = t.value(u"s").toString();
            tick.seq = integerOf(t.value(u"q"), 0);
            tick.timeUs = integerOf(t.value(u"t"), 0);
            tick.price = t.value(u"p").toDouble();
            tick.size = t.value(u"v").toDouble();
            if (tick.symbol.isEmpty() || tick.seq <= 0) {
                *error = u"the server sent a tick without a symbol or sequence number"_qs;
                return false;
            }
            out->ticks.append(std::move(tick));
        }
        break;
    }
    case Op::Hello:
        out->epoch = object.value(u"epoch").toString();
        out->server = object.value(u"server").toString();
        out->session = object.value(u"session").toString();
        out->heartbeatMs = int(integerOf(object.value(u"heartbeat_ms"), 0));
        break;
    case Op::Subscribed: {
        out->epoch = object.value(u"epoch").toString();
        const QJsonObject symbols = object.value(u"symbols").toObject();
        for (auto it = symbols.begin(); it != symbols.end(); ++it) {
            const QJsonObject s = it.value().toObject();
            out->subscribed.append(
                {it.key(), s.value(u"recovered").toBool(true), integerOf(s.value(u"next"), 0)});
        }
        break;
    }
    case Op::Unsubscribed:
        for (const auto &value : object.value(u"symbols").toArray())
            out->symbols.append(value.toString());
        break;
    case Op::Gap:
        out->symbol = object.value(u"symbol").toString();
        out->from = integerOf(object.value(u"from"), 0);
        out->to = integerOf(object.value(u"to"), 0);
        break;
    case Op::Error:
        out->code = object.value(u"code").toString();
        out->message = object.value(u"message").toString();
        out->retryAfterMs = integerOf(object.value(u"retry_after_ms"), 0);
        break;
    case Op::Pong:
    case Op::Other:
        break;
    }
    return true;
}

} // namespace tickscope
