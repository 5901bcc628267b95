#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace tickscope {

// The key layout in Redis. Every key of one symbol carries the symbol as its {hash tag}, so a
// Redis Cluster keeps them in one slot and one Lua script may touch them all:
//   <prefix>:{SYMBOL}:meta     hash: first_seq, last_seq, last_t, last_p, max_t, trim_m, epoch
//   <prefix>:{SYMBOL}:ticks    stream: id "q-0", fields t, p, v (and m, see RedisScript)
//   <prefix>:{SYMBOL}:writers  hash: writer id -> "batch first last" (retries are idempotent)
//   <prefix>:{SYMBOL}:notify   pub/sub channel: "first last writer" after each append
//   <prefix>:epoch             string: the epoch (SET NX once)
//   <prefix>:symbols           set: every symbol that had a tick
//   <prefix>:rl:{KEY}          hash: a shared token bucket
// Symbols cannot contain braces (the symbol rule), so the tag is always the whole symbol.
class RedisKeys
{
public:
    explicit RedisKeys(const QString &prefix = defaultPrefix());

    static QString defaultPrefix() { return u"ts"_qs; }
    // 1..32 of [A-Za-z0-9._-]: no braces (hash tags), no colons, no glob characters.
    static bool isValidPrefix(const QString &prefix, QString *error);

    const QByteArray &prefix() const { return m_prefix; }
    QByteArray meta(const QString &symbol) const { return tagged(symbol, "meta"); }
    QByteArray ticks(const QString &symbol) const { return tagged(symbol, "ticks"); }
    QByteArray writers(const QString &symbol) const { return tagged(symbol, "writers"); }
    QByteArray notify(const QString &symbol) const { return tagged(symbol, "notify"); }
    QByteArray epoch() const { return m_prefix + ":epoch"; }
    QByteArray symbols() const { return m_prefix + ":symbols"; }
    QByteArray rateLimit(const QString &key) const;
    // PSUBSCRIBE pattern matching every symbol's notify channel.
    QByteArray notifyPattern() const { return m_prefix + ":{*}:notify"; }
    // The symbol named by a notify channel; empty if the channel is not one.
    QString symbolOfChannel(QByteArrayView channel) const;

private:
    QByteArray tagged(const QString &symbol, const char *suffix) const;

    QByteArray m_prefix;
};

} // namespace tickscope
