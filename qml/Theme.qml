pragma Singleton
import QtQuick

// Colours, fonts and sizes of the desktop, in a dark and a light variant. Main.qml binds
// `dark` to the user's preference.
QtObject {
    property bool dark: true

    readonly property color window: dark ? "#0f1216" : "#e9edf2"
    readonly property color panel: dark ? "#161a20" : "#ffffff"
    readonly property color panelAlt: dark ? "#1b2028" : "#f5f7fa"
    readonly property color header: dark ? "#1d232c" : "#f0f3f7"
    readonly property color border: dark ? "#2a313c" : "#d3d9e1"
    readonly property color grid: dark ? "#232a33" : "#e6eaef"
    readonly property color text: dark ? "#dde3ec" : "#1c2330"
    readonly property color textDim: dark ? "#8793a5" : "#5f6b7c"
    readonly property color textFaint: dark ? "#5c6778" : "#98a2b3"
    readonly property color accent: dark ? "#4d9dff" : "#1f6feb"
    readonly property color accentSoft: dark ? "#1d3553" : "#dbe8fd"
    readonly property color selection: dark ? "#22324a" : "#dce9fb"
    readonly property color up: dark ? "#26b07f" : "#118a5c"
    readonly property color down: dark ? "#f0555b" : "#cf2f36"
    readonly property color upSoft: dark ? "#163b2f" : "#dcf3e9"
    readonly property color downSoft: dark ? "#45202a" : "#fbe2e3"
    readonly property color warning: dark ? "#e8a93a" : "#b26b00"
    readonly property color warningSoft: dark ? "#3d3117" : "#fdf0d5"
    readonly property color error: dark ? "#f0555b" : "#cf2f36"
    readonly property color ok: up
    readonly property color chartLine: dark ? "#4d9dff" : "#1f6feb"
    readonly property color crosshair: dark ? "#8793a5" : "#5f6b7c"

    readonly property string uiFont: "DejaVu Sans"
    readonly property string monoFont: "DejaVu Sans Mono"
    readonly property int fontSize: 12
    readonly property int smallFontSize: 11
    readonly property int titleFontSize: 13
    readonly property int rowHeight: 28
    readonly property int headerHeight: 32
    readonly property int spacing: 8

    function changeColor(value) {
        return value > 0 ? up : (value < 0 ? down : textDim)
    }
    function signed(value, decimals) {
        const text = Math.abs(value).toFixed(decimals)
        return (value > 0 ? "+" : (value < 0 ? "−" : "")) + text
    }
    function groupThousands(text) {
        const dot = text.indexOf(".")
        const whole = dot < 0 ? text : text.substring(0, dot)
        const rest = dot < 0 ? "" : text.substring(dot)
        const sign = whole.startsWith("-") ? "-" : ""
        const digits = sign ? whole.substring(1) : whole
        let out = ""
        for (let i = 0; i < digits.length; ++i) {
            if (i > 0 && (digits.length - i) % 3 === 0)
                out += ","
            out += digits[i]
        }
        return sign + out + rest
    }
    function price(value, decimals) {
        if (value === undefined || isNaN(value))
            return "—"
        return groupThousands(Number(value).toFixed(decimals))
    }
    function rate(value) {
        if (value >= 10000)
            return (value / 1000).toFixed(0) + "k"
        if (value >= 1000)
            return (value / 1000).toFixed(1) + "k"
        return value.toFixed(value < 10 && value > 0 ? 1 : 0)
    }
    function bytes(value) {
        if (value >= 1048576)
            return (value / 1048576).toFixed(1) + " MB"
        if (value >= 1024)
            return (value / 1024).toFixed(0) + " kB"
        return value.toFixed(0) + " B"
    }
}
