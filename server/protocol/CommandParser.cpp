#include "CommandParser.h"

#include "JsonReader.h"
#include "PublishFrameReader.h"
#include "core/Symbol.h"

#include <QSet>
#include <cmath>

namespace tickscope {

namespace {

struct Failure
{
    ErrorCode code;
    QString message;
};

// Only integer literals count as integers (1.0 and 1e3 do not).
std::optional<qint64> integerValue(const JsonValue *value)
{
    if (!value || !value->isInteger())
        return std::nullopt;
    return value->toInteger();
}

std::optional<double> finiteNumber(const JsonValue *value)
{
    if (!value || !value->isNumber() || !std::isfinite(value->toDouble()))
        return std::nullopt;
    return value->toDouble();
}

Failure badRequest(const QString &message)
{
    return {ErrorCode::BadRequest, message};
}

QString quoted(const QString &text)
{
    return u'"' + text.left(64) + u'"';
}

constexpr auto SymbolRule = "must match ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,31}$";

Failure invalidSymbol(const QString &symbol, const QString &where = {})
{
    return Failure{ErrorCode::InvalidSymbol, u"invalid symbol %1%2: %3"_qs.arg(
                                                 quoted(symbol), where, QLatin1String(SymbolRule))};
}

std::variant<QStringList, Failure> parseSymbolList(const JsonValue &object)
{
    const JsonValue *value = object.member(u"symbols");
    if (!value)
        return badRequest(u"symbols is required"_qs);
    if (!value->isArray())
        return badRequest(u"symbols must be an array of strings"_qs);
    const auto &array = value->items();
    if (array.empty())
        return badRequest(u"symbols must name at least one symbol"_qs);
    if (array.size() > size_t(ProtocolLimits::MaxSymbolsPerCommand)) {
        return Failure{ErrorCode::TooManySymbols, u"a command names at most %1 symbols, got %2"_qs
                                                      .arg(ProtocolLimits::MaxSymbolsPerCommand)
                                                      .arg(array.size())};
    }
    QStringList symbols;
    QSet<QString> seen;
    for (const JsonValue &entry : array) {
        if (!entry.isString())
            return badRequest(u"symbols must be an array of strings"_qs);
        const QString &symbol = entry.toString();
        if (!Symbol::isValid(symbol))
            return invalidSymbol(symbol);
        if (!seen.contains(symbol)) {
            seen.insert(symbol);
            symbols.append(symbol);
        }
    }
    return symbols;
}

std::variant<CommandBody, Failure> parseSubscribe(const JsonValue &object)
{
    auto symbols = parseSymbolList(object);
    if (auto *failure = std::get_if<Failure>(&symbols))
        return *failure;
    SubscribeCommand command;
    command.symbols = std::get<QStringList>(symbols);

    const JsonValue *since = object.member(u"since");
    if (since && !since->isNull()) {
        if (!since->isObject())
            return badRequest(u"since must be an object with epoch and seq"_qs);
        const JsonValue *epoch = since->member(u"epoch");
        if (!epoch || !epoch->isString())
            return badRequest(u"since.epoch must be a string"_qs);
        SubscribeCommand::Since parsed;
        parsed.epoch = epoch->toString();
        if (const JsonValue *seq = since->member(u"seq")) {
            if (!seq->isObject())
                return badRequest(u"since.seq must be an object of symbol to q"_qs);
            for (const auto &[symbol, value] : seq->members()) {
                if (!Symbol::isValid(symbol))
                    return invalidSymbol(symbol, u" in since.seq"_qs);
                const auto q = integerValue(&value);
                if (!q || *q < 0)
                    return badRequest(u"since.seq.%1 must be an integer >= 0"_qs.arg(symbol));
                parsed.seq.insert(symbol, *q);
            }
        }
        command.since = parsed;
    }
    return command;
}

std::variant<CommandBody, Failure> parseUnsubscribe(const JsonValue &object)
{
    auto symbols = parseSymbolList(object);
    if (auto *failure = std::get_if<Failure>(&symbols))
        return *failure;
    return UnsubscribeCommand{std::get<QStringList>(symbols)};
}

std::variant<CommandBody, Failure> parseHistory(const JsonValue &object)
{
    HistoryCommand command;
    const JsonValue *symbol = object.member(u"symbol");
    if (!symbol)
        return badRequest(u"symbol is required"_qs);
    if (!symbol->isString())
        return badRequest(u"symbol must be a string"_qs);
    command.symbol = symbol->toString();
    if (!Symbol::isValid(command.symbol))
        return invalidSymbol(command.symbol);
    if (const JsonValue *from = object.member(u"from")) {
        const auto value = integerValue(from);
        if (!value || *value < 1)
            return badRequest(u"from must be an integer >= 1"_qs);
        command.from = *value;
    }
    if (const JsonValue *limit = object.member(u"limit")) {
        const auto value = integerValue(limit);
        if (!value || *value < 1 || *value > ProtocolLimits::MaxHistoryLimit) {
            return badRequest(
                u"limit must be an integer from 1 to %1"_qs.arg(ProtocolLimits::MaxHistoryLimit));
        }
        command.limit = int(*value);
    }
    return command;
}

std::variant<CommandBody, Failure> parsePublish(const JsonValue &object)
{
    const JsonValue *ticks = object.member(u"ticks");
    if (!ticks || !ticks->isArray())
        return badRequest(u"ticks must be an array of tick objects"_qs);
    const auto &array = ticks->items();
    if (array.empty())
        return badRequest(u"ticks must hold at least one tick"_qs);
    PublishCommand command;
    command.ticks.reserve(qsizetype(array.size()));
    for (size_t i = 0; i < array.size(); ++i) {
        const JsonValue &tick = array[i];
        if (!tick.isObject())
            return badRequest(u"ticks[%1] must be an object"_qs.arg(i));
        Tick parsed;
        const JsonValue *s = tick.member(u"s");
        if (!s || !s->isString())
            return badRequest(u"ticks[%1].s must be a symbol string"_qs.arg(i));
        parsed.symbol = s->toString();
        if (!Symbol::isValid(parsed.symbol))
            return invalidSymbol(parsed.symbol, u" in ticks[%1]"_qs.arg(i));
        const auto price = finiteNumber(tick.member(u"p"));
        if (!price)
            return badRequest(u"ticks[%1].p must be a finite number"_qs.arg(i));
        parsed.price = *price;
        if (const JsonValue *v = tick.member(u"v")) {
            const auto size = finiteNumber(v);
            if (!size || *size < 0)
                return badRequest(u"ticks[%1].v must be a finite number >= 0"_qs.arg(i));
            parsed.size = *size;
        }
        if (const JsonValue *t = tick.member(u"t")) {
            const auto time = integerValue(t);
            if (!time || *time < 0 || *time >= ProtocolLimits::MaxTimeUs) {
                return badRequest(
                    u"ticks[%1].t must be an integer of microseconds, 0 <= t < 2^53"_qs.arg(i));
            }
            parsed.timeUs = *time;
        } else {
            parsed.timeUs = -1;
        }
        command.ticks.append(std::move(parsed));
    }
    return command;
}

std::variant<CommandBody, Failure> parseRefresh(const JsonValue &object)
{
    const JsonValue *token = object.member(u"token");
    if (!token || !token->isString() || token->toString().isEmpty())
        return badRequest(u"token must be a non-empty string"_qs);
    return RefreshCommand{token->toString()};
}

} // namespace

CommandParser::Result CommandParser::parse(const QByteArray &frame)
{
    return parse(QStringView(QString::fromUtf8(frame)));
}

CommandParser::Result CommandParser::parse(QStringView frame)
{
    if (std::optional<Result> publish = PublishFrameReader::read(frame))
        return std::move(*publish);
    return parseTree(frame);
}

CommandParser::Result CommandParser::parseTree(QStringView frame)
{
    Result result;
    JsonReader::Error parseError;
    const auto document = JsonReader::parse(frame, &parseError);
    if (!document) {
        result.error = {ErrorCode::BadRequest,
                        u"frame is not valid JSON: %1 at offset %2"_qs.arg(parseError.message)
                            .arg(parseError.offset)};
        return result;
    }
    if (!document->isObject()) {
        result.error = {ErrorCode::BadRequest, u"frame must be a JSON object"_qs};
        return result;
    }
    const JsonValue &object = *document;

    if (const JsonValue *id = object.member(u"id")) {
        const auto value = integerValue(id);
        if (!value) {
            result.error = {ErrorCode::BadRequest, u"id must be an integer"_qs};
            return result;
        }
        result.id = value;
    }

    const JsonValue *op = object.member(u"op");
    if (!op || !op->isString()) {
        result.error = {ErrorCode::BadRequest, u"op is required and must be a string"_qs};
        return result;
    }
    const QString &name = op->toString();

    const auto parseBody = [&]() -> std::variant<CommandBody, Failure> {
        if (name == u"subscribe")
            return parseSubscribe(object);
        if (name == u"unsubscribe")
            return parseUnsubscribe(object);
        if (name == u"history")
            return parseHistory(object);
        if (name == u"publish")
            return parsePublish(object);
        if (name == u"ping")
            return CommandBody{PingCommand{}};
        if (name == u"refresh")
            return parseRefresh(object);
        return Failure{ErrorCode::UnknownOp, u"unknown op %1"_qs.arg(quoted(name))};
    };
    std::variant<CommandBody, Failure> body = parseBody();

    if (auto *failure = std::get_if<Failure>(&body)) {
        result.error = {failure->code, failure->message};
        return result;
    }
    result.command = Command{result.id, std::get<CommandBody>(std::move(body))};
    return result;
}

} // namespace tickscope
