#pragma once

#include <QByteArray>
#include <QString>
#include <memory>

struct redisReply;

namespace tickscope {

// An owned hiredis reply, read by a RedisConnection (built in a RedisReplyArena), with
// the few accessors the Redis classes need.
class RedisReply
{
public:
    RedisReply() = default;
    explicit RedisReply(redisReply *reply) : m_reply(reply) {}

    bool isNull() const { return !m_reply; }
    explicit operator bool() const { return bool(m_reply); }
    const redisReply *get() const { return m_reply.get(); }

    bool isError() const;
    bool isInteger() const;
    bool isString() const; // a bulk or status string
    bool isArray() const;
    bool isNil() const;
    long long integer() const;
    // The text of a string, status or error reply; empty otherwise.
    QByteArray bytes() const;
    QString errorText() const { return QString::fromUtf8(bytes()); }

    // For array replies (and on borrowed elements).
    static qsizetype size(const redisReply *reply);
    static const redisReply *element(const redisReply *reply, qsizetype i);
    static QByteArray bytes(const redisReply *reply);
    // Integers come back as integers or, from HGET/HMGET, as strings: both are accepted.
    static bool toInt64(const redisReply *reply, qint64 *out);

private:
    struct Free
    {
        void operator()(redisReply *reply) const;
    };
    std::unique_ptr<redisReply, Free> m_reply;
};

} // namespace tickscope
