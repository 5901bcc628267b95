// Tickscope: a live trading and telemetry workstation with an embedded stream server.
// main() only picks the mode; everything else lives in the server library and app/.

#include "cli/TokenCommand.h"
#include "config/ConfigLoader.h"
#include "config/ConfigPrinter.h"
#include "headless/HeadlessApp.h"
#ifdef TICKSCOPE_HAS_GUI
#include "gui/DesktopApp.h"
#endif

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QTextStream>

using namespace tickscope;

namespace {

QStringList argumentList(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

void setupApplication()
{
    QCoreApplication::setApplicationName(u"tickscope"_qs);
    QCoreApplication::setApplicationVersion(QStringLiteral(TICKSCOPE_VERSION));
    qSetMessagePattern(u"%{time yyyy-MM-ddTHH:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info"
                       "%{endif}%{if-warning}warning%{endif}%{if-critical}error%{endif}"
                       "%{if-fatal}fatal%{endif} %{message}"_qs);
}

// Linux and the BSDs need an X11 or Wayland display for the window (or an explicit
// QT_QPA_PLATFORM such as offscreen); macOS and Windows always have one.
[[maybe_unused]] bool hasDisplay()
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    return !env.value(u"DISPLAY"_qs).isEmpty() || !env.value(u"WAYLAND_DISPLAY"_qs).isEmpty() ||
           !env.value(u"QT_QPA_PLATFORM"_qs).isEmpty();
#else
    return true;
#endif
}

} // namespace

int main(int argc, char *argv[])
{
    setupApplication();
    const QStringList arguments = argumentList(argc, argv);
    if (arguments.size() > 1 && arguments.at(1) == u"token")
        return TokenCommand::run(arguments);
    if (arguments.size() > 1 && arguments.at(1) == u"keys")
        return KeysCommand::run(arguments);

    const auto loaded =
        ConfigLoader::load(arguments.mid(1), QProcessEnvironment::systemEnvironment());
    QTextStream err(stderr);
    if (!loaded.ok()) {
        err << loaded.error->message() << Qt::endl;
        return 2;
    }
    for (const QString &warning : loaded.warnings)
        err << warning << Qt::endl;
    const ServerConfig &config = loaded.config;
    QTextStream out(stdout);
    if (config.help) {
        out << ConfigLoader::helpText();
        return 0;
    }
    if (config.version) {
        out << "tickscope " << TICKSCOPE_VERSION << Qt::endl;
        return 0;
    }
    if (config.printConfig) {
        out << ConfigPrinter::toText(config);
        return 0;
    }
#ifdef TICKSCOPE_HAS_GUI
    if (!config.headless && hasDisplay())
        return DesktopApp::run(argc, argv, config);
    if (!config.headless)
        err << "tickscope: no display; running headless (--headless)" << Qt::endl;
#endif
    return HeadlessApp::run(argc, argv, config);
}
