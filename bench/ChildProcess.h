#pragma once

#include <QProcess>

namespace tickscope::bench::ChildProcess {

// SIGTERM, then SIGKILL after timeoutMs. The exit code of a normal exit, -1 after a crash
// or a kill; a process that already ended reports how it ended.
int stop(QProcess &process, int timeoutMs);

} // namespace tickscope::bench::ChildProcess
