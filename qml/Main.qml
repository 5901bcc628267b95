import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Window
import Tickscope
import Tickscope.Backend 1.0

// The Tickscope workstation: watchlist | chart | time & sales over the server panel, a
// status bar, and the dialogs. Layout, theme and choices persist through Desktop.prefs.
ApplicationWindow {
    id: window
    readonly property var market: Desktop.market
    readonly property var prefs: Desktop.prefs
    readonly property var server: Desktop.server

    title: market.mode === "remote" ? qsTr("Tickscope — viewing %1").arg(market.url)
                                    : qsTr("Tickscope — %1").arg(server && server.running ? server.url : qsTr("starting"))
    width: 1480
    height: 920
    minimumWidth: 900
    minimumHeight: 560
    visible: true
    color: Theme.window

    palette.window: Theme.panel
    palette.windowText: Theme.text
    palette.base: Theme.panelAlt
    palette.alternateBase: Theme.panel
    palette.text: Theme.text
    palette.button: Theme.header
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: "white"
    palette.placeholderText: Theme.textFaint
    palette.mid: Theme.border
    palette.dark: Theme.border
    palette.light: Theme.panelAlt
    palette.midlight: Theme.panelAlt
    palette.shadow: "#000000"
    palette.toolTipBase: Theme.header
    palette.toolTipText: Theme.text
    font.family: Theme.uiFont
    font.pixelSize: Theme.fontSize

    Binding { target: Theme; property: "dark"; value: window.prefs.theme !== "light" }
    Binding { target: window.market.chart; property: "windowSeconds"; value: window.prefs.chartWindow }
    Binding { target: window.market.candles; property: "windowSeconds"; value: window.prefs.chartWindow }
    Binding { target: window.market.candles; property: "intervalSeconds"; value: window.prefs.candleInterval }
    Binding { target: window.market.chart; property: "active"; value: window.prefs.chartType !== "candles" }
    Binding { target: window.market.candles; property: "active"; value: window.prefs.chartType === "candles" }

    function defaultLayout() {
        watchlistPane.SplitView.preferredWidth = 440
        sideColumn.SplitView.preferredWidth = 360
        tapePane.SplitView.preferredHeight = Math.round(window.height * 0.52)
    }
    function saveState() {
        const geometry = Qt.rect(window.x, window.y, window.width, window.height)
        if (window.visibility !== Window.Maximized && window.visibility !== Window.FullScreen)
            prefs.windowGeometry = geometry
        prefs.windowMaximized = window.visibility === Window.Maximized
        prefs.mainSplit = mainSplit.saveState()
        prefs.sideSplit = sideSplit.saveState()
        prefs.sync()
    }
    function selectSymbol(symbol) {
        market.detailSymbol = symbol
        watchlistPane.select(symbol)
    }

    Component.onCompleted: {
        const g = prefs.windowGeometry
        if (g.width >= 200 && g.height >= 150) {
            window.x = g.x; window.y = g.y; window.width = g.width; window.height = g.height
        }
        if (prefs.windowMaximized)
            window.visibility = Window.Maximized
        defaultLayout()
        if (prefs.mainSplit)
            mainSplit.restoreState(prefs.mainSplit)
        if (prefs.sideSplit)
            sideSplit.restoreState(prefs.sideSplit)
        watchlistPane.select(market.detailSymbol)
        watchlistPane.focusList()
        const dialogs = { search: search, add: addDialog, connect: connectDialog, share: shareDialog }
        if (dialogs[Desktop.startupDialog])
            openLater.dialog = dialogs[Desktop.startupDialog]
    }
    Timer {
        id: openLater
        property var dialog: null
        running: dialog !== null
        interval: 1500
        onTriggered: {
            dialog.open()
            if (dialog === shareDialog && window.server && window.server.running)
                window.server.requestShare(3600, "", "demo-viewer")
        }
    }
    onClosing: (close) => {
        saveState()
        close.accepted = false
        Desktop.quit()
    }

    Connections {
        target: window.prefs
        function onLayoutReset() { window.defaultLayout() }
    }

    // --- keyboard ---
    Shortcut { sequence: "Ctrl+K"; onActivated: search.open() }
    Shortcut { sequences: ["Ctrl+N", "Insert"]; onActivated: addDialog.open() }
    Shortcut { sequence: "Ctrl+L"; onActivated: prefs.chartType = prefs.chartType === "candles" ? "line" : "candles" }
    Shortcut { sequence: "Ctrl+T"; onActivated: prefs.theme = prefs.theme === "light" ? "dark" : "light" }
    Shortcut { sequence: "F12"; onActivated: prefs.showFrameStats = !prefs.showFrameStats }
    Shortcut { sequence: "Ctrl+Shift+R"; onActivated: prefs.resetLayout() }
    Shortcut { sequence: "Ctrl+Q"; onActivated: window.close() }
    Shortcut { sequence: "Alt+1"; onActivated: prefs.chartWindow = 60 }
    Shortcut { sequence: "Alt+2"; onActivated: prefs.chartWindow = 300 }
    Shortcut { sequence: "Alt+3"; onActivated: prefs.chartWindow = 900 }
    Shortcut { sequence: "Alt+4"; onActivated: prefs.chartWindow = 3600 }
    Shortcut { sequence: "Alt+5"; onActivated: prefs.chartWindow = 0 }

    // --- top bar ---
    header: Rectangle {
        implicitHeight: 40
        color: Theme.header
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 8
            spacing: 8
            Text {
                text: "Tickscope"
                color: Theme.text
                font.pixelSize: 15
                font.bold: true
            }
            Rectangle {
                radius: 3
                color: window.market.mode === "remote" ? Theme.warningSoft : Theme.accentSoft
                implicitWidth: modeText.implicitWidth + 12
                implicitHeight: 20
                Text {
                    id: modeText
                    anchors.centerIn: parent
                    text: window.market.mode === "remote" ? qsTr("viewer · %1").arg(window.market.url)
                                                          : qsTr("embedded server")
                    color: window.market.mode === "remote" ? Theme.warning : Theme.accent
                    font.pixelSize: Theme.smallFontSize
                }
            }
            Item { Layout.fillWidth: true }
            Button {
                id: searchButton
                text: qsTr("Search symbols…   Ctrl+K")
                flat: true
                font.pixelSize: Theme.smallFontSize
                implicitWidth: 220
                onClicked: search.open()
            }
            Item { Layout.fillWidth: true }
            IconButton { text: qsTr("Connect…"); tip: qsTr("View a remote Tickscope server"); onClicked: connectDialog.open() }
            IconButton {
                text: qsTr("Share…")
                visible: window.server !== null
                enabled: window.server !== null && window.server.running
                tip: qsTr("Mint a read-only token for this server")
                onClicked: shareDialog.open()
            }
            IconButton {
                text: window.prefs.theme === "light" ? qsTr("Dark") : qsTr("Light")
                tip: qsTr("Switch theme (Ctrl+T)")
                onClicked: window.prefs.theme = window.prefs.theme === "light" ? "dark" : "light"
            }
            IconButton {
                text: "☰"
                tip: qsTr("Menu")
                onClicked: menu.popup(this, 0, height)
                Menu {
                    id: menu
                    MenuItem { text: qsTr("Add symbol…"); onTriggered: addDialog.open() }
                    MenuItem { text: qsTr("Connect to a server…"); onTriggered: connectDialog.open() }
                    MenuItem {
                        text: qsTr("View the embedded server")
                        enabled: Desktop.hasLocalServer && !Desktop.viewingLocal
                        onTriggered: Desktop.viewLocal()
                    }
                    MenuSeparator {}
                    MenuItem { text: qsTr("Reset layout"); onTriggered: window.prefs.resetLayout() }
                    MenuItem {
                        text: qsTr("Frame statistics (F12)")
                        checkable: true
                        checked: window.prefs.showFrameStats
                        onTriggered: window.prefs.showFrameStats = checked
                    }
                    MenuSeparator {}
                    MenuItem { text: qsTr("Quit"); onTriggered: window.close() }
                }
            }
        }
    }

    // --- panes ---
    SplitView {
        id: mainSplit
        anchors.fill: parent
        orientation: Qt.Horizontal
        handle: Rectangle {
            implicitWidth: 5
            implicitHeight: 5
            color: SplitHandle.pressed ? Theme.accent : SplitHandle.hovered ? Theme.border : Theme.window
        }

        WatchlistPane {
            id: watchlistPane
            SplitView.minimumWidth: 300
            model: window.market.watchlist
            selectedSymbol: window.market.detailSymbol
            onSymbolActivated: (symbol) => window.market.detailSymbol = symbol
            onAddRequested: addDialog.open()
        }

        Item {
            SplitView.fillWidth: true
            SplitView.minimumWidth: 360
            ChartPane {
                id: chartPane
                anchors.fill: parent
                market: window.market
                prefs: window.prefs
            }
            DebugOverlay {
                visible: window.prefs.showFrameStats
                anchors.top: parent.top
                anchors.left: parent.left
                anchors.topMargin: 84
                anchors.leftMargin: 12
                frames: Desktop.frames
                market: window.market
            }
        }

        SplitView {
            id: sideSplit
            property alias sideColumn: sideSplit
            SplitView.minimumWidth: 280
            orientation: Qt.Vertical
            handle: Rectangle {
                implicitWidth: 5
                implicitHeight: 5
                color: SplitHandle.pressed ? Theme.accent : SplitHandle.hovered ? Theme.border : Theme.window
            }
            TapePane {
                id: tapePane
                SplitView.minimumHeight: 140
                model: window.market.tape
                symbol: window.market.detailSymbol
            }
            ServerPane {
                SplitView.minimumHeight: 160
                SplitView.fillHeight: true
                server: window.server
                market: window.market
                viewingLocal: Desktop.viewingLocal
                onShareRequested: shareDialog.open()
                onConnectRequested: connectDialog.open()
                onViewLocalRequested: Desktop.viewLocal()
            }
        }
    }
    property alias sideColumn: sideSplit

    footer: StatusBar {
        server: window.server
        market: window.market
        frames: Desktop.frames
        viewingLocal: Desktop.viewingLocal
    }

    SymbolSearch {
        id: search
        watchlist: window.market.watchlist
        directory: window.market.directory
        onChosen: (symbol) => window.selectSymbol(symbol)
    }
    AddSymbolDialog {
        id: addDialog
        watchlist: window.market.watchlist
        onAdded: (symbol) => window.selectSymbol(symbol)
    }
    ConnectDialog {
        id: connectDialog
        desktop: Desktop
        prefs: window.prefs
    }
    ShareDialog {
        id: shareDialog
        server: window.server
        clipboard: Desktop.clipboard
    }
}
