import QtQuick
import Tickscope

// F12: the frame-time counter and the chart's numbers, over the chart.
Rectangle {
    id: root
    property var frames
    property var market

    width: column.implicitWidth + 20
    height: column.implicitHeight + 14
    radius: 4
    color: Qt.rgba(0, 0, 0, 0.72)
    border.color: "#55ffffff"

    Column {
        id: column
        x: 10
        y: 7
        spacing: 1
        Repeater {
            model: root.frames && root.market ? [
                qsTr("frames    %1 fps (%2)").arg(root.frames.fps.toFixed(1))
                    .arg(root.frames.renderer || root.frames.renderLoop),
                qsTr("interval  avg %1  p95 %2  max %3 ms").arg(root.frames.frameMsAvg.toFixed(1))
                    .arg(root.frames.frameMsP95.toFixed(1)).arg(root.frames.frameMsMax.toFixed(1)),
                qsTr("GUI       %1 ms/frame  %2% busy").arg(root.frames.guiBusyMsPerFrame.toFixed(2))
                    .arg(root.frames.guiBusyPercent.toFixed(0)),
                qsTr("models    %1 ms/refresh at %2 Hz").arg(root.frames.modelMsPerFrame.toFixed(2))
                    .arg(root.market.refreshHz),
                qsTr("chart     %1 ms, %2 points from %3 ticks").arg(root.market.chart.lastCommitMs.toFixed(2))
                    .arg(root.market.chart.pointsDrawn)
                    .arg(Theme.groupThousands(String(Math.round(root.market.chart.ticksInWindow)))),
                qsTr("stored    %1 ticks of %2").arg(Theme.groupThousands(String(Math.round(root.market.chart.storedTicks))))
                    .arg(root.market.detailSymbol),
                qsTr("stream    %1 ticks/s").arg(root.market.ticksPerSecond.toFixed(0))
            ] : []
            Text {
                required property string modelData
                text: modelData
                color: "#e8f0ff"
                font.family: Theme.monoFont
                font.pixelSize: 11
            }
        }
    }
}
