import QtQuick
import QtQuick.Controls
import Tickscope

// One item of the status bar: a coloured dot, a label and a value.
Item {
    id: root
    property string label
    property string value
    property color dotColor: Theme.ok
    property bool showDot: true
    property string tip

    implicitHeight: 22
    implicitWidth: row.implicitWidth + 12

    HoverHandler { id: hover }
    ToolTip.visible: hover.hovered && tip.length > 0
    ToolTip.text: tip
    ToolTip.delay: 400

    Row {
        id: row
        anchors.verticalCenter: parent.verticalCenter
        x: 6
        spacing: 5
        Rectangle {
            visible: root.showDot
            width: 8
            height: 8
            radius: 4
            color: root.dotColor
            anchors.verticalCenter: parent.verticalCenter
        }
        Text {
            text: root.label
            color: Theme.textDim
            font.family: Theme.uiFont
            font.pixelSize: Theme.smallFontSize
            anchors.verticalCenter: parent.verticalCenter
        }
        Text {
            text: root.value
            color: Theme.text
            font.family: Theme.uiFont
            font.pixelSize: Theme.smallFontSize
            anchors.verticalCenter: parent.verticalCenter
        }
    }
}
