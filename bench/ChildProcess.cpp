#include "ChildProcess.h"

namespace tickscope::bench {

int ChildProcess::stop(QProcess &process, int timeoutMs)
{
    if (process.state() != QProcess::NotRunning) {
        process.terminate();
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished(5000);
            return -1;
        }
    }
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

} // namespace tickscope::bench
