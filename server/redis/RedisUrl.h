#pragma once

#include <QList>
#include <QString>
#include <optional>

namespace tickscope {

// One Redis server: host and port.
struct RedisNodeAddress
{
    QString host;
    quint16 port = 6379;

    // "host:port", or "[v6]:port": the key under which a node is known.
    QString key() const;
    friend bool operator==(const RedisNodeAddress &, const RedisNodeAddress &) = default;
};

// Where the Redis history lives: one server, or the seed nodes of a Redis Cluster.
//
// Accepted forms:
//   redis://[[user]:password@]host[:port][/db]             one server
//   redis://h1:p1,redis://h2:p2                            a cluster (seed nodes)
//   redis+cluster://[[user]:password@]h1:p1,h2:p2[/0]      a cluster (seed nodes)
// A cluster has only database 0. rediss:// is refused: hiredis 0.14 has no TLS.
struct RedisUrl
{
    QList<RedisNodeAddress> nodes;
    bool cluster = false;
    QString username;
    QString password; // secret: never in display() or errors
    int db = 0;

    static std::optional<RedisUrl> parse(const QString &input, QString *error);
    static RedisUrl single(const QString &host, quint16 port);

    // The URL without credentials, for logs and location().
    QString display() const;
};

} // namespace tickscope
