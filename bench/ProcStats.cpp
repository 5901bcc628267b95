#include "ProcStats.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>
#include <sys/resource.h>
#include <unistd.h>

namespace tickscope::bench {

namespace {

// /proc/PID/stat: the command name is in parentheses and may hold spaces; the fields
// after the last ')' are numbered from 3 (state). utime and stime are fields 14 and 15.
QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

qint64 statusField(const QByteArray &status, const char *name)
{
    const QByteArray key = QByteArray(name) + ':';
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith(key)) {
            const QList<QByteArray> parts = line.mid(key.size()).simplified().split(' ');
            bool ok = false;
            const qint64 value = parts.value(0).toLongLong(&ok);
            return ok ? value : -1;
        }
    }
    return -1;
}

// utime + stime of a /proc/.../stat text, in seconds; -1 when unreadable.
double statCpuSeconds(const QByteArray &stat)
{
    const auto paren = stat.lastIndexOf(')');
    if (paren < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(paren + 2).split(' ');
    if (fields.size() <= 12)
        return -1;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / ticks;
}

} // namespace

ProcSample ProcStats::sample(qint64 pid)
{
    ProcSample result;
    if (pid <= 0)
        return result;
    const QString base = u"/proc/%1/"_qs.arg(pid);
    const QByteArray status = readAll(base + u"status"_qs);
    result.rssKiB = statusField(status, "VmRSS");
    result.peakRssKiB = statusField(status, "VmHWM");
    result.threads = int(statusField(status, "Threads"));
    result.cpuSeconds = statCpuSeconds(readAll(base + u"stat"_qs));
    return result;
}

ProcSample ProcStats::sum(const QList<ProcSample> &samples)
{
    if (samples.isEmpty())
        return {};
    ProcSample total{0, 0, 0, 0};
    for (const ProcSample &one : samples) {
        if (one.cpuSeconds < 0 || one.rssKiB < 0)
            return {};
        total.rssKiB += one.rssKiB;
        total.peakRssKiB += one.peakRssKiB;
        total.cpuSeconds += one.cpuSeconds;
        total.threads += one.threads;
    }
    return total;
}

QMap<QString, double> ProcStats::threadCpu(qint64 pid)
{
    QMap<QString, double> result;
    if (pid <= 0)
        return result;
    const QString base = u"/proc/%1/task"_qs.arg(pid);
    const QStringList tasks = QDir(base).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &task : tasks) {
        const QByteArray stat = readAll(base + u'/' + task + u"/stat"_qs);
        const auto open = stat.indexOf('(');
        const auto close = stat.lastIndexOf(')');
        const double cpu = statCpuSeconds(stat);
        if (open < 0 || close < open || cpu < 0)
            continue;
        result[QString::fromUtf8(stat.mid(open + 1, close - open - 1))] += cpu;
    }
    return result;
}

QString ProcStats::threadCpuText(const QMap<QString, double> &a, const QMap<QString, double> &b)
{
    QList<std::pair<double, QString>> used;
    for (auto it = b.cbegin(); it != b.cend(); ++it) {
        const double seconds = it.value() - a.value(it.key(), 0.0);
        if (seconds >= 0.01)
            used.append({seconds, it.key()});
    }
    std::sort(used.begin(), used.end(), std::greater<>());
    QStringList parts;
    for (const auto &[seconds, name] : used)
        parts.append(u"%1 %2 s"_qs.arg(name, QString::number(seconds, 'f', 2)));
    return parts.join(u", "_qs);
}

double ProcStats::selfCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval &tv) {
        return double(tv.tv_sec) + double(tv.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double ProcStats::machineBusySeconds()
{
    // cpu  user nice system idle iowait irq softirq steal ...
    const QByteArray stat = readAll(u"/proc/stat"_qs);
    const QList<QByteArray> fields = stat.left(stat.indexOf('\n')).simplified().split(' ');
    if (fields.size() < 9 || fields.at(0) != "cpu")
        return -1;
    qint64 busy = 0;
    for (const int i : {1, 2, 3, 6, 7, 8})
        busy += fields.at(i).toLongLong();
    return double(busy) / double(sysconf(_SC_CLK_TCK));
}

double ProcStats::loadAverage()
{
    return readAll(u"/proc/loadavg"_qs).split(' ').value(0).toDouble();
}

qint64 ProcStats::raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return qint64(limit.rlim_cur);
}

} // namespace tickscope::bench
