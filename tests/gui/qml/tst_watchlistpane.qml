import QtQuick
import QtTest
import Tickscope
import Tickscope.Backend 1.0

Item {
    id: root
    width: 500
    height: 400

    WatchlistModel { id: watchlist }

    WatchlistPane {
        id: pane
        anchors.fill: parent
        model: watchlist
        onSymbolActivated: (symbol) => selectedSymbol = symbol
    }

    SignalSpy { id: activated; target: pane; signalName: "symbolActivated" }
    SignalSpy { id: addRequested; target: pane; signalName: "addRequested" }

    TestCase {
        name: "WatchlistPane"
        when: windowShown

        function init() {
            watchlist.setSymbols(["BTC-USD", "ETH-USD", "SPY"])
            activated.clear()
            addRequested.clear()
            pane.select("BTC-USD")
            pane.focusList()
        }

        function test_keyboardMovesTheSelection() {
            keyClick(Qt.Key_Down)
            compare(pane.selectedSymbol, "ETH-USD")
            keyClick(Qt.Key_Down)
            compare(pane.selectedSymbol, "SPY")
            keyClick(Qt.Key_Up)
            compare(pane.selectedSymbol, "ETH-USD")
        }

        function test_deleteRemovesTheSymbol() {
            pane.select("ETH-USD")
            keyClick(Qt.Key_Delete)
            compare(watchlist.symbols, ["BTC-USD", "SPY"])
        }

        function test_insertAsksToAdd() {
            keyClick(Qt.Key_Insert)
            compare(addRequested.count, 1)
        }

        function test_rowsShowTheSymbols() {
            // One delegate per symbol, each showing its symbol.
            const found = {}
            const stack = [pane]
            while (stack.length > 0) {
                const item = stack.pop()
                if (item.text === "SPY" || item.text === "ETH-USD" || item.text === "BTC-USD")
                    found[item.text] = true
                for (let i = 0; i < item.children.length; ++i)
                    stack.push(item.children[i])
            }
            compare(Object.keys(found).sort(), ["BTC-USD", "ETH-USD", "SPY"])
        }
    }
}
