import QtQuick
import QtTest
import Tickscope

TestCase {
    name: "Theme"

    function test_groupThousands_data() {
        return [
            { tag: "small", input: "123.45", output: "123.45" },
            { tag: "thousands", input: "64126.52", output: "64,126.52" },
            { tag: "millions", input: "1234567", output: "1,234,567" },
            { tag: "negative", input: "-9876543.21", output: "-9,876,543.21" },
            { tag: "exact group", input: "100000", output: "100,000" },
        ]
    }
    function test_groupThousands(data) {
        compare(Theme.groupThousands(data.input), data.output)
    }

    function test_price() {
        compare(Theme.price(64123.5, 2), "64,123.50")
        compare(Theme.price(1.0851234, 5), "1.08512")
        compare(Theme.price(NaN, 2), "—")
    }

    function test_signed() {
        compare(Theme.signed(1.234, 2), "+1.23")
        compare(Theme.signed(-0.5, 2), "−0.50")
        compare(Theme.signed(0, 2), "0.00")
    }

    function test_rate() {
        compare(Theme.rate(0), "0")
        compare(Theme.rate(4.25), "4.3")
        compare(Theme.rate(999), "999")
        compare(Theme.rate(1500), "1.5k")
        compare(Theme.rate(100000), "100k")
    }

    function test_changeColorAndThemes() {
        Theme.dark = true
        const darkPanel = String(Theme.panel)
        compare(Theme.changeColor(1), Theme.up)
        compare(Theme.changeColor(-1), Theme.down)
        compare(Theme.changeColor(0), Theme.textDim)
        Theme.dark = false
        verify(String(Theme.panel) !== darkPanel)
        Theme.dark = true
    }
}
