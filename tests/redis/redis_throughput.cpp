// Ad hoc numbers for the Redis store (not a test): append throughput in batches over 20
// symbols on one local Redis and on a local three-master cluster, and the replay of one
// symbol's long history. Usage: redis_throughput [replay ticks, default 1000000]
#include "RedisServerProcess.h"
#include "redis/RedisTickStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <cstdio>

using namespace tickscope;

namespace {

void appendRun(RedisTickStore &store, const char *label, int batchSize, qint64 total)
{
    constexpr int Symbols = 20;
    QElapsedTimer timer;
    timer.start();
    qint64 k = 0;
    while (k < total) {
        TickList batch;
        batch.reserve(batchSize);
        for (int i = 0; i < batchSize; ++i, ++k)
            batch.append(Tick{u"SYM-%1"_qs.arg(k % Symbols), 0, 1'763'790'000'000'000 + k,
                              64'000.0 + double(k % 1000) / 8, 0.25});
        QString error;
        if (!store.append(batch, &error)) {
            std::printf("append failed: %s\n", qPrintable(error));
            return;
        }
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    std::printf("%-28s batch %5d: %9.0f ticks/s (%lld ticks in %.2f s)\n", label, batchSize,
                double(total) / seconds, total, seconds);
}

void replayRun(RedisTickStore &store, const char *label, qint64 count)
{
    QElapsedTimer timer;
    timer.start();
    for (qint64 k = 0; k < count;) {
        TickList batch;
        for (int i = 0; i < 5000 && k < count; ++i, ++k)
            batch.append(Tick{u"REPLAY"_qs, 0, k, double(k) / 3, 1.0});
        if (!store.append(batch, nullptr))
            return;
    }
    const double writeSeconds = double(timer.nsecsElapsed()) / 1e9;
    timer.restart();
    qint64 next = 1;
    qint64 read = 0;
    TickList page;
    while (true) {
        QString error;
        if (!store.read(u"REPLAY"_qs, next, 10'000, &page, &error)) {
            std::printf("read failed: %s\n", qPrintable(error));
            return;
        }
        if (page.isEmpty())
            break;
        read += page.size();
        next = page.constLast().seq + 1;
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    std::printf("%-28s replay %lld ticks of one symbol: %.2f s (%.0f ticks/s; written in %.2f s)\n",
                label, read, seconds, double(read) / seconds, writeSeconds);
    timer.restart();
    QString error;
    const qint64 removed = store.trim(RetentionPolicy{0, 1}, count / 2, &error);
    std::printf("%-28s trim by age of %lld ticks (binary search): %.1f ms\n", label, removed,
                double(timer.nsecsElapsed()) / 1e6);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 replay = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1'000'000;
    QString error;
    {
        test::RedisServerProcess server;
        if (!server.start(&error)) {
            std::printf("%s\n", qPrintable(error));
            return 1;
        }
        auto store = RedisTickStore::fromUrl(server.url(), &error);
        store->open(&error);
        for (const int batch : {1000, 5000})
            appendRun(*store, "single redis", batch, 400'000);
        replayRun(*store, "single redis", replay);
    }
    {
        test::RedisServerProcess server({true, false});
        if (server.start(&error)) {
            auto store = RedisTickStore::fromUrl(server.url(), &error);
            store->open(&error);
            for (const int batch : {1000, 5000})
                appendRun(*store, "single redis, fsync always", batch, 200'000);
        }
    }
    {
        test::RedisClusterProcess cluster;
        if (!cluster.start(&error)) {
            std::printf("%s\n", qPrintable(error));
            return 1;
        }
        auto store = RedisTickStore::fromUrl(cluster.url(), &error);
        store->open(&error);
        for (const int batch : {1000, 5000})
            appendRun(*store, "3-master cluster", batch, 400'000);
        replayRun(*store, "3-master cluster", replay);
    }
    return 0;
}
