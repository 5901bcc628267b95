#include "StoreThread.h"

#include "StoreReadAhead.h"
#include "core/Clock.h"
#include "core/TickJson.h"

#include <QMetaObject>

namespace tickscope {

namespace {
template <typename Result>
void reply(QObject *context, std::function<void(Result)> done, Result result)
{
    QMetaObject::invokeMethod(
        context,
        [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); },
        Qt::QueuedConnection);
}

StoreThread::ReadResult readPage(TickStore *store, const QString &symbol, qint64 fromSeq, int limit)
{
    StoreThread::ReadResult result;
    TickList ticks;
    result.ok = store->read(symbol, fromSeq, limit, &ticks, &result.error);
    result.count = ticks.size();
    if (!ticks.isEmpty()) {
        result.firstSeq = ticks.constFirst().seq;
        result.lastSeq = ticks.constLast().seq;
        result.json.reserve(ticks.size() * 80);
        for (const Tick &tick : std::as_const(ticks)) {
            if (!result.json.isEmpty())
                result.json.append(',');
            TickJson::append(result.json, tick);
        }
    }
    return result;
}
} // namespace

StoreThread::StoreThread(std::unique_ptr<TickStore> store, QObject *parent)
    : QObject(parent), m_store(std::move(store)), m_kind(m_store->kind()),
      m_location(m_store->location()), m_readAhead(std::make_unique<StoreReadAhead>())
{
    m_thread.setObjectName(u"tickscope-store"_qs);
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

StoreThread::~StoreThread()
{
    shutdown();
}

void StoreThread::post(std::function<void()> job)
{
    QMetaObject::invokeMethod(m_worker, std::move(job), Qt::QueuedConnection);
}

void StoreThread::open(QObject *context, std::function<void(OpenResult)> done)
{
    TickStore *store = m_store.get();
    post([this, store, context, done = std::move(done)]() mutable {
        m_readAhead->clear();
        OpenResult result;
        result.ok = store->open(&result.error);
        if (result.ok) {
            result.epoch = store->epoch();
            result.symbols = store->symbols();
        }
        reply(context, std::move(done), std::move(result));
    });
}

void StoreThread::append(TickList ticks, QObject *context, std::function<void(AppendResult)> done)
{
    TickStore *store = m_store.get();
    post([store, ticks = std::move(ticks), context, done = std::move(done)]() mutable {
        AppendResult result;
        const qint64 start = Clock::monotonicNs();
        result.ok = store->append(ticks, &result.error);
        result.seconds = double(Clock::monotonicNs() - start) / 1e9;
        result.ticks = std::move(ticks);
        reply(context, std::move(done), std::move(result));
    });
}

void StoreThread::read(const QString &symbol, qint64 fromSeq, int limit, QObject *context,
                       std::function<void(ReadResult)> done)
{
    post([this, symbol, fromSeq, limit, context, done = std::move(done)]() mutable {
        const QString epoch = m_store->epoch();
        std::optional<ReadResult> ahead =
            m_readAhead->find(StoreReadAhead::Key{epoch, symbol, fromSeq, limit});
        ReadResult result =
            ahead ? std::move(*ahead) : readPage(m_store.get(), symbol, fromSeq, limit);
        // Queued before the reply goes out: else the caller's request for the next page can
        // be queued first, miss the read-ahead, and the page is read twice.
        const std::optional<StoreReadAhead::Key> next =
            StoreReadAhead::next(epoch, symbol, limit, result);
        if (next && !m_readAhead->contains(*next))
            readAhead(*next);
        reply(context, std::move(done), std::move(result));
    });
}

void StoreThread::readAhead(const StoreReadAheadKey &key)
{
    // A job of its own, queued behind the work already waiting (appends come first).
    post([this, key] {
        if (m_store->epoch() != key.epoch || m_readAhead->contains(key))
            return;
        ReadResult page = readPage(m_store.get(), key.symbol, key.fromSeq, key.limit);
        if (page.ok && page.count > 0)
            m_readAhead->put(key, std::move(page));
    });
}

void StoreThread::trim(const RetentionPolicy &policy, QObject *context,
                       std::function<void(TrimResult)> done)
{
    TickStore *store = m_store.get();
    post([store, policy, context, done = std::move(done)]() mutable {
        TrimResult result;
        result.removed = store->trim(policy, Clock::nowUs(), &result.error);
        result.ok = result.removed >= 0;
        result.symbols = store->symbols();
        reply(context, std::move(done), std::move(result));
    });
}

void StoreThread::run(std::function<void(TickStore *)> job)
{
    TickStore *store = m_store.get();
    post([store, job = std::move(job)] { job(store); });
}

void StoreThread::readTicks(const QString &symbol, qint64 fromSeq, int limit, QObject *context,
                            std::function<void(TicksResult)> done)
{
    TickStore *store = m_store.get();
    post([store, symbol, fromSeq, limit, context, done = std::move(done)]() mutable {
        TicksResult result;
        result.ok = store->read(symbol, fromSeq, limit, &result.ticks, &result.error);
        reply(context, std::move(done), std::move(result));
    });
}

void StoreThread::shutdown()
{
    if (!m_thread.isRunning())
        return;
    TickStore *store = m_store.get();
    QThread *thread = &m_thread;
    // Posted jobs run in order, so this runs after every job queued before it.
    post([store, thread] {
        store->close();
        thread->quit();
    });
    m_thread.wait();
}

} // namespace tickscope
