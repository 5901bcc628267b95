import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tickscope

// Time and sales: the latest ticks of the selected symbol, newest first, coloured by the
// direction of the move.
Rectangle {
    id: root
    property var model
    property string symbol

    color: Theme.panel

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        PaneHeader {
            Layout.fillWidth: true
            title: qsTr("Time & Sales")
            subtitle: root.symbol
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 22
            color: Theme.panel
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 10
                anchors.rightMargin: 12
                spacing: 8
                Text {
                    text: qsTr("Time"); color: Theme.textFaint; font.pixelSize: 10
                    font.capitalization: Font.AllUppercase; Layout.preferredWidth: 92
                }
                Text {
                    text: qsTr("Price"); color: Theme.textFaint; font.pixelSize: 10
                    font.capitalization: Font.AllUppercase; horizontalAlignment: Text.AlignRight
                    Layout.fillWidth: true
                }
                Text {
                    text: qsTr("Size"); color: Theme.textFaint; font.pixelSize: 10
                    font.capitalization: Font.AllUppercase; horizontalAlignment: Text.AlignRight
                    Layout.preferredWidth: 70
                }
            }
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.grid }
        }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.model
            interactive: true
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            reuseItems: true

            delegate: Item {
                id: tapeRow
                required property int index
                required property string timeText
                required property string priceText
                required property double size
                required property int direction
                width: ListView.view.width
                height: 20
                Rectangle {
                    anchors.fill: parent
                    color: tapeRow.index % 2 ? Theme.panelAlt : "transparent"
                }
                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: 10
                    anchors.rightMargin: 12
                    spacing: 8
                    PriceText {
                        text: tapeRow.timeText
                        color: Theme.textDim
                        horizontalAlignment: Text.AlignLeft
                        font.pixelSize: Theme.smallFontSize
                        Layout.preferredWidth: 92
                    }
                    PriceText {
                        text: Theme.groupThousands(tapeRow.priceText)
                              + (tapeRow.direction > 0 ? " ▲" : tapeRow.direction < 0 ? " ▼" : "  ")
                        color: tapeRow.direction > 0 ? Theme.up
                             : tapeRow.direction < 0 ? Theme.down : Theme.text
                        Layout.fillWidth: true
                    }
                    PriceText {
                        text: tapeRow.size.toLocaleString(Qt.locale("C"), 'f', tapeRow.size >= 100 ? 0 : 4)
                        color: Theme.textDim
                        Layout.preferredWidth: 70
                    }
                }
            }
            Text {
                anchors.centerIn: parent
                visible: list.count === 0
                text: qsTr("No trades yet")
                color: Theme.textDim
                font.pixelSize: Theme.fontSize
            }
        }
    }
}
