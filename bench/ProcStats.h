#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QtGlobal>

namespace tickscope::bench {

// Resource figures of a process from /proc (Linux); -1 where unavailable.
struct ProcSample
{
    qint64 rssKiB = -1;     // VmRSS
    qint64 peakRssKiB = -1; // VmHWM
    double cpuSeconds = -1; // utime + stime
    int threads = -1;
};

namespace ProcStats {

ProcSample sample(qint64 pid);
// Several processes as one (memory, CPU and threads added up); unavailable when any
// sample is, or when there are none.
ProcSample sum(const QList<ProcSample> &samples);
// CPU seconds per thread name (threads of one name summed), from /proc/PID/task.
QMap<QString, double> threadCpu(qint64 pid);
// b - a per thread name, as "name 1.23 s, other 0.45 s", busiest first.
QString threadCpuText(const QMap<QString, double> &a, const QMap<QString, double> &b);
// User + system CPU of this process, all threads.
double selfCpuSeconds();
// CPU seconds the whole machine spent busy (all CPUs, from /proc/stat), so that a report
// can show how much went to processes other than the server and the tool.
double machineBusySeconds();
// The 1-minute load average.
double loadAverage();
// Raises the soft open-files limit to the hard one (many sockets); returns the new limit.
qint64 raiseFileLimit();

} // namespace ProcStats

} // namespace tickscope::bench
