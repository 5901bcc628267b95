#pragma once

#include "config/ServerConfig.h"

namespace tickscope {

// `tickscope` without --headless: the desktop workstation. Starts the embedded server on its
// own thread (or, with --connect, views a remote server only) and opens the window.
//
// Hidden switches for tests and benchmarks (environment):
//   TICKSCOPE_SCREENSHOT=FILE.png  grab the window after TICKSCOPE_SCREENSHOT_AFTER_MS
//                                  (default 6000) and print "screenshot: FILE" on stdout;
//   TICKSCOPE_EXIT_AFTER_SCREENSHOT=1  then quit as if the window was closed;
//   TICKSCOPE_FRAME_STATS=1        print the frame-time summary every 5 s on stdout.
class DesktopApp
{
public:
    static int run(int argc, char *argv[], const ServerConfig &config);
};

} // namespace tickscope
