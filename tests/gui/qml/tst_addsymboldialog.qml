import QtQuick
import QtQuick.Controls
import QtTest
import Tickscope
import Tickscope.Backend 1.0

Item {
    id: root
    width: 800
    height: 600

    WatchlistModel { id: watchlist }

    AddSymbolDialog {
        id: dialog
        watchlist: watchlist
    }

    SignalSpy { id: addedSpy; target: dialog; signalName: "added" }

    TestCase {
        name: "AddSymbolDialog"
        when: windowShown

        function init() {
            watchlist.setSymbols(["BTC-USD"])
            addedSpy.clear()
            dialog.open()
            tryVerify(() => dialog.opened)
        }
        function cleanup() { dialog.close() }

        function field() { return findChild(dialog.contentItem, "symbolField") }
        function button() { return findChild(dialog.contentItem, "addButton") }
        function message() { return findChild(dialog.contentItem, "message") }

        function test_invalidSymbolIsExplainedAndRefused() {
            field().text = "BTC USD"
            verify(!button().enabled)
            verify(message().visible)
            verify(message().text.indexOf("not a valid symbol") >= 0, message().text)
            compare(watchlist.count, 1)
        }

        function test_duplicateIsRefused() {
            field().text = "BTC-USD"
            verify(!button().enabled)
            verify(message().text.indexOf("already in the watchlist") >= 0, message().text)
        }

        function test_validSymbolIsAddedWithEnter() {
            field().forceActiveFocus()
            keyClick("E"); keyClick("T"); keyClick("H")
            compare(field().text, "ETH")
            verify(button().enabled)
            keyClick(Qt.Key_Return)
            compare(addedSpy.count, 1)
            compare(addedSpy.signalArguments[0][0], "ETH")
            compare(watchlist.symbols, ["BTC-USD", "ETH"])
            tryVerify(() => !dialog.visible)
        }
    }
}
