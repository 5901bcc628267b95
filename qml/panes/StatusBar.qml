import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tickscope

// Feed and store health, Redis when used, viewers, the connection, the latest notice
// (gaps, losses on resume) and the frame rate.
Rectangle {
    id: root
    property var server
    property var market
    property var frames
    property bool viewingLocal: true

    implicitHeight: 26
    color: Theme.header
    Rectangle { anchors.top: parent.top; width: parent.width; height: 1; color: Theme.border }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 4
        anchors.rightMargin: 8
        spacing: 2

        StatusPill {
            label: root.market && root.market.mode === "remote" ? qsTr("Remote") : qsTr("Stream")
            value: root.market ? root.market.state : ""
            dotColor: !root.market ? Theme.textFaint
                    : root.market.state === "live" ? Theme.ok
                    : root.market.state === "failed" ? Theme.error : Theme.warning
            tip: root.market ? root.market.url + "\n" + root.market.stateText : ""
        }
        StatusPill {
            visible: root.server !== null
            label: qsTr("Feed")
            value: root.server ? (root.server.ticksInRate > 0 ? qsTr("%1 ticks/s").arg(Theme.rate(root.server.ticksInRate))
                                                             : qsTr("idle")) : ""
            dotColor: root.server && root.server.ticksInRate > 0 ? Theme.ok : Theme.warning
            tip: root.server ? root.server.feedStatus : ""
        }
        StatusPill {
            visible: root.server !== null
            label: qsTr("Store")
            value: root.server ? root.server.storeKind + (root.server.storeHealthy ? "" : qsTr(" — not ready")) : ""
            dotColor: root.server && root.server.storeHealthy ? Theme.ok : Theme.error
            tip: root.server ? (root.server.storeHealthy ? qsTr("The history store takes writes")
                                                        : root.server.storeStatus) : ""
        }
        StatusPill {
            visible: root.server !== null && root.server.redisUsed
            label: qsTr("Redis")
            value: root.server && root.server.redisUp ? qsTr("up") : qsTr("down")
            dotColor: root.server && root.server.redisUp ? Theme.ok : Theme.error
        }
        StatusPill {
            visible: root.server !== null
            label: qsTr("Viewers")
            value: root.server ? String(root.server.viewerCount) : ""
            showDot: false
        }
        Text {
            Layout.fillWidth: true
            Layout.leftMargin: 8
            text: root.market ? root.market.notice : ""
            color: root.market && root.market.noticeKind === "error" ? Theme.error : Theme.warning
            font.pixelSize: Theme.smallFontSize
            elide: Text.ElideRight
            MouseArea {
                anchors.fill: parent
                onClicked: root.market.clearNotice()
                cursorShape: parent.text.length > 0 ? Qt.PointingHandCursor : Qt.ArrowCursor
            }
        }
        Text {
            text: root.frames ? qsTr("%1 fps").arg(root.frames.fps.toFixed(0)) : ""
            color: Theme.textDim
            font.family: Theme.monoFont
            font.pixelSize: Theme.smallFontSize
        }
    }
}
