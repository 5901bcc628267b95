#pragma once

#include "runtime/ServerRuntime.h"

#include <QString>
#include <memory>

namespace tickscope::test {

// A ServerRuntime in the test's own process and thread, as the desktop app embeds it.
class EmbeddedRuntime
{
public:
    // Starts it and waits until it listens; empty on success, else the reason.
    static QString start(std::unique_ptr<ServerRuntime> &runtime, const ServerConfig &config);
    // Shuts it down, lets closed sessions go (they must be gone before the server: see
    // StreamServer's destructor) and deletes it; false if the shutdown did not finish.
    static bool stop(std::unique_ptr<ServerRuntime> &runtime);
};

} // namespace tickscope::test
