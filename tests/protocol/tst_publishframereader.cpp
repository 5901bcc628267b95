// PublishFrameReader takes the usual publish frames and declines the rest; whatever it
// takes must be read exactly as CommandParser's general path (parseTree) reads it.
#include "protocol/CommandParser.h"
#include "protocol/PublishFrameReader.h"

#include <QTest>
#include <cmath>

using namespace tickscope;

class tst_PublishFrameReader : public QObject
{
    Q_OBJECT

    static void compareWithTree(const QString &frame, const CommandParser::Result &fast)
    {
        const CommandParser::Result tree = CommandParser::parseTree(frame);
        QVERIFY2(tree.ok(), qPrintable(tree.error.message));
        QCOMPARE(fast.id, tree.id);
        QCOMPARE(fast.command->id, tree.command->id);
        const auto &a = std::get<PublishCommand>(fast.command->body).ticks;
        const auto &b = std::get<PublishCommand>(tree.command->body).ticks;
        QCOMPARE(a, b);
        for (qsizetype i = 0; i < a.size(); ++i) {
            QCOMPARE(std::signbit(a.at(i).price), std::signbit(b.at(i).price));
            QCOMPARE(std::signbit(a.at(i).size), std::signbit(b.at(i).size));
        }
    }

private slots:
    void takes_data()
    {
        QTest::addColumn<QString>("frame");
        QTest::addColumn<int>("ticks");
        QTest::newRow("usual")
            << uR"({"op":"publish","id":4,"ticks":[{"s":"BTC-USD","t":1763790000123456,"p":64123.5,"v":0.25}]})"_qs
            << 1;
        QTest::newRow("no id, no t, no v")
            << uR"({"op":"publish","ticks":[{"s":"A","p":1}]})"_qs << 1;
        QTest::newRow("keys in any order")
            << uR"({"ticks":[{"v":2,"p":-1e-7,"s":"X.Y:Z/1_2-3","t":0}],"id":-9,"op":"publish"})"_qs
            << 1;
        QTest::newRow("whitespace")
            << u" {\n\"op\" :\t\"publish\" ,\r\n \"ticks\" : [ { \"s\" : \"A\" , \"p\" : 5e-324 } , {\"s\":\"B\",\"p\":1.7976931348623157e308} ] } \n"_qs
            << 2;
        QTest::newRow("negative zeros")
            << uR"({"op":"publish","ticks":[{"s":"A","p":-0,"v":-0.0},{"s":"A","p":-0.0,"v":0}]})"_qs
            << 2;
        QTest::newRow("largest t")
            << uR"({"op":"publish","ticks":[{"s":"A","p":1,"t":9007199254740991}]})"_qs << 1;
        QTest::newRow("integer price beyond 2^53")
            << uR"({"op":"publish","ticks":[{"s":"A","p":9007199254740993}]})"_qs << 1;
        QTest::newRow("longest symbol")
            << uR"({"op":"publish","ticks":[{"s":"A1234567890123456789012345678901","p":1}]})"_qs
            << 1;
        QString many = u"{\"op\":\"publish\",\"id\":1,\"ticks\":["_qs;
        for (int i = 0; i < 500; ++i)
            many += u"%1{\"s\":\"S%2\",\"t\":%3,\"p\":%4,\"v\":%5}"_qs.arg(i ? u"," : u"")
                        .arg(i % 20)
                        .arg(1763790000000000LL + i)
                        .arg(100.0 + i / 3.0, 0, 'g', 17)
                        .arg(i);
        QTest::newRow("500 ticks") << many + u"]}"_qs << 500;
        QTest::newRow("symbols that are prefixes of each other")
            << uR"({"op":"publish","ticks":[{"s":"AB","p":1},{"s":"A","p":2},{"s":"ABC","p":3},{"s":"A","p":4},{"s":"AB","p":5}]})"_qs
            << 5;
    }

    // A frame's ticks of one symbol share one string: checked and allocated once per frame.
    void ticksOfOneSymbolShareItsText()
    {
        const QString frame =
            uR"({"op":"publish","ticks":[{"s":"A","p":1},{"s":"B","p":2},{"s":"A","p":3}]})"_qs;
        const auto fast = PublishFrameReader::read(frame);
        QVERIFY(fast.has_value() && fast->ok());
        const TickList &ticks = std::get<PublishCommand>(fast->command->body).ticks;
        QCOMPARE(ticks.at(0).symbol, u"A"_qs);
        QCOMPARE(ticks.at(1).symbol, u"B"_qs);
        QVERIFY(ticks.at(0).symbol.isSharedWith(ticks.at(2).symbol));
        QVERIFY(!ticks.at(0).symbol.isSharedWith(ticks.at(1).symbol));
    }
    void takes()
    {
        QFETCH(QString, frame);
        QFETCH(int, ticks);
        const auto fast = PublishFrameReader::read(frame);
        QVERIFY(fast.has_value());
        QVERIFY(fast->ok());
        QCOMPARE(std::get<PublishCommand>(fast->command->body).ticks.size(), ticks);
        compareWithTree(frame, *fast);
        // The parser's entry point gives the same.
        const CommandParser::Result viaParse = CommandParser::parse(QStringView(frame));
        QCOMPARE(std::get<PublishCommand>(viaParse.command->body).ticks,
                 std::get<PublishCommand>(fast->command->body).ticks);
    }

    // Declined frames go to the general path, which accepts some and words the error of others.
    void declines_data()
    {
        QTest::addColumn<QString>("frame");
        QTest::addColumn<bool>("treeAccepts");
        const auto add = [](const char *name, const char16_t *frame, bool treeAccepts) {
            QTest::newRow(name) << QString::fromUtf16(frame) << treeAccepts;
        };
        add("another op", uR"({"op":"ping","id":1})", true);
        add("escape in a symbol", uR"({"op":"publish","ticks":[{"s":"A\u0042","p":1}]})", true);
        add("escape in op", uR"({"op":"\u0070ublish","ticks":[{"s":"A","p":1}]})", true);
        add("unknown key in a tick", uR"({"op":"publish","ticks":[{"s":"A","p":1,"x":[1]}]})",
            true);
        add("unknown key in the frame", uR"({"op":"publish","ticks":[{"s":"A","p":1}],"z":0})",
            true);
        add("repeated key in a tick", uR"({"op":"publish","ticks":[{"s":"A","p":1,"p":2}]})", true);
        add("repeated op", uR"({"op":"publish","op":"publish","ticks":[{"s":"A","p":1}]})", true);
        add("no ticks", uR"({"op":"publish"})", false);
        add("empty ticks", uR"({"op":"publish","ticks":[]})", false);
        add("no op", uR"({"ticks":[{"s":"A","p":1}]})", false);
        add("no price", uR"({"op":"publish","ticks":[{"s":"A"}]})", false);
        add("string price", uR"({"op":"publish","ticks":[{"s":"A","p":"1"}]})", false);
        add("invalid symbol", uR"({"op":"publish","ticks":[{"s":"-A","p":1}]})", false);
        add("invalid symbol after valid ones",
            uR"({"op":"publish","ticks":[{"s":"A","p":1},{"s":"A","p":2},{"s":"A-","p":3},{"s":"-A","p":4}]})",
            false);
        add("symbol too long",
            uR"({"op":"publish","ticks":[{"s":"A12345678901234567890123456789012","p":1}]})",
            false);
        add("negative size", uR"({"op":"publish","ticks":[{"s":"A","p":1,"v":-1}]})", false);
        add("fractional t", uR"({"op":"publish","ticks":[{"s":"A","p":1,"t":1.5}]})", false);
        add("t 2^53", uR"({"op":"publish","ticks":[{"s":"A","p":1,"t":9007199254740992}]})", false);
        add("negative t", uR"({"op":"publish","ticks":[{"s":"A","p":1,"t":-1}]})", false);
        add("price overflow", uR"({"op":"publish","ticks":[{"s":"A","p":1e999}]})", false);
        add("float id", uR"({"op":"publish","id":1.0,"ticks":[{"s":"A","p":1}]})", false);
        add("leading zero", uR"({"op":"publish","ticks":[{"s":"A","p":01}]})", false);
        add("trailing comma", uR"({"op":"publish","ticks":[{"s":"A","p":1},]})", false);
        add("trailing data", uR"({"op":"publish","ticks":[{"s":"A","p":1}]} x)", false);
        add("cut short", uR"({"op":"publish","ticks":[{"s":"A","p":1})", false);
        add("control character", u"{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\u0001\",\"p\":1}]}",
            false);
    }
    void declines()
    {
        QFETCH(QString, frame);
        QFETCH(bool, treeAccepts);
        QVERIFY(!PublishFrameReader::read(frame).has_value());
        const CommandParser::Result viaParse = CommandParser::parse(QStringView(frame));
        const CommandParser::Result tree = CommandParser::parseTree(frame);
        QCOMPARE(viaParse.ok(), treeAccepts);
        QCOMPARE(tree.ok(), treeAccepts);
        QCOMPARE(viaParse.error.message, tree.error.message);
        if (!treeAccepts)
            QVERIFY(!viaParse.error.message.isEmpty());
    }
};

QTEST_APPLESS_MAIN(tst_PublishFrameReader)
#include "tst_publishframereader.moc"
