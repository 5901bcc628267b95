#include "metrics/MetricsText.h"
#include "metrics/ProcessMetrics.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

using tickscope::MetricsText;
using tickscope::ProcessMetrics;

namespace {

std::optional<double> value(const std::vector<prometheus::MetricFamily> &families,
                            const std::string &name, prometheus::MetricType *type = nullptr)
{
    for (const auto &family : families) {
        if (family.name != name || family.metric.size() != 1)
            continue;
        if (type)
            *type = family.type;
        return family.type == prometheus::MetricType::Counter ? family.metric[0].counter.value
                                                              : family.metric[0].gauge.value;
    }
    return std::nullopt;
}

} // namespace

class tst_ProcessMetrics : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
#ifndef Q_OS_LINUX
        QSKIP("The full set of process metrics is read from /proc on Linux only");
#endif
    }

    void families_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("type");
        QTest::newRow("cpu") << u"process_cpu_seconds_total"_qs
                             << int(prometheus::MetricType::Counter);
        QTest::newRow("rss") << u"process_resident_memory_bytes"_qs
                             << int(prometheus::MetricType::Gauge);
        QTest::newRow("vsz") << u"process_virtual_memory_bytes"_qs
                             << int(prometheus::MetricType::Gauge);
        QTest::newRow("open fds") << u"process_open_fds"_qs << int(prometheus::MetricType::Gauge);
        QTest::newRow("max fds") << u"process_max_fds"_qs << int(prometheus::MetricType::Gauge);
        QTest::newRow("start time")
            << u"process_start_time_seconds"_qs << int(prometheus::MetricType::Gauge);
    }
    void families()
    {
        QFETCH(QString, name);
        QFETCH(int, type);
        const ProcessMetrics metrics;
        prometheus::MetricType actual{};
        const auto v = value(metrics.Collect(), name.toStdString(), &actual);
        QVERIFY2(v.has_value(), qPrintable(name));
        QCOMPARE(int(actual), type);
        QVERIFY(*v >= 0);
    }

    void memory()
    {
        const auto families = ProcessMetrics().Collect();
        const double rss = value(families, "process_resident_memory_bytes").value_or(-1);
        const double vsz = value(families, "process_virtual_memory_bytes").value_or(-1);
        QVERIFY2(rss > 0, qPrintable(QString::number(rss)));
        QVERIFY(vsz >= rss);
    }

    void cpuTimeIsMonotonic()
    {
        const ProcessMetrics metrics;
        const double before = value(metrics.Collect(), "process_cpu_seconds_total").value_or(-1);
        QVERIFY(before >= 0);
        volatile double sink = 0;
        for (int i = 0; i < 2'000'000; ++i)
            sink = sink + i * 0.5;
        const double after = value(metrics.Collect(), "process_cpu_seconds_total").value_or(-1);
        QVERIFY(after >= before);
    }

    void openFilesAreCounted()
    {
        const ProcessMetrics metrics;
        const double before = value(metrics.Collect(), "process_open_fds").value_or(-1);
        QVERIFY(before > 0); // stdin, stdout, stderr at least
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::vector<std::unique_ptr<QFile>> files;
        for (int i = 0; i < 5; ++i) {
            files.push_back(std::make_unique<QFile>(dir.filePath(u"f%1"_qs.arg(i))));
            QVERIFY(files.back()->open(QIODevice::WriteOnly));
        }
        const double during = value(metrics.Collect(), "process_open_fds").value_or(-1);
        QVERIFY2(during >= before + 5, qPrintable(u"%1 -> %2"_qs.arg(before).arg(during)));
        const double max = value(metrics.Collect(), "process_max_fds").value_or(-1);
        QVERIFY(max >= during);
        files.clear();
        const double after = value(metrics.Collect(), "process_open_fds").value_or(-1);
        QVERIFY(after <= during - 5);
    }

    void startTime()
    {
        const double start =
            value(ProcessMetrics().Collect(), "process_start_time_seconds").value_or(-1);
        const double now = QDateTime::currentSecsSinceEpoch();
        // The test process started moments ago; allow for clock granularity and slow starts.
        QVERIFY2(start <= now + 2 && start >= now - 3600,
                 qPrintable(u"start %1, now %2"_qs.arg(start, 0, 'f', 2).arg(now, 0, 'f', 0)));
    }

    void rendersAsText()
    {
        const auto metrics = std::make_shared<ProcessMetrics>();
        const QByteArray text = MetricsText::render(*metrics);
        QVERIFY(text.contains("# HELP process_cpu_seconds_total "));
        QVERIFY(text.contains("# TYPE process_cpu_seconds_total counter"));
        QVERIFY(text.contains("# TYPE process_open_fds gauge"));
        QVERIFY(text.contains("\nprocess_resident_memory_bytes "));
        // The list form skips null entries.
        QCOMPARE(MetricsText::render({metrics, nullptr}).count("# TYPE process_open_fds"), 1);
    }
};

QTEST_GUILESS_MAIN(tst_ProcessMetrics)
#include "tst_processmetrics.moc"
