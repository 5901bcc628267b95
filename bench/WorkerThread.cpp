#include "WorkerThread.h"

namespace tickscope::bench {

WorkerThread::WorkerThread(const QString &name) : m_context(new QObject)
{
    m_thread.setObjectName(name);
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

WorkerThread::~WorkerThread()
{
    m_thread.quit();
    m_thread.wait();
}

void WorkerThread::run(const std::function<void()> &function)
{
    QMetaObject::invokeMethod(m_context, function, Qt::BlockingQueuedConnection);
}

} // namespace tickscope::bench
