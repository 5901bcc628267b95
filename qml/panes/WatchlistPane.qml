import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tickscope
import Tickscope.Backend 1.0

// The watchlist: symbol, last price, change since the session start, ticks/s and a
// sparkline. Up/Down move the selection (and the chart), Delete removes, Insert adds.
Rectangle {
    id: root
    property var model
    property string selectedSymbol
    signal symbolActivated(string symbol)
    signal addRequested()

    function select(symbol) {
        const row = model ? model.indexOf(symbol) : -1
        if (row >= 0) {
            list.currentIndex = row
            list.positionViewAtIndex(row, ListView.Contain)
        }
    }
    function focusList() { list.forceActiveFocus() }

    color: Theme.panel

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        PaneHeader {
            Layout.fillWidth: true
            title: qsTr("Watchlist")
            subtitle: root.model ? qsTr("%1 symbols · %2 ticks/s").arg(root.model.count)
                                   .arg(Theme.rate(root.model.totalRate)) : ""
            IconButton {
                text: "+"
                tip: qsTr("Add a symbol (Insert)")
                onClicked: root.addRequested()
            }
        }

        // Column titles
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 24
            color: Theme.panel
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 10
                anchors.rightMargin: 10
                spacing: 6
                Repeater {
                    model: [
                        { title: qsTr("Symbol"), width: 78, align: Text.AlignLeft, fill: false },
                        { title: qsTr("Last"), width: 86, align: Text.AlignRight, fill: true },
                        { title: qsTr("Chg %"), width: 62, align: Text.AlignRight, fill: false },
                        { title: qsTr("Ticks/s"), width: 48, align: Text.AlignRight, fill: false },
                        { title: qsTr("5 min"), width: 64, align: Text.AlignHCenter, fill: false }
                    ]
                    Text {
                        required property var modelData
                        text: modelData.title
                        color: Theme.textFaint
                        font.family: Theme.uiFont
                        font.pixelSize: 10
                        font.capitalization: Font.AllUppercase
                        horizontalAlignment: modelData.align
                        Layout.preferredWidth: modelData.width
                        Layout.fillWidth: modelData.fill
                    }
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
            focus: true
            keyNavigationEnabled: true
            highlightMoveDuration: 0
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

            onCurrentIndexChanged: {
                const symbol = root.model ? root.model.symbolAt(currentIndex) : ""
                if (symbol.length > 0 && symbol !== root.selectedSymbol)
                    root.symbolActivated(symbol)
            }
            Keys.onDeletePressed: {
                const symbol = root.model.symbolAt(currentIndex)
                if (symbol.length > 0)
                    root.model.remove(symbol)
            }
            Keys.onPressed: (event) => {
                if (event.key === Qt.Key_Insert) {
                    root.addRequested()
                    event.accepted = true
                }
            }

            delegate: Rectangle {
                id: row
                required property int index
                required property string symbol
                required property string lastText
                required property double changePct
                required property double rate
                required property var spark
                required property int direction
                required property bool hasPrice
                required property string error
                required property double reference

                width: ListView.view.width
                height: Theme.rowHeight
                color: ListView.isCurrentItem ? Theme.selection
                     : mouse.containsMouse ? Theme.panelAlt : "transparent"

                Rectangle {
                    visible: row.ListView.isCurrentItem
                    width: 3
                    height: parent.height
                    color: Theme.accent
                }
                MouseArea {
                    id: mouse
                    anchors.fill: parent
                    hoverEnabled: true
                    acceptedButtons: Qt.LeftButton | Qt.RightButton
                    onClicked: (event) => {
                        list.currentIndex = row.index
                        list.forceActiveFocus()
                        if (event.button === Qt.RightButton)
                            contextMenu.popup()
                    }
                }
                Menu {
                    id: contextMenu
                    MenuItem {
                        text: qsTr("Remove %1").arg(row.symbol)
                        onTriggered: root.model.remove(row.symbol)
                    }
                }
                ToolTip.visible: mouse.containsMouse && row.error.length > 0
                ToolTip.text: row.error

                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: 10
                    anchors.rightMargin: 10
                    spacing: 6
                    Text {
                        text: row.symbol
                        color: row.error.length > 0 ? Theme.error : Theme.text
                        font.family: Theme.uiFont
                        font.pixelSize: Theme.fontSize
                        font.bold: true
                        elide: Text.ElideRight
                        Layout.preferredWidth: 78
                    }
                    PriceText {
                        text: row.error.length > 0 ? qsTr("refused")
                            : row.hasPrice ? Theme.groupThousands(row.lastText) : "—"
                        color: row.error.length > 0 ? Theme.error
                             : row.direction > 0 ? Theme.up
                             : row.direction < 0 ? Theme.down : Theme.text
                        Layout.preferredWidth: 86
                        Layout.fillWidth: true
                    }
                    PriceText {
                        text: row.hasPrice ? Theme.signed(row.changePct, 2) + "%" : ""
                        color: Theme.changeColor(row.changePct)
                        Layout.preferredWidth: 62
                    }
                    PriceText {
                        text: row.hasPrice ? Theme.rate(row.rate) : ""
                        color: Theme.textDim
                        Layout.preferredWidth: 48
                    }
                    Sparkline {
                        Layout.preferredWidth: 64
                        Layout.preferredHeight: 18
                        values: row.spark
                        reference: row.reference
                        color: row.spark.length > 1 && row.spark[row.spark.length - 1] < row.reference
                               ? Theme.down : Theme.up
                        baselineColor: Theme.border
                    }
                }
            }
        }
    }
}
