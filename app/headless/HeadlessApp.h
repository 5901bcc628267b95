#pragma once

#include "config/ServerConfig.h"

namespace tickscope {

// `tickscope --headless`: the server without a GUI, on QCoreApplication, until
// SIGTERM or SIGINT.
class HeadlessApp
{
public:
    static int run(int argc, char *argv[], const ServerConfig &config);
};

} // namespace tickscope
