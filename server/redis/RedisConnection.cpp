#include "RedisConnection.h"

#include "RedisReplyArena.h"

#include <hiredis/hiredis.h>
#include <vector>

namespace tickscope {

namespace {

timeval toTimeval(int ms)
{
    timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = suseconds_t(ms % 1000) * 1000;
    return tv;
}

} // namespace

RedisConnection::RedisConnection(RedisNodeAddress address, Options options)
    : m_address(std::move(address)), m_options(std::move(options))
{}

RedisConnection::~RedisConnection()
{
    disconnect();
}

void RedisConnection::disconnect()
{
    if (m_context) {
        redisFree(m_context);
        m_context = nullptr;
    }
}

QString RedisConnection::ioError(const char *what)
{
    QString detail;
    if (m_context && m_context->err)
        detail = QString::fromUtf8(m_context->errstr);
    if (detail.isEmpty() || detail == u"Resource temporarily unavailable")
        detail = u"no answer within %1 ms"_qs.arg(m_options.commandTimeoutMs);
    disconnect();
    return u"redis %1 %2: %3"_qs.arg(m_address.key(), QLatin1String(what), detail);
}

bool RedisConnection::connect(QString *error)
{
    disconnect();
    const QByteArray host = m_address.host.toUtf8();
    m_context = redisConnectWithTimeout(host.constData(), m_address.port,
                                        toTimeval(m_options.connectTimeoutMs));
    if (!m_context || m_context->err) {
        const QString detail =
            m_context ? QString::fromUtf8(m_context->errstr) : u"out of memory"_qs;
        disconnect();
        if (error)
            *error = u"redis %1 unreachable: %2"_qs.arg(m_address.key(), detail);
        return false;
    }
    RedisReplyArena::install(m_context);
    redisSetTimeout(m_context, toTimeval(m_options.commandTimeoutMs));
    redisEnableKeepAlive(m_context);
    QString ioFailure;
    if (!m_options.password.isEmpty()) {
        QByteArrayList auth{QByteArrayLiteral("AUTH")};
        if (!m_options.username.isEmpty())
            auth.append(m_options.username.toUtf8());
        auth.append(m_options.password.toUtf8());
        const RedisReply reply = command(auth, &ioFailure);
        if (!reply || reply.isError()) {
            // The reply names no secret ("WRONGPASS invalid username-password pair").
            if (error)
                *error = reply ? u"redis %1 refused the credentials: %2"_qs.arg(m_address.key(),
                                                                                reply.errorText())
                               : ioFailure;
            disconnect();
            return false;
        }
    }
    if (m_options.db != 0) {
        const RedisReply reply =
            command({QByteArrayLiteral("SELECT"), QByteArray::number(m_options.db)}, &ioFailure);
        if (!reply || reply.isError()) {
            if (error)
                *error = reply ? u"redis %1 refused database %2: %3"_qs.arg(m_address.key())
                                     .arg(m_options.db)
                                     .arg(reply.errorText())
                               : ioFailure;
            disconnect();
            return false;
        }
    }
    ++m_serial;
    return true;
}

void RedisConnection::append(const QByteArrayList &args)
{
    if (!m_context)
        return;
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(size_t(args.size()));
    lengths.reserve(size_t(args.size()));
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    redisAppendCommandArgv(m_context, int(argv.size()), argv.data(), lengths.data());
}

bool RedisConnection::flush(QString *error)
{
    if (!m_context) {
        if (error)
            *error = u"redis %1 is not connected"_qs.arg(m_address.key());
        return false;
    }
    int done = 0;
    while (!done) {
        if (redisBufferWrite(m_context, &done) != REDIS_OK) {
            const QString message = ioError("write failed");
            if (error)
                *error = message;
            return false;
        }
    }
    return true;
}

RedisReply RedisConnection::read(QString *error)
{
    if (!m_context) {
        if (error)
            *error = u"redis %1 is not connected"_qs.arg(m_address.key());
        return {};
    }
    void *reply = nullptr;
    if (redisGetReply(m_context, &reply) != REDIS_OK || !reply) {
        const QString message = ioError("read failed");
        if (error)
            *error = message;
        return {};
    }
    return RedisReply(static_cast<redisReply *>(reply));
}

RedisReply RedisConnection::command(const QByteArrayList &args, QString *error)
{
    append(args);
    return read(error);
}

} // namespace tickscope
