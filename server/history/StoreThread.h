#pragma once

#include "store/TickStore.h"

#include <QObject>
#include <QThread>
#include <functional>
#include <memory>

namespace tickscope {

class StoreReadAhead;
struct StoreReadAheadKey;

// Runs a TickStore on a thread of its own, so that disk or network latency never
// blocks the socket loop or the GUI. Every call returns at once; its callback runs
// later in the thread of `context`, and not at all if `context` is gone by then.
class StoreThread : public QObject
{
    Q_OBJECT
public:
    explicit StoreThread(std::unique_ptr<TickStore> store, QObject *parent = nullptr);
    ~StoreThread() override;

    QString kind() const { return m_kind; }
    QString location() const { return m_location; }

    struct OpenResult
    {
        bool ok = false;
        QString error;
        QString epoch;
        QList<SymbolState> symbols;
    };
    void open(QObject *context, std::function<void(OpenResult)> done);

    struct AppendResult
    {
        bool ok = false;
        QString error;
        TickList ticks; // with q assigned when ok
        double seconds = 0.0;
    };
    void append(TickList ticks, QObject *context, std::function<void(AppendResult)> done);

    struct ReadResult
    {
        bool ok = false;
        QString error;
        QByteArray json; // the ticks' wire form joined by commas, made in the store thread
        qint64 count = 0;
        qint64 firstSeq = 0; // q of the first tick read; 0 when none
        qint64 lastSeq = 0;  // q of the last tick read; 0 when none
    };
    void read(const QString &symbol, qint64 fromSeq, int limit, QObject *context,
              std::function<void(ReadResult)> done);

    struct TrimResult
    {
        bool ok = false;
        QString error;
        qint64 removed = 0;
        QList<SymbolState> symbols;
    };
    void trim(const RetentionPolicy &policy, QObject *context,
              std::function<void(TrimResult)> done);

    // Runs `job` with the store on the store thread; for backend-specific work such as
    // health probes. The job reports back itself (e.g. QMetaObject::invokeMethod).
    void run(std::function<void(TickStore *)> job);

    struct TicksResult
    {
        bool ok = false;
        QString error;
        TickList ticks;
    };
    // Like read(), but returns the ticks themselves (for ticks another server stored).
    void readTicks(const QString &symbol, qint64 fromSeq, int limit, QObject *context,
                   std::function<void(TicksResult)> done);

    // Waits until everything queued so far has run, then closes the store.
    void shutdown();

private:
    void post(std::function<void()> job);
    // On the store thread: queues a read of the page `key` names into the read-ahead.
    void readAhead(const StoreReadAheadKey &key);

    std::unique_ptr<TickStore> m_store;
    QString m_kind;
    QString m_location;
    QThread m_thread;
    QObject *m_worker = nullptr;                 // lives in m_thread
    std::unique_ptr<StoreReadAhead> m_readAhead; // used on m_thread only
};

} // namespace tickscope
