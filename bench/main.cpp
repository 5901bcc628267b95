// tickscope-bench: load and replay benchmark for a Tickscope server (docs/performance.md).

#include "BenchOptions.h"
#include "DesktopScenario.h"
#include "HandshakeScenario.h"
#include "IdleScenario.h"
#include "LiveScenario.h"
#include "ProcStats.h"
#include "RedisNode.h"
#include "ReplayScenario.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTextStream>
#include <QThread>
#include <csignal>
#include <malloc.h>

using namespace tickscope::bench;

namespace {

QStringList argumentList(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

// The arguments as recorded in --json: a --token value is a secret, and so are the
// credentials in a --redis-url.
QStringList redactedArguments(QStringList arguments)
{
    static const QRegularExpression credentials(u"://[^@/,]*@"_qs);
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        if (arguments.at(i) == u"--token" && i + 1 < arguments.size())
            arguments[i + 1] = u"<redacted>"_qs;
        else if (arguments.at(i).startsWith(u"--token="))
            arguments[i] = u"--token=<redacted>"_qs;
        else if (arguments.at(i).startsWith(u"--redis-url="))
            arguments[i].replace(credentials, u"://<credentials>@"_qs);
        else if (arguments.at(i) == u"--redis-url" && i + 1 < arguments.size())
            arguments[i + 1].replace(credentials, u"://<credentials>@"_qs);
    }
    return arguments;
}

} // namespace

int main(int argc, char *argv[])
{
    // Viewers read frames of up to 1 MiB into buffers that come and go (Qt's socket
    // buffers): with glibc's defaults each such allocation is an mmap, and memory returned
    // to the kernel is faulted back in, which cost ~10 % of the viewers' CPU. Keep it.
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"tickscope-bench"_qs);
    QTextStream out(stdout);
    QTextStream err(stderr);
    // A server that goes away mid-write must not kill the tool.
    std::signal(SIGPIPE, SIG_IGN);

    QString error;
    bool help = false;
    const auto options = BenchOptions::parse(argumentList(argc, argv), &error, &help);
    if (!options) {
        if (help) {
            out << BenchOptions::helpText();
            return 0;
        }
        err << "tickscope-bench: " << error << Qt::endl;
        return 2;
    }
    // Without redis-server every scenario would fail the same way: say so once.
    if (options->spawnsServer() && options->store == u"redis" && options->redisUrl.isEmpty()) {
        if (const QString missing = RedisNode::missingTools(true); !missing.isEmpty()) {
            err << "tickscope-bench: " << missing << Qt::endl;
            return 1;
        }
    }
    const qint64 files = ProcStats::raiseFileLimit();

    const QString buildType = QStringLiteral(TICKSCOPE_BENCH_BUILD_TYPE);
    QJsonObject machine{{u"cpus"_qs, QThread::idealThreadCount()},
                        {u"kernel"_qs, QSysInfo::kernelVersion()},
                        {u"os"_qs, QSysInfo::prettyProductName()},
                        {u"open_files_limit"_qs, double(files)},
                        {u"tool_build_type"_qs, buildType}};
    out << "tickscope-bench " << QDateTime::currentDateTimeUtc().toString(Qt::ISODate) << ", "
        << QThread::idealThreadCount() << " CPUs, tool build " << buildType << ", server "
        << (options->spawnsServer() ? options->serverBinary : options->url.toString()) << '\n';
    if (buildType == u"Debug")
        out << "  note: this is a Debug build of the tool; measure with a Release build\n";
    out.flush();

    QList<ScenarioResult> results;
    for (const QString &scenario : options->scenarios) {
        if (scenario == u"live") {
            for (const int viewers : options->liveViewers) {
                results.append(LiveScenario::run(*options, viewers));
                results.constLast().print(out);
            }
        } else if (scenario == u"replay") {
            results.append(ReplayScenario::run(*options));
            results.constLast().print(out);
        } else if (scenario == u"handshakes") {
            results.append(HandshakeScenario::run(*options));
            results.constLast().print(out);
        } else if (scenario == u"idle") {
            results.append(IdleScenario::run(*options));
            results.constLast().print(out);
        } else if (scenario == u"desktop") {
            results.append(DesktopScenario::run(*options));
            results.constLast().print(out);
        }
    }

    bool failed = false;
    QJsonArray scenarios;
    for (const ScenarioResult &result : std::as_const(results)) {
        failed = failed || result.failed;
        scenarios.append(result.toJson());
    }
    if (!options->jsonFile.isEmpty()) {
        const QJsonObject document{
            {u"tool"_qs, u"tickscope-bench"_qs},
            {u"date"_qs, QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
            {u"machine"_qs, machine},
            {u"arguments"_qs,
             QJsonArray::fromStringList(redactedArguments(argumentList(argc, argv)))},
            {u"ok"_qs, !failed},
            {u"scenarios"_qs, scenarios}};
        QFile file(options->jsonFile);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(QJsonDocument(document).toJson()) < 0) {
            err << "tickscope-bench: cannot write --json \"" << options->jsonFile
                << "\": " << file.errorString() << Qt::endl;
            return 1;
        }
    }
    return failed ? 1 : 0;
}
