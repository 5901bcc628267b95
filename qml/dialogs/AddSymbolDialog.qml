import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tickscope

// Adds a symbol to the watchlist, checking it as the user types.
Dialog {
    id: root
    property var watchlist
    signal added(string symbol)

    readonly property string problem: watchlist ? watchlist.validate(field.text) : ""
    readonly property alias text: field.text

    function submit() {
        const error = watchlist.add(field.text)
        if (error.length > 0) {
            message.text = error
            return
        }
        root.added(field.text.trim())
        root.close()
    }

    title: qsTr("Add a symbol")
    modal: true
    anchors.centerIn: parent
    width: 380
    standardButtons: Dialog.NoButton
    padding: 16
    Overlay.modal: Rectangle { color: Qt.rgba(0, 0, 0, 0.45) }
    background: Rectangle {
        color: Theme.panel
        border.color: Theme.border
        radius: 6
    }
    onOpened: { field.text = ""; message.text = ""; field.forceActiveFocus() }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        Text {
            text: qsTr("Symbol, as the server names it (case-sensitive):")
            color: Theme.textDim
            font.pixelSize: Theme.smallFontSize
        }
        TextField {
            id: field
            objectName: "symbolField"
            Layout.fillWidth: true
            placeholderText: "BTC-USD"
            maximumLength: 40
            onTextChanged: message.text = ""
            Keys.onReturnPressed: if (root.problem === "") root.submit()
            Keys.onEnterPressed: if (root.problem === "") root.submit()
        }
        Text {
            id: message
            objectName: "message"
            Layout.fillWidth: true
            text: ""
            visible: text.length > 0 || (field.text.length > 0 && root.problem.length > 0)
            color: Theme.error
            wrapMode: Text.Wrap
            font.pixelSize: Theme.smallFontSize
            Binding on text {
                when: field.text.length > 0
                value: root.problem
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Cancel"); onClicked: root.close() }
            Button {
                objectName: "addButton"
                text: qsTr("Add")
                highlighted: true
                enabled: root.problem === ""
                onClicked: root.submit()
            }
        }
    }
}
