#include "Scaleout.h"

#include "Wait.h"

#include <QJsonArray>

namespace tickscope::test {

QString Scaleout::jwtSecret()
{
    return u"scaleout-shared-secret-0123456789abcdefghijklmn"_qs;
}

bool Scaleout::start(ServerProcess &server, const QString &redisUrl, QString *error,
                     const QStringList &limits)
{
    server.setEnvironment(u"TICKSCOPE_JWT_SECRET"_qs, jwtSecret());
    const bool ok = server.start(
        QStringList{u"--store"_qs, u"redis"_qs, u"--redis-url"_qs, redisUrl} + limits, {}, 60000);
    if (!ok && error)
        *error = server.error();
    return ok;
}

bool Scaleout::startWithOwnUsers(const RedisServerProcess &redis, ServerProcess &a,
                                 ServerProcess &b, QString *error)
{
    const QString urlA = addRedisUser(redis, u"server-a"_qs, error);
    if (urlA.isEmpty())
        return false;
    const QString urlB = addRedisUser(redis, u"server-b"_qs, error);
    if (urlB.isEmpty())
        return false;
    return start(a, urlA, error) && start(b, urlB, error);
}

QString Scaleout::addRedisUser(const RedisServerProcess &redis, const QString &name, QString *error)
{
    if (!setRedisUser(redis, name, {u"on"_qs, u">pw-"_qs + name, u"~*"_qs, u"&*"_qs, u"+@all"_qs},
                      error))
        return {};
    return u"redis://%1:pw-%1@127.0.0.1:%2/0"_qs.arg(name).arg(redis.port());
}

bool Scaleout::setRedisUser(const RedisServerProcess &redis, const QString &name,
                            const QStringList &rules, QString *error)
{
    const QString answer = redis.cli(QStringList{u"ACL"_qs, u"SETUSER"_qs, name} + rules);
    if (answer.trimmed() == u"OK")
        return true;
    if (error)
        *error = u"ACL SETUSER %1 %2: %3"_qs.arg(name, rules.join(u' '), answer.trimmed());
    return false;
}

QString Scaleout::token(ServerProcess &server)
{
    return server.mintToken(u"scaleout"_qs, u"read publish"_qs, u"1h"_qs, {}, u"unlimited"_qs);
}

std::unique_ptr<WsClient> Scaleout::connect(const ServerProcess &server, const QString &token,
                                            QString *error)
{
    auto client = std::make_unique<WsClient>();
    if (!client->open(server.url(), token)) {
        if (error)
            *error =
                u"cannot connect to port %1: %2"_qs.arg(server.port()).arg(client->errorString());
        return nullptr;
    }
    return client;
}

std::optional<QJsonObject> Scaleout::subscribe(WsClient &client, const QStringList &symbols,
                                               QString *error, const QString &epoch,
                                               const QHash<QString, qint64> &seq)
{
    QJsonObject command{{u"op"_qs, u"subscribe"_qs},
                        {u"symbols"_qs, QJsonArray::fromStringList(symbols)}};
    if (!epoch.isEmpty()) {
        QJsonObject seqs;
        for (auto it = seq.cbegin(); it != seq.cend(); ++it)
            seqs.insert(it.key(), it.value());
        command.insert(u"since"_qs, QJsonObject{{u"epoch"_qs, epoch}, {u"seq"_qs, seqs}});
    }
    const auto reply = client.request(command, 60000);
    if (!reply || reply->op() != u"subscribed") {
        if (error)
            *error = reply ? u"subscribe answered "_qs + QString::fromUtf8(reply->raw)
                           : u"no answer to subscribe"_qs;
        return std::nullopt;
    }
    return reply->json;
}

QHash<QString, qint64> Scaleout::lastSeen(const WsClient &client, const QStringList &symbols)
{
    QHash<QString, qint64> result;
    for (const QString &symbol : symbols) {
        const QList<qint64> seqs = client.seqs(symbol);
        result.insert(symbol, seqs.isEmpty() ? 0 : seqs.constLast());
    }
    return result;
}

QList<QJsonObject> Scaleout::storedTicks(const ServerProcess &server, const QString &token,
                                         const QString &symbol, QString *error)
{
    QList<QJsonObject> all;
    qint64 from = 1;
    for (;;) {
        const HttpReply reply =
            server.httpGet("/api/v1/ticks?limit=1000&symbol=" + symbol.toLatin1() +
                               "&from=" + QByteArray::number(from),
                           HttpClient::bearer(token));
        if (reply.status != 200) {
            *error = u"port %1: "_qs.arg(server.port()) + QString::fromLatin1(reply.describe());
            return {};
        }
        const QJsonArray ticks = reply.json().value(u"ticks").toArray();
        for (const QJsonValue &tick : ticks)
            all.append(tick.toObject());
        const QJsonValue next = reply.json().value(u"next");
        if (next.isNull())
            return all;
        if (ticks.isEmpty() || next.toInteger() <= from) {
            *error = u"port %1: /api/v1/ticks does not advance at from=%2"_qs.arg(server.port())
                         .arg(from);
            return {};
        }
        from = next.toInteger();
    }
}

std::optional<qint64> Scaleout::lastSeq(const ServerProcess &server, const QString &token,
                                        const QString &symbol)
{
    const HttpReply reply = server.httpGet("/api/v1/symbols", HttpClient::bearer(token));
    if (reply.status != 200)
        return std::nullopt;
    for (const QJsonValue &value : reply.json().value(u"symbols").toArray()) {
        const QJsonObject entry = value.toObject();
        if (entry.value(u"symbol").toString() == symbol)
            return entry.value(u"last_seq").toInteger();
    }
    return std::nullopt;
}

QString Scaleout::awaitTicks(const WsClient &viewer, const QString &who, const TickLedger &ledger,
                             const QString &symbol, qint64 first, qint64 last, bool everyTickAcked)
{
    const qint64 expected = last - first + 1;
    waitUntil([&] { return viewer.tickCount(symbol) >= expected || viewer.isDisconnected(); },
              60000);
    QString wrong = ledger.check(symbol, viewer.ticks(symbol), first, last, everyTickAcked);
    for (const QJsonObject &gap : viewer.gaps()) {
        if (gap.value(u"symbol").toString() == symbol) {
            wrong += u" gap %1..%2"_qs.arg(gap.value(u"from").toInteger())
                         .arg(gap.value(u"to").toInteger());
        }
    }
    if (viewer.isDisconnected())
        wrong += u" (disconnected with %1)"_qs.arg(viewer.closeCode());
    return wrong.isEmpty() ? QString() : who + u": "_qs + wrong;
}

QString Scaleout::checkStored(const ServerProcess &server, const QString &token,
                              const TickLedger &ledger, const QString &symbol, qint64 last,
                              bool everyTickAcked)
{
    std::optional<qint64> known;
    waitUntil(
        [&] {
            known = lastSeq(server, token, symbol);
            return known && *known >= last;
        },
        60000);
    if (known != last) {
        return u"port %1 knows %2 up to q %3, expected %4"_qs.arg(server.port())
            .arg(symbol)
            .arg(known ? QString::number(*known) : u"nothing"_qs)
            .arg(last);
    }
    QString error;
    const QList<QJsonObject> stored = storedTicks(server, token, symbol, &error);
    if (!error.isEmpty())
        return error;
    const QString wrong = ledger.check(symbol, stored, 1, last, everyTickAcked);
    return wrong.isEmpty() ? QString() : u"stored on port %1: "_qs.arg(server.port()) + wrong;
}

} // namespace tickscope::test
