import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tickscope

// Share: mint a read-only token with a lifetime and an optional symbol list, then copy a
// ready link or the command for a common client.
Dialog {
    id: root
    property var server
    property var clipboard
    property var share: null
    property string error

    readonly property var lifetimes: [
        { label: qsTr("15 minutes"), seconds: 900 }, { label: qsTr("1 hour"), seconds: 3600 },
        { label: qsTr("8 hours"), seconds: 28800 }, { label: qsTr("24 hours"), seconds: 86400 },
        { label: qsTr("7 days"), seconds: 604800 }
    ]
    readonly property var clients: [
        { label: "tickscope", key: "tickscopeCommand" },
        { label: "websocat", key: "websocatCommand" },
        { label: qsTr("curl (REST)"), key: "curlCommand" }
    ]

    function copy(text, what) {
        clipboard.setText(text)
        copied.text = qsTr("%1 copied to the clipboard").arg(what)
    }

    title: qsTr("Share this server")
    modal: true
    anchors.centerIn: parent
    width: 600
    standardButtons: Dialog.NoButton
    padding: 16
    Overlay.modal: Rectangle { color: Qt.rgba(0, 0, 0, 0.45) }
    background: Rectangle {
        color: Theme.panel
        border.color: Theme.border
        radius: 6
    }
    onOpened: { share = null; error = ""; copied.text = "" }

    Connections {
        target: root.server
        function onShareReady(result) { root.share = result; root.error = "" }
        function onShareFailed(message) { root.share = null; root.error = message }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        GridLayout {
            columns: 2
            columnSpacing: 10
            rowSpacing: 6
            Layout.fillWidth: true
            Label { text: qsTr("Lifetime") }
            ComboBox {
                id: lifetime
                model: root.lifetimes.map(l => l.label)
                currentIndex: 1
                Layout.fillWidth: true
            }
            Label { text: qsTr("Symbols") }
            TextField {
                id: symbols
                Layout.fillWidth: true
                placeholderText: qsTr("all symbols (or e.g. BTC-USD, ETH-*)")
            }
            Label { text: qsTr("Viewer name") }
            TextField {
                id: subject
                Layout.fillWidth: true
                placeholderText: "shared-viewer"
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Text {
                Layout.fillWidth: true
                text: qsTr("The token can only read; it expires on its own.")
                color: Theme.textDim
                font.pixelSize: Theme.smallFontSize
            }
            Button {
                text: qsTr("Create link")
                highlighted: true
                onClicked: root.server.requestShare(root.lifetimes[lifetime.currentIndex].seconds,
                                                    symbols.text, subject.text)
            }
        }
        Text {
            visible: root.error.length > 0
            Layout.fillWidth: true
            text: root.error
            color: Theme.error
            wrapMode: Text.Wrap
        }
        ColumnLayout {
            visible: root.share !== null
            Layout.fillWidth: true
            spacing: 6
            Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
            Text {
                text: root.share ? qsTr("For %1, %2, valid until %3").arg(root.share.subject)
                                   .arg(root.share.symbols).arg(root.share.expires) : ""
                color: Theme.text
                font.pixelSize: Theme.smallFontSize
            }
            Label { text: qsTr("Link") }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    Layout.fillWidth: true
                    readOnly: true
                    text: root.share ? root.share.link : ""
                    onTextChanged: cursorPosition = 0
                    font.family: Theme.monoFont
                    font.pixelSize: Theme.smallFontSize
                }
                Button { text: qsTr("Copy"); onClicked: root.copy(root.share.link, qsTr("Link")) }
            }
            RowLayout {
                Layout.fillWidth: true
                Label { text: qsTr("Command for") }
                ComboBox {
                    id: client
                    model: root.clients.map(c => c.label)
                    implicitWidth: 150
                }
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: command
                    Layout.fillWidth: true
                    readOnly: true
                    text: root.share ? root.share[root.clients[client.currentIndex].key] : ""
                    onTextChanged: cursorPosition = 0
                    font.family: Theme.monoFont
                    font.pixelSize: Theme.smallFontSize
                }
                Button { text: qsTr("Copy"); onClicked: root.copy(command.text, qsTr("Command")) }
            }
            Text {
                visible: root.share && root.share.loopbackOnly
                Layout.fillWidth: true
                text: qsTr("This server listens on the loopback address only: the link works on this "
                           + "computer. To share across machines, start Tickscope with "
                           + "--listen 0.0.0.0:8765 (and a firewall you trust).")
                color: Theme.warning
                wrapMode: Text.Wrap
                font.pixelSize: Theme.smallFontSize
            }
            Text {
                id: copied
                color: Theme.ok
                font.pixelSize: Theme.smallFontSize
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Close"); onClicked: root.close() }
        }
    }
}
