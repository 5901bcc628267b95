#include "DesktopApp.h"

#include "DesktopController.h"
#include "FrameTimer.h"
#include "GuiTypes.h"
#include "MarketFeed.h"
#include "Preferences.h"
#include "RendererSelection.h"
#include "ServerHost.h"
#include "SignalWatcher.h"
#include "metrics/ServerMetrics.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTextStream>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(TickscopePlugin)

namespace tickscope {

namespace {

bool haveDisplay()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

void printBanner(const ServerConfig &config, const QString &url, const QString &token)
{
    QTextStream out(stdout);
    out << "Tickscope " << TICKSCOPE_VERSION << " streaming on " << url << Qt::endl;
    if (!config.insecure && !token.isEmpty())
        out << "viewer token (read, 24h): " << token << Qt::endl;
    out << "data: " << config.dataDir << Qt::endl;
}

} // namespace

int DesktopApp::run(int argc, char *argv[], const ServerConfig &config)
{
    if (!haveDisplay()) {
        QTextStream(stderr) << "tickscope: no display found (DISPLAY and WAYLAND_DISPLAY are "
                               "unset); run `tickscope --headless` for the server alone"
                            << Qt::endl;
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(u"Tickscope"_qs);
    QApplication::setQuitOnLastWindowClosed(false);
    QQuickStyle::setStyle(u"Fusion"_qs);
    if (const QString choice = RendererSelection::apply(); !choice.isEmpty())
        qInfo().noquote() << choice;
    GuiTypes::registerTypes();

    const bool viewerMode = !config.connectUrl.isEmpty();
    Preferences prefs;
    FrameTimer frames;
    MarketFeed market;
    market.setFrameTimer(&frames);
    // First start with a feed of one's own symbols: watch those.
    const bool ownSymbols = config.sourceOf(u"symbols"_qs) != ConfigSource::Default;
    market.watchlistModel()->setSymbols(!prefs.hasWatchlist() && !viewerMode && ownSymbols
                                            ? config.symbols.mid(0, 12)
                                            : prefs.watchlist());
    QString selected = prefs.selectedSymbol();
    if (selected.isEmpty() || market.watchlistModel()->indexOf(selected) < 0)
        selected = market.watchlistModel()->symbolAt(0);
    QObject::connect(&market, &MarketFeed::symbolsRequested, &prefs, &Preferences::setWatchlist);
    QObject::connect(&market, &MarketFeed::detailRequested, &prefs,
                     &Preferences::setSelectedSymbol);
    market.setDetailSymbol(selected);

    std::unique_ptr<ServerHost> server;
    if (!viewerMode) {
        server = std::make_unique<ServerHost>(config);
        // Mark the window's own connection in the viewer list.
        QObject::connect(&market, &MarketFeed::connectionChanged, server.get(), [&] {
            server->viewerModel()->setSelfSession(market.mode() == u"local" ? market.session()
                                                                            : QString());
        });
    }
    DesktopController controller(&market, server.get(), &prefs, &frames);
    qmlRegisterSingletonInstance("Tickscope.Backend", 1, 0, "Desktop", &controller);

    QQmlApplicationEngine engine;
    // Qt 6.4 does not search the resource prefix of qt_add_qml_module by default.
    engine.addImportPath(u"qrc:/qt/qml"_qs);
    int exitCode = 0;
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [&](const QUrl &url) {
            QTextStream(stderr) << "tickscope: the window could not be created from "
                                << url.toString() << Qt::endl;
            exitCode = 1;
            QCoreApplication::exit(1);
        },
        Qt::QueuedConnection);
    engine.load(QUrl(u"qrc:/qt/qml/Tickscope/Main.qml"_qs));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (!window) {
        QTextStream(stderr) << "tickscope: Main.qml has no window" << Qt::endl;
        return 1;
    }
    frames.attach(window);

    // Shutdown: close the viewer connection, then the server (viewers get 1001, acknowledged
    // ticks are written), then leave the event loop.
    bool stopping = false;
    auto shutdown = [&] {
        if (stopping)
            return;
        stopping = true;
        // Window geometry and pane sizes live in QML; a SIGTERM skips onClosing.
        QMetaObject::invokeMethod(window, "saveState");
        window->hide();
        prefs.sync();
        QTextStream(stdout) << "frame stats: " << frames.summary() << Qt::endl;
        market.stop();
        QTimer::singleShot(15'000, &app, [] {
            QTextStream(stderr) << "tickscope: shutdown took too long, exiting" << Qt::endl;
            QCoreApplication::exit(0);
        });
        if (server)
            server->shutdown([] { QCoreApplication::exit(0); });
        else
            QCoreApplication::exit(0);
    };
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, shutdown);
    QObject::connect(&controller, &DesktopController::quitRequested, &app, shutdown);

    if (server) {
        QObject::connect(server.get(), &ServerHost::started, &app,
                         [&](const QString &url, const QString &token) {
                             controller.setLocalEndpoint(QUrl(url), token);
                             if (server->metrics()) {
                                 frames.exportTo(server->metrics()->registry());
                                 market.exportTo(server->metrics()->registry());
                             }
                             printBanner(config, url, token);
                             if (controller.viewingLocal())
                                 market.connectTo(QUrl(url), token, u"local"_qs);
                         });
        QObject::connect(server.get(), &ServerHost::failed, &app, [](const QString &error) {
            QTextStream(stderr) << "tickscope: the embedded server did not start: " << error
                                << Qt::endl;
        });
        server->start();
    } else {
        prefs.setLastRemoteUrl(config.connectUrl.toString());
        market.connectTo(config.connectUrl, config.token, u"remote"_qs);
    }

    const QString screenshot = qEnvironmentVariable("TICKSCOPE_SCREENSHOT");
    if (!screenshot.isEmpty()) {
        bool ok = false;
        int after = qEnvironmentVariableIntValue("TICKSCOPE_SCREENSHOT_AFTER_MS", &ok);
        if (!ok || after <= 0)
            after = 6000;
        QTimer::singleShot(after, window, [&, screenshot] {
            const QImage image = window->grabWindow();
            QDir().mkpath(QFileInfo(screenshot).absolutePath());
            const bool saved = image.save(screenshot);
            QTextStream out(stdout);
            out << (saved ? "screenshot: " : "screenshot failed: ") << screenshot << Qt::endl;
            out << "frame stats: " << frames.summary() << Qt::endl;
            if (qEnvironmentVariableIntValue("TICKSCOPE_EXIT_AFTER_SCREENSHOT") == 1)
                shutdown();
        });
    }
    QTimer statsTimer;
    if (qEnvironmentVariableIntValue("TICKSCOPE_FRAME_STATS") == 1) {
        statsTimer.setInterval(5000);
        QObject::connect(&statsTimer, &QTimer::timeout, &app, [&] {
            QTextStream(stdout) << "frame stats: " << frames.summary() << ", chart commit "
                                << market.chartModel()->lastCommitMs() << " ms, ticks/s "
                                << market.ticksPerSecond() << Qt::endl;
        });
        statsTimer.start();
    }

    const int code = app.exec();
    return exitCode ? exitCode : code;
}

} // namespace tickscope
