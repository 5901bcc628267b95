import QtQuick
import QtTest
import Tickscope
import Tickscope.Backend 1.0

Item {
    width: 400
    height: 300

    TapeModel { id: tape }

    TapePane {
        id: pane
        anchors.fill: parent
        model: tape
        symbol: "BTC-USD"
    }

    TestCase {
        name: "TapePane"
        when: windowShown

        function texts(item, out) {
            if (item.text !== undefined && item.visible)
                out.push(item.text)
            for (let i = 0; i < item.children.length; ++i)
                texts(item.children[i], out)
            if (item.contentItem)
                texts(item.contentItem, out)
            return out
        }

        function test_emptyTapeSaysSo() {
            const all = texts(pane, [])
            verify(all.indexOf("No trades yet") >= 0, JSON.stringify(all))
            verify(all.indexOf("BTC-USD") >= 0)
        }
    }
}
