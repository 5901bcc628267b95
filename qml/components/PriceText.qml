import QtQuick
import Tickscope

// A number in the monospaced font, right-aligned, so that columns of prices line up.
Text {
    color: Theme.text
    font.family: Theme.monoFont
    font.pixelSize: Theme.fontSize
    horizontalAlignment: Text.AlignRight
    verticalAlignment: Text.AlignVCenter
    elide: Text.ElideLeft
}
