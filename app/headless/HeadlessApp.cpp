#include "HeadlessApp.h"

#include "SignalWatcher.h"
#include "runtime/ServerRuntime.h"
#include "stream/StreamServer.h"

#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

namespace tickscope {

int HeadlessApp::run(int argc, char *argv[], const ServerConfig &config)
{
    QCoreApplication app(argc, argv);
    ServerRuntime runtime(config);
    SignalWatcher watcher;
    int exitCode = 0;
    bool stopping = false;

    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int) {
        if (stopping)
            return;
        stopping = true;
        qInfo("shutting down: closing viewers, writing what was acknowledged");
        runtime.shutdown([&app] { app.exit(0); });
    });

    QTimer::singleShot(0, &app, [&] {
        runtime.start([&](const QString &error) {
            if (!error.isEmpty()) {
                QTextStream(stderr) << "tickscope: " << error << Qt::endl;
                exitCode = 1;
                app.exit(1);
                return;
            }
            QTextStream out(stdout);
            out << "Tickscope " << TICKSCOPE_VERSION << " streaming on " << runtime.url()
                << Qt::endl;
            if (!config.insecure) {
                out << "viewer token (read, 24h): "
                    << runtime.mintToken(u"viewer"_qs, {u"read"_qs}, qint64{24} * 3600) << Qt::endl;
            }
            out << "data: " << config.dataDir << Qt::endl;
        });
    });
    const int code = app.exec();
    return exitCode ? exitCode : code;
}

} // namespace tickscope
