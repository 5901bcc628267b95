#include "BenchOptions.h"

#include "RedisNode.h"
#include "ServerProcess.h"

#include <cmath>

namespace tickscope::bench {

namespace {

// Options that take a value; everything else is a flag.
const QStringList &valueOptions()
{
    static const QStringList names{u"scenario"_qs,    u"server"_qs,    u"store"_qs,
                                   u"server-arg"_qs,  u"url"_qs,       u"token"_qs,
                                   u"server-pid"_qs,  u"symbols"_qs,   u"viewers"_qs,
                                   u"producers"_qs,   u"rate"_qs,      u"window"_qs,
                                   u"batch"_qs,       u"duration"_qs,  u"warmup"_qs,
                                   u"settle"_qs,      u"ticks"_qs,     u"history"_qs,
                                   u"concurrency"_qs, u"client"_qs,    u"viewer-threads"_qs,
                                   u"json"_qs,        u"redis-url"_qs, u"redis-persistence"_qs,
                                   u"servers"_qs};
    return names;
}

std::optional<double> number(const QString &name, const QString &text, double min, double max,
                             QString *error)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < min || value > max) {
        *error =
            u"--%1 \"%2\": must be a number from %3 to %4"_qs.arg(name, text).arg(min).arg(max);
        return std::nullopt;
    }
    return value;
}

std::optional<int> integer(const QString &name, const QString &text, int min, int max,
                           QString *error)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < min || value > max) {
        *error =
            u"--%1 \"%2\": must be an integer from %3 to %4"_qs.arg(name, text).arg(min).arg(max);
        return std::nullopt;
    }
    return value;
}

} // namespace

QString BenchOptions::helpText()
{
    return u"usage: tickscope-bench [--scenario live|replay|handshakes|idle|desktop|all] "
           "[options]\n"
           "\n"
           "Drives a Tickscope server over the wire protocol and reports throughput, latency,\n"
           "continuity and resource use (docs/performance.md).\n"
           "\n"
           "server (default: spawn ../app/tickscope next to this binary, fresh data dir):\n"
           "  --server PATH         the tickscope binary to spawn\n"
           "  --store KIND          sqlite (default), memory or redis\n"
           "  --server-arg ARG      extra argument for the spawned server (repeatable)\n"
           "  --url URL --token T   use a running server (ws://host:port/v1/stream) instead;\n"
           "                        the token needs `read publish` and tier `unlimited`\n"
           "  --server-pid PID      with --url: read that process's RSS and CPU\n"
           "\n"
           "redis (--store redis; --redis-url and --redis-cluster imply it):\n"
           "  (default)             start a redis-server on a free loopback port for each\n"
           "                        scenario (temporary directory, no RDB snapshots)\n"
           "  --redis-persistence M everysec (default: appendonly yes, appendfsync everysec),\n"
           "                        always (appendfsync always) or none (no AOF)\n"
           "  --redis-cluster       start a cluster of 3 masters instead (redis+cluster://)\n"
           "  --redis-url URL       use an existing Redis (redis://host:port/db or\n"
           "                        redis+cluster://h1:p1,h2:p2); its settings are reported\n"
           "  --servers N           spawn N servers on that Redis (1); producers publish to\n"
           "                        server 1, live viewers are spread round-robin over all,\n"
           "                        replay reads from server N\n"
           "\n"
           "live:       --viewers N[,N...] (10), --symbols N (20), --producers P (2),\n"
           "            --rate TICKS_PER_S (0: as fast as acks allow), --window W (8),\n"
           "            --batch B (500), --duration S (10), --warmup S (2)\n"
           "replay:     --ticks M (1000000), --producers, --window, --batch, --no-history\n"
           "handshakes: --concurrency K (32), --duration S, --warmup S\n"
           "idle:       --viewers N (1000), --symbols N, --settle S (2)\n"
           "desktop:    the desktop app's window under load (needs a display: run it under\n"
           "            `xvfb-run -a -s '-screen 0 1920x1080x24'` where there is none):\n"
           "            --history N (1000000) ticks of the chart's symbol first, then --rate\n"
           "            (0: 100000) over --symbols N (20) for --duration S after --warmup S;\n"
           "            frames/s and GUI-thread work per frame from the app's own counter\n"
           "`all` runs live with 10 and 100 viewers, replay, handshakes and idle with 1000.\n"
           "\n"
           "tool:\n"
           "  --client raw|qt       WebSocket client: our own on QTcpSocket (default) or "
           "QWebSocket\n"
           "  --viewer-threads N    threads for the viewers (1)\n"
           "  --json FILE           write every figure as JSON\n"
           "\n"
           "Exit status: 0 ok, 1 the run failed or found continuity errors, 2 bad usage.\n"_qs;
}

std::optional<BenchOptions> BenchOptions::parse(const QStringList &arguments, QString *error,
                                                bool *help)
{
    *help = false;
    BenchOptions options;
    QString scenario = u"live"_qs;
    bool viewersGiven = false;
    bool storeGiven = false;
    bool persistenceGiven = false;
    QString viewersText;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"--help" || argument == u"-h") {
            *help = true;
            return std::nullopt;
        }
        if (argument == u"--no-history") {
            options.replayHistory = false;
            continue;
        }
        if (argument == u"--redis-cluster") {
            options.redisCluster = true;
            continue;
        }
        if (!argument.startsWith(u"--")) {
            *error =
                u"unexpected argument \"%1\" (options start with --; see --help)"_qs.arg(argument);
            return std::nullopt;
        }
        QString name = argument.mid(2);
        QString value;
        bool inlineValue = false;
        if (const auto eq = name.indexOf(u'='); eq > 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
            inlineValue = true;
        }
        if (!valueOptions().contains(name)) {
            *error = u"unknown option --%1 (see --help)"_qs.arg(name);
            return std::nullopt;
        }
        if (!inlineValue) {
            if (i + 1 >= arguments.size()) {
                *error = u"--%1 needs a value"_qs.arg(name);
                return std::nullopt;
            }
            value = arguments.at(++i);
        }

        std::optional<double> n;
        std::optional<int> k;
        if (name == u"scenario") {
            scenario = value;
        } else if (name == u"server") {
            options.serverBinary = value;
        } else if (name == u"store") {
            if (value != u"sqlite" && value != u"memory" && value != u"redis") {
                *error = u"--store \"%1\": must be sqlite, memory or redis"_qs.arg(value);
                return std::nullopt;
            }
            options.store = value;
            storeGiven = true;
        } else if (name == u"server-arg") {
            options.serverArguments.append(value);
        } else if (name == u"url") {
            options.url = QUrl(value);
            if (!options.url.isValid() || options.url.scheme() != u"ws" ||
                options.url.host().isEmpty()) {
                *error = u"--url \"%1\": must be ws://host:port/v1/stream"_qs.arg(value);
                return std::nullopt;
            }
        } else if (name == u"token") {
            options.token = value.toUtf8();
        } else if (name == u"server-pid") {
            if (!(k = integer(name, value, 1, std::numeric_limits<int>::max(), error)))
                return std::nullopt;
            options.serverPid = *k;
        } else if (name == u"symbols") {
            if (!(k = integer(name, value, 1, 256, error)))
                return std::nullopt;
            options.symbols = *k;
        } else if (name == u"viewers") {
            viewersGiven = true;
            viewersText = value;
        } else if (name == u"producers") {
            if (!(k = integer(name, value, 1, 64, error)))
                return std::nullopt;
            options.producers = *k;
        } else if (name == u"rate") {
            if (!(n = number(name, value, 0, 1e8, error)))
                return std::nullopt;
            options.rate = *n;
        } else if (name == u"window") {
            if (!(k = integer(name, value, 1, 1024, error)))
                return std::nullopt;
            options.window = *k;
        } else if (name == u"batch") {
            // 800 ticks of ~70 bytes stay under the server's 64 KiB command limit.
            if (!(k = integer(name, value, 1, 800, error)))
                return std::nullopt;
            options.batch = *k;
        } else if (name == u"duration") {
            if (!(n = number(name, value, 0.5, 3600, error)))
                return std::nullopt;
            options.duration = *n;
        } else if (name == u"warmup") {
            if (!(n = number(name, value, 0, 600, error)))
                return std::nullopt;
            options.warmup = *n;
        } else if (name == u"settle") {
            if (!(n = number(name, value, 0, 600, error)))
                return std::nullopt;
            options.settle = *n;
        } else if (name == u"ticks") {
            if (!(n = number(name, value, 1, 1e9, error)))
                return std::nullopt;
            options.replayTicks = qint64(*n);
        } else if (name == u"history") {
            if (!(n = number(name, value, 0, 1e8, error)))
                return std::nullopt;
            options.desktopHistory = qint64(*n);
        } else if (name == u"concurrency") {
            if (!(k = integer(name, value, 1, 4096, error)))
                return std::nullopt;
            options.concurrency = *k;
        } else if (name == u"client") {
            if (value != u"raw" && value != u"qt") {
                *error = u"--client \"%1\": must be raw or qt"_qs.arg(value);
                return std::nullopt;
            }
            options.client = value == u"qt" ? ClientKind::Qt : ClientKind::Raw;
        } else if (name == u"viewer-threads") {
            if (!(k = integer(name, value, 1, 16, error)))
                return std::nullopt;
            options.viewerThreads = *k;
        } else if (name == u"json") {
            options.jsonFile = value;
        } else if (name == u"redis-url") {
            if (!(value.startsWith(u"redis://") || value.startsWith(u"redis+cluster://")) ||
                value.section(u"://"_qs, 1).isEmpty()) {
                *error = u"--redis-url: must be redis://[[user]:password@]host[:port][/db] or "
                         "redis+cluster://host:port,host:port"_qs;
                return std::nullopt;
            }
            options.redisUrl = value;
        } else if (name == u"redis-persistence") {
            if (!RedisNode::persistenceModes().contains(value)) {
                *error =
                    u"--redis-persistence \"%1\": must be everysec, always or none"_qs.arg(value);
                return std::nullopt;
            }
            options.redisPersistence = value;
            persistenceGiven = true;
        } else if (name == u"servers") {
            if (!(k = integer(name, value, 1, 16, error)))
                return std::nullopt;
            options.servers = *k;
        }
    }

    static const QStringList all{u"live"_qs, u"replay"_qs, u"handshakes"_qs, u"idle"_qs};
    static const QStringList known = all + QStringList{u"desktop"_qs};
    if (scenario == u"all") {
        options.scenarios = all;
        options.liveViewers = {10, 100};
    } else {
        for (const QString &part : scenario.split(u',', Qt::SkipEmptyParts)) {
            if (!known.contains(part)) {
                *error = u"--scenario \"%1\": must be live, replay, handshakes, idle, desktop or "
                         "all"_qs.arg(part);
                return std::nullopt;
            }
            options.scenarios.append(part);
        }
        if (options.scenarios.isEmpty()) {
            *error = u"--scenario is empty"_qs;
            return std::nullopt;
        }
    }
    if (viewersGiven) {
        QList<int> counts;
        for (const QString &part : viewersText.split(u',', Qt::SkipEmptyParts)) {
            const auto count = integer(u"viewers"_qs, part, 1, 100'000, error);
            if (!count)
                return std::nullopt;
            counts.append(*count);
        }
        if (counts.isEmpty()) {
            *error = u"--viewers is empty"_qs;
            return std::nullopt;
        }
        options.liveViewers = counts;
        options.idleViewers = counts.constFirst();
    }
    if (options.producers > options.symbols) {
        *error = u"--producers %1 exceeds --symbols %2: each producer publishes its own symbols"_qs
                     .arg(options.producers)
                     .arg(options.symbols);
        return std::nullopt;
    }
    if (!options.url.isEmpty() && options.token.isEmpty()) {
        *error = u"--url needs --token (a token with `read publish` and tier `unlimited`)"_qs;
        return std::nullopt;
    }
    if (options.url.isEmpty() && !options.token.isEmpty()) {
        *error = u"--token is only used with --url (a spawned server gets its own tokens)"_qs;
        return std::nullopt;
    }
    // Redis: --redis-url and --redis-cluster imply --store redis.
    const bool redisOption = !options.redisUrl.isEmpty() || options.redisCluster;
    if (redisOption && storeGiven && options.store != u"redis") {
        *error = u"--%1 needs --store redis, not --store %2"_qs.arg(
            options.redisCluster ? u"redis-cluster"_qs : u"redis-url"_qs, options.store);
        return std::nullopt;
    }
    if (redisOption)
        options.store = u"redis"_qs;
    if (!options.redisUrl.isEmpty() && options.redisCluster) {
        *error = u"--redis-url and --redis-cluster exclude each other: --redis-cluster starts a "
                 "cluster, --redis-url names an existing Redis (a cluster as "
                 "redis+cluster://h1:p1,h2:p2)"_qs;
        return std::nullopt;
    }
    if (persistenceGiven && (options.store != u"redis" || !options.redisUrl.isEmpty())) {
        *error = u"--redis-persistence applies only to a Redis the tool starts (--store redis "
                 "without --redis-url); an existing Redis keeps its own settings, which the "
                 "report shows"_qs;
        return std::nullopt;
    }
    if (options.servers > 1 && options.store != u"redis") {
        *error = u"--servers %1 needs --store redis: servers share one history only through "
                 "Redis"_qs.arg(options.servers);
        return std::nullopt;
    }
    if (!options.url.isEmpty() && (options.store == u"redis" || options.servers > 1)) {
        *error = u"--store redis, --redis-* and --servers configure servers the tool spawns; "
                 "they do not apply with --url"_qs;
        return std::nullopt;
    }
    if (options.scenarios.contains(u"desktop") && !options.url.isEmpty()) {
        *error = u"--scenario desktop starts the desktop app itself; it does not apply with "
                 "--url"_qs;
        return std::nullopt;
    }
    if (options.serverBinary.isEmpty())
        options.serverBinary = ServerProcess::defaultBinary();
    return options;
}

QString BenchOptions::storeLabel() const
{
    if (!spawnsServer())
        return u"(existing server)"_qs;
    if (store != u"redis")
        return store;
    QString label;
    if (!redisUrl.isEmpty())
        label = u"redis (existing)"_qs;
    else
        label = u"redis (%1, %2)"_qs.arg(
            redisCluster ? u"3-master cluster"_qs : u"1 node"_qs,
            redisPersistence == u"none" ? u"no AOF"_qs : u"appendfsync "_qs + redisPersistence);
    if (servers > 1)
        label += u", %1 servers"_qs.arg(servers);
    return label;
}

} // namespace tickscope::bench
