#pragma once

#include "RedisServerProcess.h"
#include "ServerProcess.h"
#include "TickLedger.h"
#include "WsClient.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <memory>
#include <optional>

namespace tickscope::test {

// Helpers for tests that run several tickscope processes on one Redis: every server gets
// the same signing secret (so one token works on all of them) and the same Redis URL.
class Scaleout
{
public:
    // The shared TICKSCOPE_JWT_SECRET (48 characters).
    static QString jwtSecret();

    // Starts `server` with --store redis --redis-url `redisUrl` and the shared secret, then
    // `limits` (default: no handshake limit, as reconnects in quick succession are part of
    // most scale-out tests).
    static bool start(ServerProcess &server, const QString &redisUrl, QString *error,
                      const QStringList &limits = {u"--handshake-limit"_qs, u"0"_qs});

    // Adds a Redis user `name` (password "pw-<name>") with every key, channel and command, so
    // that a test can later take the pub/sub channels away from one server only; returns the
    // URL that logs in as that user.
    static QString addRedisUser(const RedisServerProcess &redis, const QString &name,
                                QString *error);
    // Servers A and B on `redis`, each logging in as its own Redis user ("server-a",
    // "server-b"), so that a test can make one of them lag (setRedisUser); false with *error.
    static bool startWithOwnUsers(const RedisServerProcess &redis, ServerProcess &a,
                                  ServerProcess &b, QString *error);
    // ACL SETUSER `name` `rules`; false with *error set unless Redis answers OK.
    static bool setRedisUser(const RedisServerProcess &redis, const QString &name,
                             const QStringList &rules, QString *error);

    // A token for read and publish, tier unlimited (no command rate limits get in the way).
    static QString token(ServerProcess &server);

    // A connected client (after hello), or null with *error set.
    static std::unique_ptr<WsClient> connect(const ServerProcess &server, const QString &token,
                                             QString *error);

    // Subscribes and returns the `subscribed` reply, or nullopt with *error set. With
    // `since`, every symbol in `seq` is resumed after that q in `epoch`.
    static std::optional<QJsonObject> subscribe(WsClient &client, const QStringList &symbols,
                                                QString *error, const QString &epoch = {},
                                                const QHash<QString, qint64> &seq = {});

    // The last q a client received per symbol (0 when none).
    static QHash<QString, qint64> lastSeen(const WsClient &client, const QStringList &symbols);

    // Every stored tick of `symbol` through /api/v1/ticks, following `next`; empty with *error
    // set when a page fails.
    static QList<QJsonObject> storedTicks(const ServerProcess &server, const QString &token,
                                          const QString &symbol, QString *error);

    // last_seq of `symbol` from /api/v1/symbols; nullopt when absent or the call failed.
    static std::optional<qint64> lastSeq(const ServerProcess &server, const QString &token,
                                         const QString &symbol);

    // Waits up to a minute until `viewer` has last - first + 1 ticks of `symbol`, then: empty
    // when they are q = first..last, once each, with the ledger's values (see
    // TickLedger::check) and no `gap` came; else what is wrong, prefixed with `who`.
    static QString awaitTicks(const WsClient &viewer, const QString &who, const TickLedger &ledger,
                              const QString &symbol, qint64 first, qint64 last,
                              bool everyTickAcked);

    // Empty when the server's stored history of `symbol` is q = 1..last exactly and agrees with
    // the ledger (with `everyTickAcked`, nothing unacknowledged is stored either). A server
    // learns of ticks stored by another one asynchronously (a notification, or a resync once
    // its subscription is back), so this first waits up to a minute until it knows q `last`.
    static QString checkStored(const ServerProcess &server, const QString &token,
                               const TickLedger &ledger, const QString &symbol, qint64 last,
                               bool everyTickAcked);
};

} // namespace tickscope::test
