import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tickscope

// Ctrl+K: type part of a symbol, Up/Down to pick, Enter to show it on the chart. Symbols
// the server has but the watchlist does not (from `directory`, the server's
// /api/v1/symbols), and any valid symbol typed in full, can be added from here.
Popup {
    id: root
    property var watchlist
    property var directory
    signal chosen(string symbol)

    property var matches: []
    property int current: 0

    function refresh() {
        const query = field.text.trim().toUpperCase()
        const listed = watchlist ? watchlist.symbols : []
        const byPlace = (a, b) => (a.toUpperCase().indexOf(query) - b.toUpperCase().indexOf(query))
                                  || a.localeCompare(b)
        const matching = s => s.toUpperCase().indexOf(query) >= 0
        const found = listed.filter(matching).sort(byPlace)
        const onServer = (directory ? directory.symbols : [])
            .filter(s => listed.indexOf(s) < 0 && matching(s)).sort(byPlace)
        const typed = field.text.trim()
        const items = found.map(s => ({ symbol: s, add: false, hint: "" }))
            .concat(onServer.map(s => ({ symbol: s, add: true, hint: qsTr("on the server") })))
        if (typed.length > 0 && listed.indexOf(typed) < 0 && onServer.indexOf(typed) < 0
                && watchlist.validate(typed) === "")
            items.push({ symbol: typed, add: true, hint: "" })
        matches = items
        current = Math.min(current, Math.max(0, items.length - 1))
    }
    Connections {
        target: root.directory
        function onChanged() { if (root.opened) root.refresh() }
    }
    function accept() {
        if (matches.length === 0)
            return
        const item = matches[Math.min(current, matches.length - 1)]
        if (item.add) {
            const error = watchlist.add(item.symbol)
            if (error.length > 0) {
                message.text = error
                return
            }
        }
        root.chosen(item.symbol)
        root.close()
    }

    modal: true
    focus: true
    x: Math.round((parent.width - width) / 2)
    y: 70
    width: 420
    padding: 0
    onOpened: {
        field.text = ""
        message.text = ""
        current = 0
        if (directory)
            directory.refresh()
        refresh()
        field.forceActiveFocus()
    }

    Overlay.modal: Rectangle { color: Qt.rgba(0, 0, 0, 0.35) }
    background: Rectangle {
        color: Theme.panel
        border.color: Theme.border
        radius: 6
    }

    contentItem: ColumnLayout {
        spacing: 0
        TextField {
            id: field
            Layout.fillWidth: true
            Layout.margins: 10
            placeholderText: qsTr("Search symbols…")
            font.pixelSize: 15
            onTextChanged: { message.text = ""; root.current = 0; root.refresh() }
            Keys.onDownPressed: root.current = Math.min(root.current + 1, root.matches.length - 1)
            Keys.onUpPressed: root.current = Math.max(root.current - 1, 0)
            Keys.onReturnPressed: root.accept()
            Keys.onEnterPressed: root.accept()
        }
        Text {
            id: message
            visible: text.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            color: Theme.error
            wrapMode: Text.Wrap
            font.pixelSize: Theme.smallFontSize
        }
        ListView {
            id: results
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 300)
            Layout.bottomMargin: 6
            clip: true
            model: root.matches
            currentIndex: root.current
            delegate: Rectangle {
                id: item
                required property var modelData
                required property int index
                width: ListView.view.width
                height: 30
                color: index === root.current ? Theme.selection : "transparent"
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    x: 14
                    text: item.modelData.add ? qsTr("Add “%1” to the watchlist").arg(item.modelData.symbol)
                                             : item.modelData.symbol
                    color: item.modelData.add ? Theme.accent : Theme.text
                    font.pixelSize: Theme.fontSize
                    font.bold: !item.modelData.add
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.right: parent.right
                    anchors.rightMargin: 14
                    text: item.modelData.hint
                    color: Theme.textDim
                    font.pixelSize: Theme.smallFontSize
                }
                MouseArea {
                    anchors.fill: parent
                    hoverEnabled: true
                    onEntered: root.current = item.index
                    onClicked: { root.current = item.index; root.accept() }
                }
            }
        }
        Text {
            visible: root.matches.length === 0
            Layout.fillWidth: true
            Layout.margins: 12
            text: field.text.trim().length > 0 && root.watchlist
                  ? root.watchlist.validate(field.text) : qsTr("The watchlist is empty")
            color: Theme.textDim
            wrapMode: Text.Wrap
            font.pixelSize: Theme.smallFontSize
        }
    }
}
