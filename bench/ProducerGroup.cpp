#include "ProducerGroup.h"

#include "ScenarioContext.h"

namespace tickscope::bench {

ProducerGroup::ProducerGroup() : m_thread(u"producers"_qs) {}

ProducerGroup::~ProducerGroup()
{
    // The sockets and the pacing timer live in the worker thread: destroy them there.
    m_thread.run([this] { m_pool.clear(); });
}

bool ProducerGroup::waitReady(int count, double timeoutSeconds, QString *error)
{
    const bool ready = ScenarioContext::waitUntil(
        [&] {
            return call([](ProducerPool &pool) {
                       return pool.readyCount() + pool.failedCount();
                   }) >= count;
        },
        timeoutSeconds, 20);
    if (ready && call([](ProducerPool &pool) { return pool.failedCount(); }) == 0)
        return true;
    const QStringList failures = call([](ProducerPool &pool) { return pool.failures(); });
    *error = u"producers could not connect: %1"_qs.arg(
        failures.isEmpty() ? u"not connected within %1 s"_qs.arg(timeoutSeconds)
                           : failures.join(u"; "_qs));
    return false;
}

bool ProducerGroup::publishToLimit(double timeoutSeconds)
{
    call([](ProducerPool &pool) {
        pool.reset();
        pool.startPublishing(0);
    });
    const bool done = ScenarioContext::waitUntil(
        [&] {
            return call([](ProducerPool &pool) {
                return (pool.isFinished() && pool.isDrained()) || pool.failedCount() > 0;
            });
        },
        timeoutSeconds, 20);
    return done && call([](ProducerPool &pool) { return pool.failedCount(); }) == 0;
}

} // namespace tickscope::bench
