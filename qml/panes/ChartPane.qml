import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Tickscope

// The chart of the selected symbol: a line (min/max per pixel column, fed by the C++ model)
// or OHLC candles, a time window, autoscaled axes, a crosshair, and marks where the server
// reported a gap or a loss on resume.
Rectangle {
    id: root
    property var market
    property var prefs
    readonly property var chart: market ? market.chart : null
    readonly property var candles: market ? market.candles : null
    readonly property bool candleMode: prefs ? prefs.chartType === "candles" : false
    readonly property int decimals: market ? market.watchlist.decimalsFor(market.detailSymbol) : 2
    // Qt Charts draws the line with OpenGL where the scene graph has it (not with the
    // software renderer).
    readonly property bool useOpenGL: GraphicsInfo.api !== GraphicsInfo.Software
                                      && GraphicsInfo.api !== GraphicsInfo.Unknown

    readonly property var windows: [
        { label: "1m", seconds: 60 }, { label: "5m", seconds: 300 },
        { label: "15m", seconds: 900 }, { label: "1h", seconds: 3600 },
        { label: qsTr("All"), seconds: 0 }
    ]
    readonly property var intervals: [
        { label: "1s", seconds: 1 }, { label: "5s", seconds: 5 }, { label: "15s", seconds: 15 },
        { label: "1m", seconds: 60 }, { label: "5m", seconds: 300 }, { label: "15m", seconds: 900 },
        { label: "1h", seconds: 3600 }
    ]

    function timeFormat(spanMs) {
        if (spanMs > 2 * 86400000)
            return "MM-dd HH:mm"
        if (spanMs > 1800000)
            return "HH:mm"
        return "HH:mm:ss"
    }

    color: Theme.panel

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Title row: the symbol and its numbers for the window.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 40
            color: Theme.header
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                spacing: 14
                Text {
                    text: root.market ? root.market.detailSymbol : ""
                    color: Theme.text
                    font.family: Theme.uiFont
                    font.pixelSize: 17
                    font.bold: true
                }
                Text {
                    visible: root.chart && root.chart.hasData
                    text: root.chart ? Theme.price(root.chart.lastPrice, root.decimals) : ""
                    color: Theme.text
                    font.family: Theme.monoFont
                    font.pixelSize: 17
                }
                Text {
                    readonly property double change: root.chart && root.chart.windowOpen !== 0
                        ? (root.chart.lastPrice - root.chart.windowOpen) / root.chart.windowOpen * 100 : 0
                    visible: root.chart && root.chart.hasData
                    text: Theme.signed(change, 2) + "%"
                    color: Theme.changeColor(change)
                    font.family: Theme.monoFont
                    font.pixelSize: Theme.fontSize
                    ToolTip.visible: changeHover.hovered
                    ToolTip.text: qsTr("Change over the chart's window")
                    HoverHandler { id: changeHover }
                }
                Text {
                    visible: root.chart && root.chart.hasData
                    text: root.chart ? qsTr("H  %1    L  %2    %3 ticks")
                                       .arg(Theme.price(root.chart.windowHigh, root.decimals))
                                       .arg(Theme.price(root.chart.windowLow, root.decimals))
                                       .arg(Theme.groupThousands(String(root.chart.ticksInWindow))) : ""
                    color: Theme.textDim
                    font.family: Theme.monoFont
                    font.pixelSize: Theme.smallFontSize
                    elide: Text.ElideRight
                    horizontalAlignment: Text.AlignRight
                    Layout.fillWidth: true
                }
            }
        }
        // Tool row: window, chart type, candle interval.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 32
            color: Theme.header
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 8
                anchors.rightMargin: 8
                spacing: 8
                Row {
                    spacing: 2
                    Repeater {
                        model: root.windows
                        IconButton {
                            required property var modelData
                            text: modelData.label
                            checkedLook: root.prefs && root.prefs.chartWindow === modelData.seconds
                            tip: modelData.seconds > 0 ? qsTr("Show the last %1").arg(modelData.label)
                                                       : qsTr("Show all retained history")
                            onClicked: root.prefs.chartWindow = modelData.seconds
                        }
                    }
                }
                Rectangle { width: 1; height: 18; color: Theme.border }
                Row {
                    spacing: 2
                    IconButton {
                        text: qsTr("Line")
                        checkedLook: !root.candleMode
                        tip: qsTr("Line chart (Ctrl+L toggles)")
                        onClicked: root.prefs.chartType = "line"
                    }
                    IconButton {
                        text: qsTr("Candles")
                        checkedLook: root.candleMode
                        tip: qsTr("OHLC candles built from the ticks (Ctrl+L toggles)")
                        onClicked: root.prefs.chartType = "candles"
                    }
                }
                Row {
                    visible: root.candleMode
                    spacing: 2
                    Text {
                        text: qsTr("every")
                        color: Theme.textDim
                        font.pixelSize: Theme.smallFontSize
                        anchors.verticalCenter: parent.verticalCenter
                        rightPadding: 4
                    }
                    Repeater {
                        model: root.intervals
                        IconButton {
                            required property var modelData
                            text: modelData.label
                            checkedLook: root.prefs && root.prefs.candleInterval === modelData.seconds
                            tip: qsTr("One candle per %1").arg(modelData.label)
                            onClicked: root.prefs.candleInterval = modelData.seconds
                        }
                    }
                }
                Item { Layout.fillWidth: true }
                Text {
                    visible: root.candleMode && root.candles && root.candles.truncated
                    text: qsTr("latest %1 candles").arg(root.candles ? root.candles.visibleCount : 0)
                    color: Theme.textDim
                    font.pixelSize: Theme.smallFontSize
                }
            }
        }

        // Replay of history (chart backfill or resume after a reconnect).
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: root.market && root.market.replaying ? 26 : 0
            visible: implicitHeight > 0
            color: Theme.accentSoft
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                spacing: 10
                Text {
                    text: qsTr("Loading history of %1").arg(root.market ? root.market.detailSymbol : "")
                    color: Theme.text
                    font.pixelSize: Theme.smallFontSize
                }
                ProgressBar {
                    Layout.fillWidth: true
                    from: 0
                    to: 1
                    value: root.market ? Math.max(0, root.market.replayProgress) : 0
                    indeterminate: root.market ? isNaN(root.market.replayProgress) : false
                }
                Text {
                    text: root.market && !isNaN(root.market.replayProgress)
                          ? Math.round(root.market.replayProgress * 100) + "%" : ""
                    color: Theme.textDim
                    font.family: Theme.monoFont
                    font.pixelSize: Theme.smallFontSize
                }
            }
        }

        Item {
            id: plotHolder
            Layout.fillWidth: true
            Layout.fillHeight: true

            ChartView {
                id: lineView
                anchors.fill: parent
                visible: !root.candleMode
                // Without OpenGL the chart is painted on the GUI thread: antialiasing the line
                // cost more than half of the frame there (10.6 -> 4.0 ms in the busiest second,
                // docs/performance.md), and a line of min/max columns hardly shows it.
                antialiasing: root.useOpenGL
                legend.visible: false
                backgroundColor: Theme.panel
                plotAreaColor: Theme.panel
                backgroundRoundness: 0
                dropShadowEnabled: false
                animationOptions: ChartView.NoAnimation
                margins.top: 6
                margins.bottom: 2
                margins.left: 2
                margins.right: 2

                onPlotAreaChanged: if (root.chart) root.chart.plotWidth = Math.round(lineView.plotArea.width)

                DateTimeAxis {
                    id: lineX
                    min: new Date(root.chart ? root.chart.xMin : 0)
                    max: new Date(root.chart ? root.chart.xMax : 1)
                    format: root.timeFormat(root.chart ? root.chart.xMax - root.chart.xMin : 0)
                    tickCount: Math.max(3, Math.min(9, Math.floor(lineView.plotArea.width / 110)))
                    labelsColor: Theme.textDim
                    labelsFont.family: Theme.monoFont
                    labelsFont.pixelSize: 10
                    gridLineColor: Theme.grid
                    lineVisible: false
                    visible: root.chart && root.chart.hasData
                }
                ValueAxis {
                    id: lineY
                    min: root.chart ? root.chart.yMin : 0
                    max: root.chart ? root.chart.yMax : 1
                    tickCount: Math.max(3, Math.min(9, Math.floor(lineView.plotArea.height / 60)))
                    labelFormat: "%." + root.decimals + "f"
                    labelsColor: Theme.textDim
                    labelsFont.family: Theme.monoFont
                    labelsFont.pixelSize: 10
                    gridLineColor: Theme.grid
                    lineVisible: false
                    visible: root.chart && root.chart.hasData
                }
                LineSeries {
                    id: lineSeries
                    axisX: lineX
                    axisYRight: lineY
                    color: Theme.chartLine
                    width: 1.5
                    useOpenGL: root.useOpenGL
                }
                Component.onCompleted: {
                    if (root.chart) {
                        root.chart.series = lineSeries
                        root.chart.plotWidth = Math.round(plotArea.width)
                    }
                }
            }

            ChartView {
                id: candleView
                anchors.fill: parent
                visible: root.candleMode
                antialiasing: true
                legend.visible: false
                backgroundColor: Theme.panel
                plotAreaColor: Theme.panel
                backgroundRoundness: 0
                dropShadowEnabled: false
                animationOptions: ChartView.NoAnimation
                margins.top: 6
                margins.bottom: 2
                margins.left: 2
                margins.right: 2

                DateTimeAxis {
                    id: candleX
                    min: new Date(root.candles ? root.candles.xMin : 0)
                    max: new Date(root.candles ? root.candles.xMax : 1)
                    format: root.timeFormat(root.candles ? root.candles.xMax - root.candles.xMin : 0)
                    tickCount: Math.max(3, Math.min(9, Math.floor(candleView.plotArea.width / 110)))
                    labelsColor: Theme.textDim
                    labelsFont.family: Theme.monoFont
                    labelsFont.pixelSize: 10
                    gridLineColor: Theme.grid
                    lineVisible: false
                }
                ValueAxis {
                    id: candleY
                    min: root.candles ? root.candles.yMin : 0
                    max: root.candles ? root.candles.yMax : 1
                    tickCount: Math.max(3, Math.min(9, Math.floor(candleView.plotArea.height / 60)))
                    labelFormat: "%." + root.decimals + "f"
                    labelsColor: Theme.textDim
                    labelsFont.family: Theme.monoFont
                    labelsFont.pixelSize: 10
                    gridLineColor: Theme.grid
                    lineVisible: false
                }
                CandlestickSeries {
                    id: candleSeries
                    axisX: candleX
                    axisYRight: candleY
                    increasingColor: Theme.up
                    decreasingColor: Theme.down
                    bodyOutlineVisible: false
                    capsVisible: false
                    bodyWidth: 0.7
                }
                Component.onCompleted: if (root.candles) root.candles.series = candleSeries
            }

            // Marks of gaps and losses on resume.
            Repeater {
                model: root.chart && !root.candleMode ? root.chart.markers : []
                Item {
                    required property var modelData
                    readonly property real xPos: {
                        root.chart.xMin; root.chart.xMax; lineView.plotArea
                        return lineView.mapToPosition(Qt.point(modelData.timeMs, root.chart.yMin),
                                                      lineSeries).x
                    }
                    visible: modelData.timeMs >= root.chart.xMin && modelData.timeMs <= root.chart.xMax
                    x: xPos
                    y: lineView.plotArea.y
                    width: 1
                    height: lineView.plotArea.height
                    Column {
                        spacing: 3
                        Repeater {
                            model: Math.ceil(parent.parent.height / 7)
                            Rectangle { width: 1; height: 4; color: Theme.warning }
                        }
                    }
                    Rectangle {
                        x: 3
                        y: 2
                        width: markText.implicitWidth + 8
                        height: markText.implicitHeight + 4
                        radius: 3
                        color: Theme.warningSoft
                        border.color: Theme.warning
                        Text {
                            id: markText
                            anchors.centerIn: parent
                            text: modelData.kind === "gap" ? qsTr("gap") : qsTr("not recovered")
                            color: Theme.warning
                            font.pixelSize: 10
                        }
                        HoverHandler { id: markHover }
                        ToolTip.visible: markHover.hovered
                        ToolTip.text: modelData.text
                    }
                }
            }

            // Crosshair with the value under the cursor.
            MouseArea {
                id: crosshairArea
                readonly property var view: root.candleMode ? candleView : lineView
                readonly property rect plot: view.plotArea
                readonly property bool inside: containsMouse && tracking && root.chart && root.chart.hasData
                                               && mouseX >= plot.x
                                               && mouseX <= plot.x + plot.width
                                               && mouseY >= plot.y && mouseY <= plot.y + plot.height
                property var sample: ({ found: false })
                property point value: Qt.point(0, 0)
                property bool tracking: false
                anchors.fill: parent
                hoverEnabled: true
                acceptedButtons: Qt.NoButton
                cursorShape: inside ? Qt.CrossCursor : Qt.ArrowCursor
                onExited: tracking = false
                onPositionChanged: (mouse) => {
                    tracking = true
                    if (!inside)
                        return
                    value = view.mapToValue(Qt.point(mouse.x, mouse.y),
                                            root.candleMode ? candleSeries : lineSeries)
                    sample = root.chart ? root.chart.sampleAt(value.x) : { found: false }
                }

                Rectangle {
                    visible: crosshairArea.inside
                    x: crosshairArea.mouseX
                    y: crosshairArea.plot.y
                    width: 1
                    height: crosshairArea.plot.height
                    color: Theme.crosshair
                    opacity: 0.7
                }
                Rectangle {
                    visible: crosshairArea.inside
                    x: crosshairArea.plot.x
                    y: crosshairArea.mouseY
                    width: crosshairArea.plot.width
                    height: 1
                    color: Theme.crosshair
                    opacity: 0.7
                }
                // Price at the cursor, on the price axis.
                Rectangle {
                    visible: crosshairArea.inside
                    x: crosshairArea.plot.x + crosshairArea.plot.width + 1
                    y: crosshairArea.mouseY - height / 2
                    width: yLabel.implicitWidth + 8
                    height: 18
                    color: Theme.accent
                    radius: 2
                    Text {
                        id: yLabel
                        anchors.centerIn: parent
                        text: Theme.price(crosshairArea.value.y, root.decimals)
                        color: "white"
                        font.family: Theme.monoFont
                        font.pixelSize: 10
                    }
                }
                // Time at the cursor, on the time axis.
                Rectangle {
                    visible: crosshairArea.inside
                    x: Math.min(crosshairArea.mouseX - width / 2,
                                crosshairArea.plot.x + crosshairArea.plot.width - width)
                    y: crosshairArea.plot.y + crosshairArea.plot.height + 1
                    width: xLabel.implicitWidth + 8
                    height: 18
                    color: Theme.accent
                    radius: 2
                    Text {
                        id: xLabel
                        anchors.centerIn: parent
                        text: Qt.formatDateTime(new Date(crosshairArea.value.x), "HH:mm:ss.zzz")
                        color: "white"
                        font.family: Theme.monoFont
                        font.pixelSize: 10
                    }
                }
                // The nearest tick.
                Rectangle {
                    visible: crosshairArea.inside && crosshairArea.sample.found
                    x: crosshairArea.plot.x + 8
                    y: crosshairArea.plot.y + 6
                    width: tickInfo.implicitWidth + 14
                    height: tickInfo.implicitHeight + 8
                    radius: 3
                    color: Theme.header
                    border.color: Theme.border
                    opacity: 0.95
                    Text {
                        id: tickInfo
                        anchors.centerIn: parent
                        text: crosshairArea.sample.found
                              ? qsTr("%1   %2   size %3")
                                .arg(Qt.formatDateTime(new Date(crosshairArea.sample.time), "HH:mm:ss.zzz"))
                                .arg(Theme.price(crosshairArea.sample.price, root.decimals))
                                .arg(Number(crosshairArea.sample.size).toLocaleString(Qt.locale("C"), 'f', 4))
                              : ""
                        color: Theme.text
                        font.family: Theme.monoFont
                        font.pixelSize: Theme.smallFontSize
                    }
                }
            }

            Text {
                anchors.centerIn: parent
                visible: root.chart && !root.chart.hasData
                text: root.market && root.market.state === "live"
                      ? qsTr("Waiting for the first tick of %1").arg(root.market.detailSymbol)
                      : qsTr("Not connected")
                color: Theme.textDim
                font.pixelSize: Theme.titleFontSize
            }
        }
    }
}
