// Fuzzes the client command parser with text frames as a viewer sends them (UTF-8, at
// most MaxClientMessageBytes; ViewerSession hands the frame's QString to the parser),
// then builds the reply the server would send.
//
// Properties beyond "no crash, no sanitizer report":
// - every reply, errors included, is one valid JSON object for JsonReader, and an error
//   carries the parser's message unchanged through the JSON escaping;
// - a frame PublishFrameReader takes gives exactly what the general path (parseTree) gives;
// - published prices and sizes come back exactly (the shortest round-trip text), and
//   symbol lists come back as given.

#include "FuzzCheck.h"
#include "core/Symbol.h"
#include "protocol/CommandParser.h"
#include "protocol/JsonReader.h"
#include "protocol/PublishFrameReader.h"
#include "protocol/ServerMessage.h"

#include <QSet>
#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace tickscope;

namespace {

// Lone surrogates do not survive UTF-8 (frames are UTF-8): compare what can.
QString utf8Form(const QString &text)
{
    return QString::fromUtf8(text.toUtf8());
}

JsonValue reparse(const QByteArray &frame)
{
    JsonReader::Error error;
    const QString text = QString::fromUtf8(frame);
    const auto value = JsonReader::parse(text, &error);
    if (!value)
        fuzz::fail("a server frame is not valid JSON", text + u"\n"_qs + error.message);
    fuzz::check(value->isObject(), "a server frame is not an object", text);
    return *value;
}

QStringList stringList(const JsonValue *value)
{
    QStringList out;
    if (value && value->isArray()) {
        for (const JsonValue &item : value->items())
            out.append(item.toString());
    }
    return out;
}

void checkSymbols(const QStringList &symbols)
{
    fuzz::check(!symbols.isEmpty() && symbols.size() <= ProtocolLimits::MaxSymbolsPerCommand,
                "symbol count out of range");
    for (const QString &symbol : symbols)
        fuzz::check(Symbol::isValid(symbol), "accepted an invalid symbol", symbol);
    fuzz::check(QSet<QString>(symbols.begin(), symbols.end()).size() == symbols.size(),
                "duplicate symbols kept");
}

void reply(const Command &command)
{
    const auto id = command.id;
    if (const auto *c = std::get_if<SubscribeCommand>(&command.body)) {
        checkSymbols(c->symbols);
        QList<ServerMessage::SubscribedSymbol> symbols;
        for (const QString &symbol : c->symbols)
            symbols.append(
                {symbol, c->since.has_value(), c->since ? c->since->seq.value(symbol) + 1 : 1});
        const JsonValue frame =
            reparse(ServerMessage::subscribed(id, c->since ? c->since->epoch : u"e1"_qs, symbols));
        const JsonValue *epoch = frame.member(u"epoch");
        fuzz::check(epoch && (!c->since || epoch->toString() == utf8Form(c->since->epoch)),
                    "epoch changed in the reply");
    } else if (const auto *c = std::get_if<UnsubscribeCommand>(&command.body)) {
        checkSymbols(c->symbols);
        const JsonValue frame = reparse(ServerMessage::unsubscribed(id, c->symbols));
        fuzz::check(stringList(frame.member(u"symbols")) == c->symbols,
                    "symbols changed in the reply");
    } else if (const auto *c = std::get_if<HistoryCommand>(&command.body)) {
        fuzz::check(Symbol::isValid(c->symbol), "history of an invalid symbol", c->symbol);
        fuzz::check(c->from >= 1 && c->limit >= 1 && c->limit <= ProtocolLimits::MaxHistoryLimit,
                    "history bounds");
        reparse(ServerMessage::history(id, c->symbol, {}, std::nullopt));
    } else if (const auto *c = std::get_if<PublishCommand>(&command.body)) {
        TickList ticks = c->ticks;
        QList<ServerMessage::PublishedRange> ranges;
        qint64 seq = 0;
        for (Tick &tick : ticks) {
            fuzz::check(Symbol::isValid(tick.symbol), "published an invalid symbol", tick.symbol);
            fuzz::check(tick.size >= 0 && std::isfinite(tick.price) && std::isfinite(tick.size),
                        "published a bad number");
            tick.seq = ++seq;
            if (tick.timeUs < 0)
                tick.timeUs = 1763790000123456;
            ranges.append({tick.symbol, tick.seq, tick.seq});
        }
        reparse(ServerMessage::published(id, ranges));
        const JsonValue frame = reparse(ServerMessage::ticks(ticks));
        const JsonValue *items = frame.member(u"ticks");
        fuzz::check(items && items->isArray() && items->items().size() == size_t(ticks.size()),
                    "ticks frame lost ticks");
        for (qsizetype i = 0; i < ticks.size(); ++i) {
            const JsonValue &item = items->items()[size_t(i)];
            const JsonValue *p = item.member(u"p");
            const JsonValue *v = item.member(u"v");
            const JsonValue *s = item.member(u"s");
            fuzz::check(p && v && s && p->toDouble() == ticks[i].price &&
                            v->toDouble() == ticks[i].size && s->toString() == ticks[i].symbol,
                        "a tick did not come back as published",
                        QString::fromUtf8(ServerMessage::ticks({ticks[i]})));
        }
    } else if (std::holds_alternative<PingCommand>(command.body)) {
        reparse(ServerMessage::pong(id, 1763790000123456));
    } else if (const auto *c = std::get_if<RefreshCommand>(&command.body)) {
        fuzz::check(!c->token.isEmpty(), "refresh with an empty token");
        reparse(ServerMessage::refreshed(id, 1763790000));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > size_t(ProtocolLimits::MaxClientMessageBytes))
        return 0; // closed with 1009 before the parser sees it
    const QString frame = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const CommandParser::Result result = CommandParser::parse(QStringView(frame));
    if (const auto fast = PublishFrameReader::read(QStringView(frame))) {
        const CommandParser::Result tree = CommandParser::parseTree(QStringView(frame));
        fuzz::check(tree.ok() && tree.id == fast->id && tree.command->id == fast->command->id,
                    "the publish reader took a frame the general path reads otherwise", frame);
        const auto *a = std::get_if<PublishCommand>(&fast->command->body);
        const auto *b = std::get_if<PublishCommand>(&tree.command->body);
        fuzz::check(a && b && a->ticks.size() == b->ticks.size(),
                    "the publish reader read other ticks", frame);
        for (qsizetype i = 0; i < a->ticks.size(); ++i) {
            const Tick &x = a->ticks.at(i);
            const Tick &y = b->ticks.at(i);
            // Bitwise: -0.0 and 0.0 must not be confused.
            fuzz::check(x.symbol == y.symbol && x.timeUs == y.timeUs && x.seq == y.seq &&
                            std::signbit(x.price) == std::signbit(y.price) && x.price == y.price &&
                            std::signbit(x.size) == std::signbit(y.size) && x.size == y.size,
                        "the publish reader read other ticks", frame);
        }
    }
    if (!result.ok()) {
        fuzz::check(!result.error.message.isEmpty(), "an error without a message");
        const JsonValue reply =
            reparse(ServerMessage::error(result.id, result.error.code, result.error.message));
        const JsonValue *message = reply.member(u"message");
        fuzz::check(message && message->toString() == utf8Form(result.error.message),
                    "the error message changed in the reply", result.error.message);
        const JsonValue *id = reply.member(u"id");
        fuzz::check(result.id ? id && id->isInteger() && id->toInteger() == *result.id : !id,
                    "the id changed in the reply");
        return 0;
    }
    fuzz::check(result.command->id == result.id, "id mismatch");
    reply(*result.command);
    return 0;
}
