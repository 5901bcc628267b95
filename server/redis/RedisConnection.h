#pragma once

#include "redis/RedisReply.h"
#include "redis/RedisUrl.h"

#include <QByteArrayList>

struct redisContext;

namespace tickscope {

struct RedisConnectionOptions
{
    int connectTimeoutMs = 2000;
    int commandTimeoutMs = 5000;
    QString username;
    QString password; // secret
    int db = 0;
};

// A blocking connection to one Redis server (hiredis), for the store thread: connect and
// command timeouts, AUTH and SELECT on connect, and pipelining (append many commands, send
// them at once, read the replies in order). Any I/O error or timeout closes the connection:
// after it the protocol stream cannot be trusted, and the owner reconnects.
class RedisConnection
{
public:
    using Options = RedisConnectionOptions;

    RedisConnection(RedisNodeAddress address, Options options);
    ~RedisConnection();
    RedisConnection(const RedisConnection &) = delete;
    RedisConnection &operator=(const RedisConnection &) = delete;

    const RedisNodeAddress &address() const { return m_address; }
    bool isConnected() const { return m_context != nullptr; }
    // Counts successful connects: a reply awaited on one connection never comes on the next.
    quint64 serial() const { return m_serial; }

    bool connect(QString *error);
    void disconnect();

    // Queues a command; nothing is sent yet.
    void append(const QByteArrayList &args);
    // Sends everything queued. On failure the connection is closed.
    bool flush(QString *error);
    // Reads the next reply (flushing first). On an I/O error or timeout: a null reply, the
    // connection closed, and *error set. A Redis error reply is a reply, not a failure.
    RedisReply read(QString *error);
    // append + read.
    RedisReply command(const QByteArrayList &args, QString *error);

private:
    QString ioError(const char *what);

    RedisNodeAddress m_address;
    Options m_options;
    redisContext *m_context = nullptr;
    quint64 m_serial = 0;
};

} // namespace tickscope
