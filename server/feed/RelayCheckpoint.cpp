#include "feed/RelayCheckpoint.h"

#include "core/Symbol.h"
#include "core/TickJson.h"
#include "protocol/JsonReader.h"

#include <QFile>
#include <QSaveFile>
#include <algorithm>

namespace tickscope {

namespace {

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

RelayCheckpoint::RelayCheckpoint(QString path) : m_path(std::move(path)) {}

QByteArray RelayCheckpoint::toJson(const Point &point)
{
    QStringList symbols = point.positions.keys();
    std::sort(symbols.begin(), symbols.end());
    QByteArray out;
    out.append("{\"version\":1,\"upstream\":");
    TickJson::appendString(out, point.upstream);
    out.append(",\"epoch\":");
    TickJson::appendString(out, point.epoch);
    out.append(",\"positions\":{");
    for (qsizetype i = 0; i < symbols.size(); ++i) {
        if (i)
            out.append(',');
        TickJson::appendString(out, symbols.at(i));
        out.append(':');
        TickJson::appendInteger(out, point.positions.value(symbols.at(i)));
    }
    out.append("}}\n");
    return out;
}

std::optional<RelayCheckpoint::Point> RelayCheckpoint::fromJson(QStringView json, QString *error)
{
    JsonReader::Error parseError;
    const std::optional<JsonValue> root = JsonReader::parse(json, &parseError);
    if (!root) {
        fail(error,
             u"not valid JSON: %1 at offset %2"_qs.arg(parseError.message).arg(parseError.offset));
        return std::nullopt;
    }
    if (!root->isObject()) {
        fail(error, u"the checkpoint must be a JSON object"_qs);
        return std::nullopt;
    }
    const JsonValue *version = root->member(u"version");
    if (!version || !version->isInteger() || version->toInteger() != 1) {
        fail(error, u"\"version\" must be 1"_qs);
        return std::nullopt;
    }
    Point point;
    if (const JsonValue *upstream = root->member(u"upstream")) {
        if (!upstream->isString()) {
            fail(error, u"\"upstream\" must be a string"_qs);
            return std::nullopt;
        }
        point.upstream = upstream->toString();
    }
    const JsonValue *epoch = root->member(u"epoch");
    if (!epoch || !epoch->isString()) {
        fail(error, u"\"epoch\" must be a string"_qs);
        return std::nullopt;
    }
    point.epoch = epoch->toString();
    const JsonValue *positions = root->member(u"positions");
    if (!positions || !positions->isObject()) {
        fail(error, u"\"positions\" must be an object of symbol to q"_qs);
        return std::nullopt;
    }
    for (const auto &[symbol, value] : positions->members()) {
        if (!Symbol::isValid(symbol)) {
            fail(error, u"invalid symbol \"%1\" in \"positions\""_qs.arg(symbol.left(40)));
            return std::nullopt;
        }
        if (!value.isInteger() || value.toInteger() < 0) {
            fail(error, u"positions.%1 must be an integer >= 0"_qs.arg(symbol));
            return std::nullopt;
        }
        point.positions.insert(symbol, value.toInteger());
    }
    return point;
}

std::optional<RelayCheckpoint::Point> RelayCheckpoint::load(QString *error) const
{
    QFile file(m_path);
    if (!file.exists())
        return Point{};
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, u"cannot read the relay checkpoint %1: %2"_qs.arg(m_path, file.errorString()));
        return std::nullopt;
    }
    // A checkpoint holds at most some thousand symbols; anything far larger is not one.
    constexpr qint64 MaxBytes = qint64{4} * 1024 * 1024;
    if (file.size() > MaxBytes) {
        fail(error,
             u"the relay checkpoint %1 is larger than %2 bytes"_qs.arg(m_path).arg(MaxBytes));
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    QString reason;
    std::optional<Point> point = fromJson(QString::fromUtf8(bytes), &reason);
    if (!point)
        fail(error, u"the relay checkpoint %1 is malformed: %2"_qs.arg(m_path, reason));
    return point;
}

bool RelayCheckpoint::save(const Point &point, QString *error) const
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error,
                    u"cannot write the relay checkpoint %1: %2"_qs.arg(m_path, file.errorString()));
    const QByteArray json = toJson(point);
    if (file.write(json) != json.size())
        return fail(error,
                    u"cannot write the relay checkpoint %1: %2"_qs.arg(m_path, file.errorString()));
    if (!file.commit())
        return fail(error,
                    u"cannot write the relay checkpoint %1: %2"_qs.arg(m_path, file.errorString()));
    return true;
}

} // namespace tickscope
