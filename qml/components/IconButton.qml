import QtQuick
import QtQuick.Controls
import Tickscope

// A compact flat button with a text label or glyph, and a tooltip.
AbstractButton {
    id: root
    property string tip
    property bool checkedLook: checked
    property color textColor: checkedLook ? Theme.accent : (enabled ? Theme.text : Theme.textFaint)

    implicitHeight: 24
    implicitWidth: Math.max(24, label.implicitWidth + 14)
    focusPolicy: Qt.NoFocus
    hoverEnabled: true

    ToolTip.visible: hovered && tip.length > 0
    ToolTip.text: tip
    ToolTip.delay: 500

    background: Rectangle {
        radius: 4
        color: root.checkedLook ? Theme.accentSoft
             : root.down ? Theme.selection
             : root.hovered ? Theme.panelAlt : "transparent"
        border.width: root.checkedLook ? 1 : 0
        border.color: Theme.accent
    }
    contentItem: Text {
        id: label
        text: root.text
        color: root.textColor
        font.family: Theme.uiFont
        font.pixelSize: Theme.smallFontSize
        font.bold: root.checkedLook
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
}
