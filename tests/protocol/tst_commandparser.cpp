#include "protocol/CommandParser.h"

#include <QTest>

using namespace tickscope;

Q_DECLARE_METATYPE(tickscope::ErrorCode)

class tst_CommandParser : public QObject
{
    Q_OBJECT
private slots:
    void rejects_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        const auto add = [](const char *name, const char *frame, ErrorCode code, const char *part) {
            QTest::newRow(name) << QByteArray(frame) << code << QString::fromUtf8(part);
        };
        add("not json", "{op:", ErrorCode::BadRequest, "not valid JSON");
        add("array", "[1,2]", ErrorCode::BadRequest, "JSON object");
        add("no op", "{\"id\":1}", ErrorCode::BadRequest, "op is required");
        add("op not string", "{\"op\":5}", ErrorCode::BadRequest, "op is required");
        add("unknown op", "{\"op\":\"dance\",\"id\":1}", ErrorCode::UnknownOp, "dance");
        add("float id", "{\"op\":\"ping\",\"id\":1.5}", ErrorCode::BadRequest, "id");
        add("id 1.0", "{\"op\":\"ping\",\"id\":1.0}", ErrorCode::BadRequest, "id");
        add("string id", "{\"op\":\"ping\",\"id\":\"1\"}", ErrorCode::BadRequest, "id");
        add("subscribe no symbols", "{\"op\":\"subscribe\"}", ErrorCode::BadRequest, "symbols");
        add("subscribe empty", "{\"op\":\"subscribe\",\"symbols\":[]}", ErrorCode::BadRequest,
            "at least one");
        add("subscribe not strings", "{\"op\":\"subscribe\",\"symbols\":[1]}",
            ErrorCode::BadRequest, "array of strings");
        add("subscribe invalid", "{\"op\":\"subscribe\",\"symbols\":[\"OK\",\"bad sym\"]}",
            ErrorCode::InvalidSymbol, "bad sym");
        add("since not object", "{\"op\":\"subscribe\",\"symbols\":[\"A\"],\"since\":1}",
            ErrorCode::BadRequest, "since");
        add("since no epoch", "{\"op\":\"subscribe\",\"symbols\":[\"A\"],\"since\":{\"seq\":{}}}",
            ErrorCode::BadRequest, "since.epoch");
        add("since negative",
            "{\"op\":\"subscribe\",\"symbols\":[\"A\"],\"since\":{\"epoch\":\"e\",\"seq\":{\"A\":-1}}}",
            ErrorCode::BadRequest, "since.seq.A");
        add("since fraction",
            "{\"op\":\"subscribe\",\"symbols\":[\"A\"],\"since\":{\"epoch\":\"e\",\"seq\":{\"A\":1.5}}}",
            ErrorCode::BadRequest, "since.seq.A");
        add("history no symbol", "{\"op\":\"history\"}", ErrorCode::BadRequest, "symbol");
        add("history bad symbol", "{\"op\":\"history\",\"symbol\":\"-x\"}",
            ErrorCode::InvalidSymbol, "-x");
        add("history from 0", "{\"op\":\"history\",\"symbol\":\"A\",\"from\":0}",
            ErrorCode::BadRequest, "from");
        add("history limit 1001", "{\"op\":\"history\",\"symbol\":\"A\",\"limit\":1001}",
            ErrorCode::BadRequest, "limit");
        add("history limit 0", "{\"op\":\"history\",\"symbol\":\"A\",\"limit\":0}",
            ErrorCode::BadRequest, "limit");
        add("publish no ticks", "{\"op\":\"publish\"}", ErrorCode::BadRequest, "ticks");
        add("publish empty", "{\"op\":\"publish\",\"ticks\":[]}", ErrorCode::BadRequest,
            "at least one");
        add("publish no price", "{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\"}]}",
            ErrorCode::BadRequest, "ticks[0].p");
        add("publish string price", "{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\",\"p\":\"1\"}]}",
            ErrorCode::BadRequest, "ticks[0].p");
        add("publish negative size",
            "{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\",\"p\":1,\"v\":-1}]}",
            ErrorCode::BadRequest, "ticks[0].v");
        add("publish fractional t",
            "{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\",\"p\":1,\"t\":1.5}]}",
            ErrorCode::BadRequest, "ticks[0].t");
        add("publish t 2^53",
            "{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\",\"p\":1,\"t\":9007199254740992}]}",
            ErrorCode::BadRequest, "ticks[0].t");
        add("publish negative t", "{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\",\"p\":1,\"t\":-1}]}",
            ErrorCode::BadRequest, "ticks[0].t");
        add("publish exponent t",
            "{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\",\"p\":1,\"t\":1e3}]}",
            ErrorCode::BadRequest, "ticks[0].t");
        add("publish bad second symbol",
            "{\"op\":\"publish\",\"ticks\":[{\"s\":\"A\",\"p\":1},{\"s\":\"*\",\"p\":1}]}",
            ErrorCode::InvalidSymbol, "ticks[1]");
        add("refresh no token", "{\"op\":\"refresh\"}", ErrorCode::BadRequest, "token");
    }
    void rejects()
    {
        QFETCH(QByteArray, frame);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        const auto result = CommandParser::parse(frame);
        QVERIFY(!result.ok());
        QCOMPARE(errorCodeName(result.error.code), errorCodeName(code));
        QVERIFY2(result.error.message.contains(messagePart), qPrintable(result.error.message));
    }

    void tooManySymbols()
    {
        QByteArray frame = "{\"op\":\"subscribe\",\"symbols\":[";
        for (int i = 0; i < 257; ++i)
            frame += (i ? ",\"S" : "\"S") + QByteArray::number(i) + '"';
        frame += "]}";
        const auto result = CommandParser::parse(frame);
        QVERIFY(!result.ok());
        QCOMPARE(result.error.code, ErrorCode::TooManySymbols);
    }

    void echoesIdOnError()
    {
        const auto result = CommandParser::parse("{\"op\":\"nope\",\"id\":42}");
        QVERIFY(!result.ok());
        QCOMPARE(result.id, std::optional<qint64>(42));
    }

    void subscribe()
    {
        const auto result = CommandParser::parse(
            "{\"op\":\"subscribe\",\"id\":7,\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"BTC-USD\"],"
            "\"since\":{\"epoch\":\"E1\",\"seq\":{\"BTC-USD\":1041}},\"future\":true}");
        QVERIFY2(result.ok(), qPrintable(result.error.message));
        QCOMPARE(result.command->id, std::optional<qint64>(7));
        const auto &command = std::get<SubscribeCommand>(result.command->body);
        QCOMPARE(command.symbols, QStringList({u"BTC-USD"_qs, u"ETH-USD"_qs}));
        QVERIFY(command.since);
        QCOMPARE(command.since->epoch, u"E1"_qs);
        QCOMPARE(command.since->seq.value(u"BTC-USD"_qs), 1041);
    }

    void historyDefaults()
    {
        const auto result = CommandParser::parse("{\"op\":\"history\",\"symbol\":\"A\"}");
        QVERIFY(result.ok());
        const auto &command = std::get<HistoryCommand>(result.command->body);
        QCOMPARE(command.from, 1);
        QCOMPARE(command.limit, 100);
        QVERIFY(!result.command->id);
    }

    void publish()
    {
        const auto result = CommandParser::parse(
            "{\"op\":\"publish\",\"id\":4,\"ticks\":[{\"s\":\"X\",\"t\":1763790000123456,"
            "\"p\":0.30000000000000004,\"v\":0.25},{\"s\":\"Y\",\"p\":-5}]}");
        QVERIFY2(result.ok(), qPrintable(result.error.message));
        const auto &command = std::get<PublishCommand>(result.command->body);
        QCOMPARE(command.ticks.size(), 2);
        QCOMPARE(command.ticks[0].timeUs, 1763790000123456);
        QCOMPARE(command.ticks[0].price, 0.1 + 0.2);
        QCOMPARE(command.ticks[0].size, 0.25);
        QCOMPARE(command.ticks[1].timeUs, -1);
        QCOMPARE(command.ticks[1].size, 0.0);
    }

    void pingAndRefresh()
    {
        QVERIFY(std::holds_alternative<PingCommand>(
            CommandParser::parse("{\"op\":\"ping\",\"id\":5}").command->body));
        const auto refresh = CommandParser::parse("{\"op\":\"refresh\",\"token\":\"abc\"}");
        QCOMPARE(std::get<RefreshCommand>(refresh.command->body).token, u"abc"_qs);
    }
};

QTEST_GUILESS_MAIN(tst_CommandParser)
#include "tst_commandparser.moc"
