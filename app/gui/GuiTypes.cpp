#include "GuiTypes.h"

#include "Clipboard.h"
#include "DesktopController.h"
#include "FrameTimer.h"
#include "MarketFeed.h"
#include "Preferences.h"
#include "ServerHost.h"
#include "SparklineItem.h"
#include "models/CandleModel.h"
#include "models/ChartSeriesModel.h"
#include "models/TapeModel.h"
#include "models/ViewerListModel.h"
#include "models/WatchlistModel.h"

#include <QQmlEngine>

namespace tickscope {

void GuiTypes::registerTypes()
{
    static bool done = false;
    if (done)
        return;
    done = true;
    const char *uri = "Tickscope.Backend";
    qmlRegisterType<SparklineItem>(uri, 1, 0, "Sparkline");
    qmlRegisterType<WatchlistModel>(uri, 1, 0, "WatchlistModel");
    qmlRegisterType<TapeModel>(uri, 1, 0, "TapeModel");
    qmlRegisterType<Clipboard>(uri, 1, 0, "Clipboard");
    const auto reason = QStringLiteral("created by the application");
    qmlRegisterUncreatableType<ChartSeriesModel>(uri, 1, 0, "ChartSeriesModel", reason);
    qmlRegisterUncreatableType<CandleModel>(uri, 1, 0, "CandleModel", reason);
    qmlRegisterUncreatableType<ViewerListModel>(uri, 1, 0, "ViewerListModel", reason);
    qmlRegisterUncreatableType<MarketFeed>(uri, 1, 0, "MarketFeed", reason);
    qmlRegisterUncreatableType<ServerHost>(uri, 1, 0, "ServerHost", reason);
    qmlRegisterUncreatableType<Preferences>(uri, 1, 0, "Preferences", reason);
    qmlRegisterUncreatableType<FrameTimer>(uri, 1, 0, "FrameTimer", reason);
    qmlRegisterUncreatableType<DesktopController>(uri, 1, 0, "DesktopController", reason);
}

} // namespace tickscope
