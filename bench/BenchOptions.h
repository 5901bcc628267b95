#pragma once

#include "BenchSocket.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>

namespace tickscope::bench {

// The command line of tickscope-bench (see --help and docs/performance.md).
struct BenchOptions
{
    QStringList scenarios; // live, replay, handshakes, idle (in this order for `all`), desktop

    // The server: spawned (binary, store, extra arguments) or existing (url, token).
    QString serverBinary;
    QString store = u"sqlite"_qs;
    QStringList serverArguments;
    QUrl url;
    QByteArray token;
    qint64 serverPid = 0; // for RSS/CPU figures of an existing server

    // Store redis: a Redis the tool starts (one node, or a cluster of three masters) or an
    // existing one; and how many servers share it.
    QString redisUrl;                          // an existing Redis; empty: start one
    QString redisPersistence = u"everysec"_qs; // everysec, always or none (AOF off)
    bool redisCluster = false;
    int servers = 1;

    int symbols = 20;
    QList<int> liveViewers{10};
    int idleViewers = 1000;
    int producers = 2;
    double rate = 0; // ticks/s over all producers; 0: as fast as acks allow
    int window = 8;
    int batch = 500;
    double duration = 10;
    double warmup = 2;
    double settle = 2;
    qint64 replayTicks = 1'000'000;
    bool replayHistory = true;
    qint64 desktopHistory = 1'000'000; // ticks of the chart's symbol before the measurement
    int concurrency = 32;
    ClientKind client = ClientKind::Raw;
    int viewerThreads = 1;
    QString jsonFile;

    bool spawnsServer() const { return url.isEmpty(); }
    // The store as a title shows it, e.g. "redis (1 node, appendfsync everysec), 2 servers".
    QString storeLabel() const;

    // Parses arguments (without the program name). On error returns nullopt with a
    // one-line message; --help returns nullopt with *help set.
    static std::optional<BenchOptions> parse(const QStringList &arguments, QString *error,
                                             bool *help);
    static QString helpText();
};

} // namespace tickscope::bench
