import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tickscope

// The embedded server: where it listens, its store and feed, the tick rates, the viewers,
// and Share. In viewer mode: the remote server being watched.
Rectangle {
    id: root
    property var server   // null in viewer mode
    property var market
    property bool viewingLocal: true
    signal shareRequested()
    signal connectRequested()
    signal viewLocalRequested()

    color: Theme.panel

    component Key: Text {
        color: Theme.textDim
        font.family: Theme.uiFont
        font.pixelSize: Theme.smallFontSize
        Layout.alignment: Qt.AlignTop
    }
    component Value: Text {
        color: Theme.text
        font.family: Theme.monoFont
        font.pixelSize: Theme.smallFontSize
        elide: Text.ElideMiddle
        Layout.fillWidth: true
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        PaneHeader {
            Layout.fillWidth: true
            title: root.server ? qsTr("Server") : qsTr("Remote server")
            subtitle: root.server ? (root.server.running ? qsTr("running") : qsTr("stopped"))
                                  : (root.market ? root.market.state : "")
            IconButton {
                visible: root.server !== null && root.server.running
                text: qsTr("Share…")
                tip: qsTr("Mint a read-only token and copy a ready link")
                onClicked: root.shareRequested()
            }
        }

        GridLayout {
            Layout.fillWidth: true
            Layout.margins: 10
            columns: 2
            columnSpacing: 12
            rowSpacing: 5

            // --- embedded server ---
            Key { visible: root.server !== null; text: qsTr("Listening") }
            Value {
                visible: root.server !== null
                text: root.server ? (root.server.running ? root.server.url
                                     : (root.server.error.length > 0 ? root.server.error : qsTr("starting…"))) : ""
                color: root.server && root.server.error.length > 0 ? Theme.error : Theme.text
                wrapMode: root.server && root.server.error.length > 0 ? Text.Wrap : Text.NoWrap
            }
            Key { visible: root.server !== null; text: qsTr("Store") }
            Value {
                visible: root.server !== null
                text: root.server ? root.server.storeKind + (root.server.storeHealthy ? qsTr(" · ok")
                                    : " · " + root.server.storeStatus) : ""
                color: root.server && !root.server.storeHealthy ? Theme.warning : Theme.text
            }
            Key { visible: root.server !== null; text: qsTr("Data") }
            Value { visible: root.server !== null; text: root.server ? root.server.dataDir : "" }
            Key { visible: root.server !== null; text: qsTr("Feed") }
            Value {
                visible: root.server !== null
                text: root.server ? root.server.feedStatus : ""
                wrapMode: Text.Wrap
                elide: Text.ElideNone
            }
            Key { visible: root.server !== null; text: qsTr("Ticks in / out") }
            Value {
                visible: root.server !== null
                text: root.server ? qsTr("%1/s   %2/s").arg(Theme.rate(root.server.ticksInRate))
                                                       .arg(Theme.rate(root.server.ticksOutRate)) : ""
            }

            // --- the stream being viewed (both modes) ---
            Key { visible: !root.viewingLocal || root.server === null; text: qsTr("Viewing") }
            Value {
                visible: !root.viewingLocal || root.server === null
                text: root.market ? root.market.url : ""
            }
            Key { visible: !root.viewingLocal || root.server === null; text: qsTr("Server") }
            Value {
                visible: !root.viewingLocal || root.server === null
                text: root.market && root.market.serverVersion.length > 0
                      ? root.market.serverVersion + qsTr(" · epoch ") + root.market.epoch : "—"
            }
            Key { visible: !root.viewingLocal || root.server === null; text: qsTr("Connection") }
            Value {
                visible: !root.viewingLocal || root.server === null
                text: root.market ? root.market.stateText : ""
                wrapMode: Text.Wrap
                color: root.market && root.market.state === "live" ? Theme.ok
                     : root.market && root.market.state === "failed" ? Theme.error : Theme.warning
            }
            Key { text: qsTr("Received") }
            Value {
                text: root.market ? qsTr("%1 ticks/s · %2/s").arg(Theme.rate(root.market.ticksPerSecond))
                                                            .arg(Theme.bytes(root.market.bytesPerSecond)) : ""
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 10
            Layout.rightMargin: 10
            Layout.bottomMargin: 6
            spacing: 6
            visible: root.server === null || !root.viewingLocal
            Button {
                text: qsTr("Connect to another server…")
                font.pixelSize: Theme.smallFontSize
                onClicked: root.connectRequested()
            }
            Button {
                visible: root.server !== null && !root.viewingLocal
                text: qsTr("View the embedded server")
                font.pixelSize: Theme.smallFontSize
                onClicked: root.viewLocalRequested()
            }
        }

        // Connected viewers
        Rectangle {
            visible: root.server !== null
            Layout.fillWidth: true
            implicitHeight: 24
            color: Theme.header
            Text {
                anchors.verticalCenter: parent.verticalCenter
                x: 10
                text: qsTr("Viewers (%1)").arg(root.server ? root.server.viewerCount : 0)
                color: Theme.text
                font.pixelSize: Theme.smallFontSize
                font.bold: true
            }
            Rectangle { anchors.top: parent.top; width: parent.width; height: 1; color: Theme.border }
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
        }
        ListView {
            id: viewerList
            visible: root.server !== null
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.server ? root.server.viewers : null
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            delegate: Rectangle {
                id: viewerRow
                required property int index
                required property string subject
                required property string peer
                required property string sinceText
                required property string state
                required property string lagText
                required property bool self
                width: ListView.view.width
                height: 38
                color: index % 2 ? Theme.panelAlt : "transparent"
                ColumnLayout {
                    anchors.fill: parent
                    anchors.leftMargin: 10
                    anchors.rightMargin: 10
                    spacing: 0
                    RowLayout {
                        Layout.fillWidth: true
                        Text {
                            text: viewerRow.subject + (viewerRow.self ? qsTr("  (this window)") : "")
                            color: Theme.text
                            font.pixelSize: Theme.smallFontSize
                            font.bold: true
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                        Text {
                            text: viewerRow.lagText
                            color: viewerRow.lagText === "live" ? Theme.ok : Theme.warning
                            font.pixelSize: Theme.smallFontSize
                        }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        Text {
                            text: viewerRow.peer
                            color: Theme.textDim
                            font.family: Theme.monoFont
                            font.pixelSize: 10
                            Layout.fillWidth: true
                            elide: Text.ElideRight
                        }
                        Text {
                            text: qsTr("since %1").arg(viewerRow.sinceText)
                            color: Theme.textDim
                            font.pixelSize: 10
                        }
                    }
                }
            }
            Text {
                anchors.centerIn: parent
                visible: viewerList.count === 0
                text: qsTr("No viewers connected")
                color: Theme.textDim
                font.pixelSize: Theme.smallFontSize
            }
        }
        Item { visible: root.server === null; Layout.fillHeight: true }
    }
}
