#include "protocol/ServerMessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tickscope;

namespace {
QJsonObject parse(const QByteArray &frame)
{
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(frame, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "invalid JSON" << frame;
    return doc.object();
}
} // namespace

class tst_ServerMessage : public QObject
{
    Q_OBJECT
private slots:
    void hello()
    {
        const auto o = parse(ServerMessage::hello(u"1.2.3"_qs, u"E"_qs, u"S"_qs, 15000));
        QCOMPARE(o.value(u"op").toString(), u"hello"_qs);
        QCOMPARE(o.value(u"version").toInt(), 1);
        QCOMPARE(o.value(u"server").toString(), u"tickscope/1.2.3"_qs);
        QCOMPARE(o.value(u"epoch").toString(), u"E"_qs);
        QCOMPARE(o.value(u"heartbeat_ms").toInt(), 15000);
    }
    void subscribed()
    {
        const auto o = parse(ServerMessage::subscribed(
            1, u"E"_qs, {{u"BTC-USD"_qs, true, 1042}, {u"ETH-USD"_qs, false, 500}}));
        QCOMPARE(o.value(u"id").toInt(), 1);
        const auto symbols = o.value(u"symbols").toObject();
        QCOMPARE(symbols.value(u"BTC-USD").toObject().value(u"recovered").toBool(), true);
        QCOMPARE(symbols.value(u"ETH-USD").toObject().value(u"next").toInt(), 500);
    }
    void errorWithRetry()
    {
        const auto o = parse(
            ServerMessage::error(3, ErrorCode::Unavailable, u"store \"down\""_qs, 1200));
        QCOMPARE(o.value(u"code").toString(), u"unavailable"_qs);
        QCOMPARE(o.value(u"message").toString(), u"store \"down\""_qs);
        QCOMPARE(o.value(u"retry_after_ms").toInt(), 1200);
        const auto noId = parse(ServerMessage::error(std::nullopt, ErrorCode::BadRequest, {}));
        QVERIFY(!noId.contains(u"id"));
        QVERIFY(!noId.contains(u"retry_after_ms"));
    }
    void historyAndTicks()
    {
        const TickList ticks{{u"A"_qs, 1, 10, 1.5, 0}, {u"A"_qs, 2, 11, 0.1, 2}};
        const auto h = parse(ServerMessage::history(2, u"A"_qs, ticks, std::nullopt));
        QVERIFY(h.value(u"next").isNull());
        QCOMPARE(h.value(u"ticks").toArray().size(), 2);
        const auto t = parse(ServerMessage::ticks(ticks));
        QCOMPARE(t.value(u"op").toString(), u"ticks"_qs);
        QCOMPARE(t.value(u"ticks").toArray().at(1).toObject().value(u"q").toInt(), 2);
    }
    void published()
    {
        const auto o = parse(ServerMessage::published(4, {{u"X"_qs, 3, 9}}));
        QCOMPARE(o.value(u"seq").toObject().value(u"X").toArray(), QJsonArray({3, 9}));
    }
};

QTEST_GUILESS_MAIN(tst_ServerMessage)
#include "tst_servermessage.moc"
