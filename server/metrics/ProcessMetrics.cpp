#include "metrics/ProcessMetrics.h"

#include <QtGlobal>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#ifdef Q_OS_UNIX
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace tickscope {

namespace {

prometheus::MetricFamily family(const char *name, const char *help, prometheus::MetricType type,
                                double value)
{
    prometheus::ClientMetric metric;
    if (type == prometheus::MetricType::Counter)
        metric.counter.value = value;
    else
        metric.gauge.value = value;
    return prometheus::MetricFamily{name, help, type, {metric}};
}

#ifdef Q_OS_UNIX
// Reads a small file whole; empty on error. /proc files report size 0, so read to EOF.
std::string readFile(const char *path)
{
    std::string content;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return content;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            content.append(buffer, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    ::close(fd);
    return content;
}

// Entries of a directory other than . and ..; -1 if it cannot be read.
int countEntries(const char *path)
{
    DIR *dir = ::opendir(path);
    if (!dir)
        return -1;
    int count = 0;
    // The DIR stream is this function's own; readdir is unsafe only on a shared one.
    while (const dirent *entry = ::readdir(dir)) { // NOLINT(concurrency-mt-unsafe)
        const std::string_view name(entry->d_name);
        if (name != "." && name != "..")
            ++count;
    }
    ::closedir(dir);
    return count;
}
#endif

#ifdef Q_OS_LINUX
// The fields of /proc/self/stat after the command name, which is in parentheses and may itself
// contain spaces and parentheses: fields[0] is field 3 (state) of proc(5).
std::vector<std::string_view> statFields(std::string_view stat)
{
    std::vector<std::string_view> fields;
    const size_t close = stat.rfind(')');
    if (close == std::string_view::npos)
        return fields;
    size_t pos = close + 1;
    while (pos < stat.size()) {
        while (pos < stat.size() && (stat[pos] == ' ' || stat[pos] == '\n'))
            ++pos;
        const size_t start = pos;
        while (pos < stat.size() && stat[pos] != ' ' && stat[pos] != '\n')
            ++pos;
        if (pos > start)
            fields.push_back(stat.substr(start, pos - start));
    }
    return fields;
}

// The proc(5) field number `field` (1-based) as a number; false if missing.
bool statField(const std::vector<std::string_view> &fields, int field, double *value)
{
    const size_t index = static_cast<size_t>(field - 3);
    if (field < 3 || index >= fields.size())
        return false;
    const std::string text(fields[index]);
    char *end = nullptr;
    const double parsed = std::strtod(text.c_str(), &end);
    if (end == text.c_str())
        return false;
    *value = parsed;
    return true;
}

double bootTimeSeconds()
{
    const std::string stat = readFile("/proc/stat");
    const size_t at = stat.find("\nbtime ");
    if (at == std::string::npos)
        return -1;
    return std::strtod(stat.c_str() + at + 7, nullptr);
}
#endif

} // namespace

ProcessMetrics::ProcessMetrics()
{
#ifdef Q_OS_LINUX
    const std::string stat = readFile("/proc/self/stat");
    const long ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    const double boot = bootTimeSeconds();
    double startTicks = 0;
    if (ticksPerSecond > 0 && boot > 0 && statField(statFields(stat), 22, &startTicks))
        m_startTimeSeconds = boot + startTicks / static_cast<double>(ticksPerSecond);
#endif
}

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const
{
    using prometheus::MetricType;
    std::vector<prometheus::MetricFamily> families;
    const char *cpuHelp = "Total user and system CPU time spent in seconds.";
    const char *openFdsHelp = "Number of open file descriptors.";

#ifdef Q_OS_LINUX
    const std::string stat = readFile("/proc/self/stat");
    const auto fields = statFields(stat);
    const long ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    double utime = 0, stime = 0, vsize = 0, rssPages = 0;
    if (ticksPerSecond > 0 && statField(fields, 14, &utime) && statField(fields, 15, &stime))
        families.push_back(family("process_cpu_seconds_total", cpuHelp, MetricType::Counter,
                                  (utime + stime) / static_cast<double>(ticksPerSecond)));
    if (statField(fields, 23, &vsize))
        families.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                  MetricType::Gauge, vsize));
    if (pageSize > 0 && statField(fields, 24, &rssPages))
        families.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.",
                                  MetricType::Gauge, rssPages * static_cast<double>(pageSize)));
    if (const int fds = countEntries("/proc/self/fd"); fds >= 0)
        families.push_back(family("process_open_fds", openFdsHelp, MetricType::Gauge, fds));
#elif defined(Q_OS_UNIX)
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) == 0) {
        const auto seconds = [](const timeval &tv) {
            return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
        };
        families.push_back(family("process_cpu_seconds_total", cpuHelp, MetricType::Counter,
                                  seconds(usage.ru_utime) + seconds(usage.ru_stime)));
    }
    if (const int fds = countEntries("/dev/fd"); fds >= 0)
        families.push_back(family("process_open_fds", openFdsHelp, MetricType::Gauge, fds));
#endif

#ifdef Q_OS_UNIX
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
        families.push_back(family("process_max_fds", "Maximum number of open file descriptors.",
                                  MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
#endif
    if (m_startTimeSeconds > 0)
        families.push_back(family("process_start_time_seconds",
                                  "Start time of the process since unix epoch in seconds.",
                                  MetricType::Gauge, m_startTimeSeconds));
    (void)cpuHelp;
    (void)openFdsHelp;
    return families;
}

} // namespace tickscope
