// Qt Quick Test runner for the QML components (tests/gui/qml/tst_*.qml), with the app's QML
// module and C++ types available as in the app.
#include "GuiTypes.h"

#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(TickscopePlugin)

class Setup : public QObject
{
    Q_OBJECT
public:
    Setup()
    {
        // Rendering without a GPU or display: the tests check items, not pixels.
        if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND"))
            qputenv("QT_QUICK_BACKEND", "software");
    }

public slots:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        tickscope::GuiTypes::registerTypes();
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_qml, Setup)

#include "tst_qml.moc"
