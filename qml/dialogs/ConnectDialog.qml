import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tickscope

// Viewer mode from the menu: the address of a remote server's stream and a read token.
Dialog {
    id: root
    property var desktop
    property var prefs

    readonly property string problem: desktop ? desktop.validateRemoteUrl(urlField.text) : ""

    function submit() {
        const error = desktop.connectRemote(urlField.text, tokenField.text, remember.checked)
        if (error.length > 0) {
            message.text = error
            return
        }
        root.close()
    }

    title: qsTr("Connect to a server")
    modal: true
    anchors.centerIn: parent
    width: 520
    standardButtons: Dialog.NoButton
    padding: 16
    Overlay.modal: Rectangle { color: Qt.rgba(0, 0, 0, 0.45) }
    background: Rectangle {
        color: Theme.panel
        border.color: Theme.border
        radius: 6
    }
    onOpened: {
        urlField.text = prefs && prefs.lastRemoteUrl.length > 0 ? prefs.lastRemoteUrl
                                                                : "ws://127.0.0.1:8765/v1/stream"
        tokenField.text = prefs ? prefs.rememberedToken : ""
        remember.checked = prefs ? prefs.rememberToken : false
        message.text = ""
        urlField.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 6
        Label { text: qsTr("Stream address"); font.pixelSize: Theme.smallFontSize }
        TextField {
            id: urlField
            Layout.fillWidth: true
            placeholderText: "ws://host:8765/v1/stream"
            onTextChanged: message.text = ""
        }
        Label { text: qsTr("Token (read scope)"); font.pixelSize: Theme.smallFontSize }
        TextField {
            id: tokenField
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: qsTr("paste the token, or a link with ?access_token=")
        }
        CheckBox {
            id: remember
            text: qsTr("Remember the token on this computer")
        }
        Text {
            visible: remember.checked
            Layout.fillWidth: true
            text: qsTr("The token will be stored unencrypted in %1 (readable by your user only).")
                  .arg(root.prefs ? root.prefs.fileName : "")
            color: Theme.warning
            wrapMode: Text.Wrap
            font.pixelSize: Theme.smallFontSize
        }
        Text {
            id: message
            Layout.fillWidth: true
            visible: text.length > 0
            color: Theme.error
            wrapMode: Text.Wrap
            font.pixelSize: Theme.smallFontSize
            Binding on text {
                when: urlField.text.length > 0 && root.problem.length > 0
                value: root.problem
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: 6
            Button {
                visible: root.desktop && root.desktop.hasLocalServer && !root.desktop.viewingLocal
                text: qsTr("View the embedded server")
                onClicked: { root.desktop.viewLocal(); root.close() }
            }
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Cancel"); onClicked: root.close() }
            Button {
                text: qsTr("Connect")
                highlighted: true
                enabled: root.problem === ""
                onClicked: root.submit()
            }
        }
    }
}
