#include "FrameDecoder.h"

#include <QTest>

using tickscope::FrameDecoder;
using tickscope::TickList;

class tst_FrameDecoder : public QObject
{
    Q_OBJECT
private slots:
    void fastPathTicks()
    {
        const QByteArray frame = "{\"op\":\"ticks\",\"ticks\":[{\"s\":\"BTC-USD\",\"q\":1042,"
                                 "\"t\":1763790000123456,\"p\":64123.5,\"v\":0.25},"
                                 "{\"s\":\"BTC-USD\",\"q\":1043,\"t\":1763790000123999,"
                                 "\"p\":1e-7,\"v\":0}]}";
        TickList ticks;
        QVERIFY(FrameDecoder::decodeTicksFast(frame, &ticks));
        QCOMPARE(ticks.size(), 2);
        QCOMPARE(ticks[0].symbol, u"BTC-USD"_qs);
        QCOMPARE(ticks[0].seq, 1042);
        QCOMPARE(ticks[0].timeUs, 1763790000123456);
        QCOMPARE(ticks[0].price, 64123.5);
        QCOMPARE(ticks[0].size, 0.25);
        QCOMPARE(ticks[1].price, 1e-7);
    }

    void fastPathDeclinesTheUnexpected_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::newRow("extra field") << QByteArray("{\"op\":\"ticks\",\"ticks\":[{\"s\":\"A\","
                                                   "\"q\":1,\"t\":2,\"p\":3,\"v\":4,\"x\":5}]}");
        QTest::newRow("spaces") << QByteArray("{\"op\":\"ticks\",\"ticks\":[{\"s\": \"A\","
                                              "\"q\":1,\"t\":2,\"p\":3,\"v\":4}]}");
        QTest::newRow("escape") << QByteArray("{\"op\":\"ticks\",\"ticks\":[{\"s\":\"A\\u0041\","
                                              "\"q\":1,\"t\":2,\"p\":3,\"v\":4}]}");
        QTest::newRow("fractional q") << QByteArray("{\"op\":\"ticks\",\"ticks\":[{\"s\":\"A\","
                                                    "\"q\":1.5,\"t\":2,\"p\":3,\"v\":4}]}");
        QTest::newRow("trailing") << QByteArray("{\"op\":\"ticks\",\"ticks\":[]}x");
        QTest::newRow("other op") << QByteArray("{\"op\":\"hello\"}");
    }
    void fastPathDeclinesTheUnexpected()
    {
        QFETCH(QByteArray, frame);
        TickList ticks;
        QVERIFY(!FrameDecoder::decodeTicksFast(frame, &ticks));
        QVERIFY(ticks.isEmpty());
    }

    void slowPathStillReadsThem()
    {
        // Unknown fields are ignored (forward compatibility), as the protocol asks.
        FrameDecoder::Frame frame;
        QString error;
        QVERIFY(FrameDecoder::decode("{\"op\":\"ticks\",\"ticks\":[{\"s\":\"A\",\"q\":1,\"t\":2,"
                                     "\"p\":3,\"v\":4,\"x\":5}],\"more\":true}",
                                     &frame, &error));
        QCOMPARE(frame.op, FrameDecoder::Op::Ticks);
        QCOMPARE(frame.ticks.size(), 1);
        QCOMPARE(frame.ticks[0].symbol, u"A"_qs);
    }

    void serverMessages()
    {
        FrameDecoder::Frame hello;
        QString error;
        QVERIFY(
            FrameDecoder::decode("{\"op\":\"hello\",\"version\":1,\"server\":\"tickscope/0.1.0\","
                                 "\"epoch\":\"e1\",\"session\":\"s9\",\"heartbeat_ms\":15000}",
                                 &hello, &error));
        QCOMPARE(hello.op, FrameDecoder::Op::Hello);
        QCOMPARE(hello.epoch, u"e1"_qs);
        QCOMPARE(hello.session, u"s9"_qs);
        QCOMPARE(hello.heartbeatMs, 15000);

        FrameDecoder::Frame sub;
        QVERIFY(FrameDecoder::decode("{\"op\":\"subscribed\",\"id\":3,\"epoch\":\"e1\",\"symbols\":"
                                     "{\"BTC-USD\":{\"recovered\":false,\"next\":500}}}",
                                     &sub, &error));
        QCOMPARE(sub.id, 3);
        QCOMPARE(sub.subscribed.size(), 1);
        QCOMPARE(sub.subscribed[0].recovered, false);
        QCOMPARE(sub.subscribed[0].next, 500);

        FrameDecoder::Frame gap;
        QVERIFY(FrameDecoder::decode(
            "{\"op\":\"gap\",\"symbol\":\"ETH-USD\",\"from\":77,\"to\":499}", &gap, &error));
        QCOMPARE(gap.op, FrameDecoder::Op::Gap);
        QCOMPARE(gap.from, 77);
        QCOMPARE(gap.to, 499);

        FrameDecoder::Frame err;
        QVERIFY(FrameDecoder::decode("{\"op\":\"error\",\"id\":1,\"code\":\"rate_limited\","
                                     "\"message\":\"slow down\",\"retry_after_ms\":1200}",
                                     &err, &error));
        QCOMPARE(err.code, u"rate_limited"_qs);
        QCOMPARE(err.retryAfterMs, 1200);

        FrameDecoder::Frame unknown;
        QVERIFY(FrameDecoder::decode("{\"op\":\"future\",\"x\":1}", &unknown, &error));
        QCOMPARE(unknown.op, FrameDecoder::Op::Other);
    }

    void invalidFrames_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::newRow("not json") << QByteArray("nope");
        QTest::newRow("array") << QByteArray("[1]");
        QTest::newRow("no op") << QByteArray("{\"x\":1}");
        QTest::newRow("tick without q")
            << QByteArray("{\"op\":\"ticks\",\"ticks\":[{\"s\":\"A\"}]}");
    }
    void invalidFrames()
    {
        QFETCH(QByteArray, frame);
        FrameDecoder::Frame out;
        QString error;
        QVERIFY(!FrameDecoder::decode(frame, &out, &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_FrameDecoder)
#include "tst_framedecoder.moc"
