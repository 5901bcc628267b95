#pragma once

#include "ProducerPool.h"
#include "WorkerThread.h"

#include <QString>
#include <functional>

namespace tickscope::bench {

// The producers, in a thread of their own, driven from the main thread.
class ProducerGroup
{
public:
    ProducerGroup();
    ~ProducerGroup();

    // Runs f(pool) in the producers' thread and returns what it returns.
    template <typename F> auto call(F f) -> decltype(f(std::declval<ProducerPool &>()))
    {
        using R = decltype(f(std::declval<ProducerPool &>()));
        if constexpr (std::is_void_v<R>) {
            m_thread.run([&] { f(m_pool); });
        } else {
            R result{};
            m_thread.run([&] { result = f(m_pool); });
            return result;
        }
    }

    // Runs the main event loop until `count` producers have connected or failed; false (with
    // *error naming the failures) if any failed or the timeout passed.
    bool waitReady(int count, double timeoutSeconds, QString *error);
    // Publishes as fast as acknowledgements allow until every producer has sent its `limit`
    // and had it acknowledged (from reset figures); false if one failed or the timeout passed.
    bool publishToLimit(double timeoutSeconds);

private:
    WorkerThread m_thread;
    ProducerPool m_pool;
};

} // namespace tickscope::bench
