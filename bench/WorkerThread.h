#pragma once

#include <QObject>
#include <QThread>
#include <functional>

namespace tickscope::bench {

// A thread with its own event loop. Objects created inside run() live in that thread;
// run() blocks the caller until the function has run there, so the caller may read
// results the function wrote (the blocking queued call orders the memory).
class WorkerThread
{
public:
    explicit WorkerThread(const QString &name);
    ~WorkerThread();

    void run(const std::function<void()> &function);

private:
    QThread m_thread;
    QObject *m_context;
};

} // namespace tickscope::bench
