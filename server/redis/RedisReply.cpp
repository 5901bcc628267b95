#include "RedisReply.h"

#include "RedisReplyArena.h"

#include <charconv>
#include <hiredis/hiredis.h>

namespace tickscope {

void RedisReply::Free::operator()(redisReply *reply) const
{
    RedisReplyArena::release(reply);
}

bool RedisReply::isError() const
{
    return m_reply && m_reply->type == REDIS_REPLY_ERROR;
}

bool RedisReply::isInteger() const
{
    return m_reply && m_reply->type == REDIS_REPLY_INTEGER;
}

bool RedisReply::isString() const
{
    return m_reply && (m_reply->type == REDIS_REPLY_STRING || m_reply->type == REDIS_REPLY_STATUS);
}

bool RedisReply::isArray() const
{
    return m_reply && m_reply->type == REDIS_REPLY_ARRAY;
}

bool RedisReply::isNil() const
{
    return m_reply && m_reply->type == REDIS_REPLY_NIL;
}

long long RedisReply::integer() const
{
    return m_reply && m_reply->type == REDIS_REPLY_INTEGER ? m_reply->integer : 0;
}

QByteArray RedisReply::bytes() const
{
    return bytes(m_reply.get());
}

qsizetype RedisReply::size(const redisReply *reply)
{
    return reply && reply->type == REDIS_REPLY_ARRAY ? qsizetype(reply->elements) : 0;
}

const redisReply *RedisReply::element(const redisReply *reply, qsizetype i)
{
    return i >= 0 && i < size(reply) ? reply->element[i] : nullptr;
}

QByteArray RedisReply::bytes(const redisReply *reply)
{
    if (!reply)
        return {};
    switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        return QByteArray(reply->str, qsizetype(reply->len));
    default:
        return {};
    }
}

bool RedisReply::toInt64(const redisReply *reply, qint64 *out)
{
    if (!reply)
        return false;
    if (reply->type == REDIS_REPLY_INTEGER) {
        *out = reply->integer;
        return true;
    }
    if (reply->type != REDIS_REPLY_STRING)
        return false;
    const char *end = reply->str + reply->len;
    const auto [ptr, ec] = std::from_chars(reply->str, end, *out);
    return ec == std::errc() && ptr == end;
}

} // namespace tickscope
