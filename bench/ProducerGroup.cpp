#include "ProducerGroup.h"

namespace tickscope::bench {

ProducerGroup::ProducerGroup() : m_thread(u"producers"_qs) {}

ProducerGroup::~ProducerGroup()
{
    // The sockets and the pacing timer live in the worker thread: destroy them there.
    m_thread.run([this] { m_pool.clear(); });
}

} // namespace tickscope::bench
