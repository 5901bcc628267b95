#include "ServerMessage.h"

#include "core/TickJson.h"

namespace tickscope {

namespace {

void appendOp(QByteArray &out, const char *op, std::optional<qint64> id)
{
    out.append("{\"op\":\"");
    out.append(op);
    out.append('"');
    if (id) {
        out.append(",\"id\":");
        TickJson::appendInteger(out, *id);
    }
}

void appendStringArray(QByteArray &out, const QStringList &strings)
{
    out.append('[');
    for (qsizetype i = 0; i < strings.size(); ++i) {
        if (i)
            out.append(',');
        TickJson::appendString(out, strings.at(i));
    }
    out.append(']');
}

} // namespace

QByteArray ServerMessage::hello(const QString &version, const QString &epoch,
                                const QString &session, int heartbeatMs)
{
    QByteArray out;
    appendOp(out, "hello", std::nullopt);
    out.append(",\"version\":1,\"server\":");
    TickJson::appendString(out, u"tickscope/"_qs + version);
    out.append(",\"epoch\":");
    TickJson::appendString(out, epoch);
    out.append(",\"session\":");
    TickJson::appendString(out, session);
    out.append(",\"heartbeat_ms\":");
    TickJson::appendInteger(out, heartbeatMs);
    out.append('}');
    return out;
}

QByteArray ServerMessage::subscribed(std::optional<qint64> id, const QString &epoch,
                                     const QList<SubscribedSymbol> &symbols)
{
    QByteArray out;
    appendOp(out, "subscribed", id);
    out.append(",\"epoch\":");
    TickJson::appendString(out, epoch);
    out.append(",\"symbols\":{");
    for (qsizetype i = 0; i < symbols.size(); ++i) {
        const SubscribedSymbol &entry = symbols.at(i);
        if (i)
            out.append(',');
        TickJson::appendString(out, entry.symbol);
        out.append(entry.recovered ? ":{\"recovered\":true,\"next\":"
                                   : ":{\"recovered\":false,\"next\":");
        TickJson::appendInteger(out, entry.next);
        out.append('}');
    }
    out.append("}}");
    return out;
}

QByteArray ServerMessage::unsubscribed(std::optional<qint64> id, const QStringList &symbols)
{
    QByteArray out;
    appendOp(out, "unsubscribed", id);
    out.append(",\"symbols\":");
    appendStringArray(out, symbols);
    out.append('}');
    return out;
}

QByteArray ServerMessage::gap(const QString &symbol, qint64 from, qint64 to)
{
    QByteArray out;
    appendOp(out, "gap", std::nullopt);
    out.append(",\"symbol\":");
    TickJson::appendString(out, symbol);
    out.append(",\"from\":");
    TickJson::appendInteger(out, from);
    out.append(",\"to\":");
    TickJson::appendInteger(out, to);
    out.append('}');
    return out;
}

QByteArray ServerMessage::history(std::optional<qint64> id, const QString &symbol,
                                  const TickList &ticks, std::optional<qint64> next)
{
    QByteArray out;
    out.reserve(64 + ticks.size() * 80);
    appendOp(out, "history", id);
    out.append(",\"symbol\":");
    TickJson::appendString(out, symbol);
    out.append(",\"ticks\":[");
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        if (i)
            out.append(',');
        TickJson::append(out, ticks.at(i));
    }
    out.append("],\"next\":");
    if (next)
        TickJson::appendInteger(out, *next);
    else
        out.append("null");
    out.append('}');
    return out;
}

QByteArray ServerMessage::published(std::optional<qint64> id, const QList<PublishedRange> &ranges)
{
    QByteArray out;
    appendOp(out, "published", id);
    out.append(",\"seq\":{");
    for (qsizetype i = 0; i < ranges.size(); ++i) {
        const PublishedRange &range = ranges.at(i);
        if (i)
            out.append(',');
        TickJson::appendString(out, range.symbol);
        out.append(":[");
        TickJson::appendInteger(out, range.first);
        out.append(',');
        TickJson::appendInteger(out, range.last);
        out.append(']');
    }
    out.append("}}");
    return out;
}

QByteArray ServerMessage::pong(std::optional<qint64> id, qint64 timeUs)
{
    QByteArray out;
    appendOp(out, "pong", id);
    out.append(",\"time\":");
    TickJson::appendInteger(out, timeUs);
    out.append('}');
    return out;
}

QByteArray ServerMessage::refreshed(std::optional<qint64> id, qint64 expiresAt)
{
    QByteArray out;
    appendOp(out, "refreshed", id);
    out.append(",\"exp\":");
    TickJson::appendInteger(out, expiresAt);
    out.append('}');
    return out;
}

QByteArray ServerMessage::error(std::optional<qint64> id, ErrorCode code, const QString &message,
                                std::optional<qint64> retryAfterMs)
{
    QByteArray out;
    appendOp(out, "error", id);
    out.append(",\"code\":\"");
    out.append(errorCodeName(code).data(), errorCodeName(code).size());
    out.append("\",\"message\":");
    TickJson::appendString(out, message);
    if (retryAfterMs) {
        out.append(",\"retry_after_ms\":");
        TickJson::appendInteger(out, *retryAfterMs);
    }
    out.append('}');
    return out;
}

QByteArray ServerMessage::ticks(const TickList &ticks)
{
    QByteArray out;
    out.reserve(32 + ticks.size() * 80);
    out.append(ticksPrefix());
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        if (i)
            out.append(',');
        TickJson::append(out, ticks.at(i));
    }
    out.append(ticksSuffix());
    return out;
}

} // namespace tickscope
