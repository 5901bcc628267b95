import QtQuick
import QtQuick.Layouts
import Tickscope

// The title row of a pane: a title, an optional subtitle, and tools on the right.
Rectangle {
    id: root
    property string title
    property string subtitle
    default property alias tools: toolRow.data

    implicitHeight: Theme.headerHeight
    color: Theme.header

    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 1
        color: Theme.border
    }
    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 10
        anchors.rightMargin: 6
        spacing: 8
        Text {
            text: root.title
            color: Theme.text
            font.family: Theme.uiFont
            font.pixelSize: Theme.titleFontSize
            font.bold: true
        }
        Text {
            text: root.subtitle
            visible: text.length > 0
            color: Theme.textDim
            font.family: Theme.uiFont
            font.pixelSize: Theme.smallFontSize
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Item {
            Layout.fillWidth: true
            visible: root.subtitle.length === 0
        }
        Row {
            id: toolRow
            spacing: 4
            Layout.alignment: Qt.AlignVCenter
        }
    }
}
