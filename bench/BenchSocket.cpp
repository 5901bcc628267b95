#include "BenchSocket.h"

#include "QtBenchSocket.h"
#include "RawWebSocket.h"

namespace tickscope::bench {

std::unique_ptr<BenchSocket> BenchSocket::create(ClientKind kind)
{
    if (kind == ClientKind::Qt)
        return std::make_unique<QtBenchSocket>();
    return std::make_unique<RawWebSocket>();
}

} // namespace tickscope::bench
