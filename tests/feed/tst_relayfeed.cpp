#include "UpstreamFixture.h"
#include "feed/RelayCheckpoint.h"
#include "feed/RelayFeed.h"
#include "protocol/ServerMessage.h"

#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using fixture::UpstreamFixture;
using fixture::UpstreamStore;
using tickscope::RelayCheckpoint;
using tickscope::RelayFeed;
using tickscope::RelayFeedConfig;
using tickscope::Tick;
using tickscope::TickList;

namespace {

constexpr int Patience = 10000; // generous: the machine is shared and noisy
const QString A = u"BTC-USD"_qs;
const QString B = u"EURUSD"_qs;

RelayFeedConfig makeConfig(const QUrl &url)
{
    RelayFeedConfig config;
    config.url = url;
    config.token = u"tok.en.sig"_qs;
    config.symbols = {A, B};
    config.retry.backoff = {20, 100};
    config.retry.breaker = {1000, 100, 1};
    config.retry.attemptTimeoutMs = 5000;
    config.authRetryMs = 50;
    config.drainIntervalMs = 5;
    return config;
}

// What the relay should emit for stored ticks: the same s, t, p, v, without q.
TickList stripped(const TickList &ticks)
{
    TickList out;
    for (Tick tick : ticks) {
        tick.seq = 0;
        out.append(tick);
    }
    return out;
}

// Collects what a feed emits.
struct Sink
{
    TickList ticks;
    int batches = 0;
    explicit Sink(RelayFeed *feed)
    {
        QObject::connect(feed, &RelayFeed::ticks, feed, [this](const TickList &batch) {
            ticks += batch;
            ++batches;
        });
    }
};

bool anyContains(const QSignalSpy &spy, const QString &text)
{
    for (const QList<QVariant> &call : spy) {
        if (call.at(0).toString().contains(text))
            return true;
    }
    return false;
}

// Prices that need all 17 digits, tiny and huge values, integers: must come out exact.
const QList<double> trickyPrices = {
    64123.5,   0.1,  3.141592653589793, 1e-7, 123456789.0, 0.30000000000000004, 2.5e15,
    1.0 / 3.0, 42.0, 7.0e-300};

} // namespace

class tst_RelayFeed : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<TickList>(); }

    void validate_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QStringList>("symbols");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("error"); // a fragment; empty when valid
        const QStringList ok{A, B};
        QTest::newRow("valid") << u"ws://127.0.0.1:8765/v1/stream"_qs << ok << u"t"_qs << QString();
        QTest::newRow("wss") << u"wss://example.com/v1/stream"_qs << ok << QString() << QString();
        QTest::newRow("http") << u"http://example.com/v1/stream"_qs << ok << QString()
                              << u"ws:// or wss://"_qs;
        QTest::newRow("no host") << u"ws:///v1/stream"_qs << ok << QString() << u"host"_qs;
        QTest::newRow("no symbols")
            << u"ws://h/v1/stream"_qs << QStringList() << QString() << u"empty"_qs;
        QTest::newRow("bad symbol")
            << u"ws://h/v1/stream"_qs << QStringList{u"A B"_qs} << QString() << u"\"A B\""_qs;
        QTest::newRow("twice") << u"ws://h/v1/stream"_qs << QStringList{A, A} << QString()
                               << u"twice"_qs;
        QTest::newRow("token with newline")
            << u"ws://h/v1/stream"_qs << ok << u"abc\r\nX-Evil: 1"_qs << u"token"_qs;
    }
    void validate()
    {
        QFETCH(QString, url);
        QFETCH(QStringList, symbols);
        QFETCH(QString, token);
        QFETCH(QString, error);
        RelayFeedConfig config;
        config.url = QUrl(url);
        config.symbols = symbols;
        config.token = token;
        const QString message = config.validate();
        if (error.isEmpty())
            QVERIFY2(message.isEmpty(), qPrintable(message));
        else
            QVERIFY2(message.contains(error), qPrintable(message));
        if (!token.isEmpty())
            QVERIFY(!message.contains(token));
    }

    void describeHidesCredentials()
    {
        RelayFeedConfig config =
            makeConfig(QUrl(u"ws://user:pw@127.0.0.1:1/v1/stream?access_token=secret"_qs));
        config.token = u"sekrit"_qs;
        RelayFeed relay(config);
        QCOMPARE(relay.describe(), u"relay ws://127.0.0.1:1/v1/stream"_qs);
        QCOMPARE(relay.checkpoint().upstream, u"ws://127.0.0.1:1/v1/stream"_qs);
    }

    void relaysTicksInOrder()
    {
        UpstreamStore store;
        for (int i = 0; i < 5; ++i)
            store.append(A, 64000 + i, 0.5);
        UpstreamFixture upstream(&store);
        QVERIFY(upstream.isListening());
        RelayFeed relay(makeConfig(upstream.url()));
        Sink sink(&relay);
        QSignalSpy health(&relay, &RelayFeed::healthChanged);
        QVERIFY(!relay.healthy());
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        QVERIFY(relay.healthy());
        QCOMPARE(health.count(), 1);
        QCOMPARE(upstream.authorizations, QList<QByteArray>{"Bearer tok.en.sig"});
        QCOMPARE(upstream.subscribes.size(), 1);
        // The first contact is live: no since.
        QVERIFY(!upstream.subscribes.at(0).since.has_value());
        QCOMPARE(upstream.subscribes.at(0).symbols, (QStringList{A, B}));
        QCOMPARE(relay.upstreamEpoch(), u"E1"_qs);
        QCOMPARE(relay.positions().value(A), 5);
        QCOMPARE(relay.positions().value(B), 0);

        TickList published;
        for (int i = 0; i < 3; ++i) {
            QList<std::pair<QString, double>> frame;
            for (const double price : trickyPrices)
                frame.append({i % 2 ? A : B, price * (i + 1)});
            published += upstream.publish(frame, 0.1 * (i + 1));
        }
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), published.size(), Patience);
        QCOMPARE(sink.ticks, stripped(published));
        QCOMPARE(relay.positions().value(A), store.newest(A));
        QCOMPARE(relay.positions().value(B), store.newest(B));

        // A frame that repeats ticks already relayed: only the new ones go on.
        TickList again = store.range(A, store.newest(A) - 4, store.newest(A));
        const Tick fresh = store.append(A, 1.5, 2);
        again.append(fresh);
        upstream.sendTicks(again);
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), published.size() + 1, Patience);
        QCOMPARE(sink.ticks.constLast(), stripped({fresh}).constFirst());
        QCOMPARE(relay.duplicateTicks(), 5);
        QCOMPARE(relay.lostTicks(), 0);
        QCOMPARE(relay.relayedTicks(), sink.ticks.size());

        relay.stop();
        QVERIFY(!relay.healthy());
        QTRY_COMPARE_WITH_TIMEOUT(upstream.connectedClients(), 0, Patience);
    }

    // The upstream goes down and comes back on the same port: the relay reconnects by
    // itself, resumes with since, and relays every tick exactly once.
    void resumesAfterUpstreamRestart_data()
    {
        QTest::addColumn<bool>("graceful");
        QTest::newRow("close 1001") << true;
        QTest::newRow("connection cut") << false;
    }
    void resumesAfterUpstreamRestart()
    {
        QFETCH(bool, graceful);
        UpstreamStore store;
        auto upstream = std::make_unique<UpstreamFixture>(&store);
        const quint16 port = upstream->port();
        RelayFeed relay(makeConfig(upstream->url()));
        Sink sink(&relay);
        QSignalSpy status(&relay, &RelayFeed::statusChanged);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);

        TickList expected;
        for (int i = 0; i < 10; ++i)
            expected += upstream->publish({{A, 100.0 + i}, {B, 1.0 + i / 100.0}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), expected.size(), Patience);
        const auto before = relay.positions();
        QCOMPARE(before.value(A), 10);

        upstream->shutdown(graceful);
        upstream.reset();
        QTRY_VERIFY_WITH_TIMEOUT(!relay.healthy(), Patience);
        if (graceful)
            QVERIFY(anyContains(status, u"1001"_qs));
        // Ticks published upstream while we are away, then a few refused connects.
        for (int i = 0; i < 7; ++i) {
            expected.append(store.append(A, 200.0 + i, 0.25));
            expected.append(store.append(B, 2.0 + i / 100.0, 1000));
        }
        const quint64 attempts = relay.connectAttempts();
        QTRY_VERIFY_WITH_TIMEOUT(relay.connectAttempts() >= attempts + 2, Patience);
        QVERIFY(anyContains(status, u"reconnecting in"_qs));

        upstream = std::make_unique<UpstreamFixture>(&store, port);
        QVERIFY(upstream->isListening());
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        QCOMPARE(upstream->subscribes.size(), 1);
        const auto &since = upstream->subscribes.at(0).since;
        QVERIFY(since.has_value());
        QCOMPARE(since->epoch, u"E1"_qs);
        QCOMPARE(since->seq.value(A), 10);
        QCOMPARE(since->seq.value(B), 10);
        QCOMPARE(since->seq, before);

        for (int i = 0; i < 3; ++i)
            expected += upstream->publish({{B, 3.0 + i}, {A, 300.0 + i}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), expected.size(), Patience);
        // Per symbol the relayed ticks are exactly the stored ones, in order.
        for (const QString &symbol : {A, B}) {
            TickList got;
            for (const Tick &tick : std::as_const(sink.ticks)) {
                if (tick.symbol == symbol)
                    got.append(tick);
            }
            QCOMPARE(got, stripped(store.range(symbol, 1, store.newest(symbol))));
        }
        QCOMPARE(relay.duplicateTicks(), 0);
        QCOMPARE(relay.lostTicks(), 0);
        QVERIFY(relay.healthy());
    }

    // A new epoch is a new history: the relay starts over and takes all it retains.
    void epochChangeResets()
    {
        UpstreamStore store;
        auto upstream = std::make_unique<UpstreamFixture>(&store);
        const quint16 port = upstream->port();
        RelayFeed relay(makeConfig(upstream->url()));
        Sink sink(&relay);
        QSignalSpy status(&relay, &RelayFeed::statusChanged);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        for (int i = 0; i < 10; ++i)
            upstream->publish({{A, 100.0 + i}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 10, Patience);
        upstream.reset();
        QTRY_VERIFY_WITH_TIMEOUT(!relay.isStreaming(), Patience);

        UpstreamStore wiped;
        wiped.epoch = u"E2"_qs;
        TickList fresh;
        fresh.append(wiped.append(A, 500, 1));
        fresh.append(wiped.append(A, 501, 1));
        fresh.append(wiped.append(B, 1.2, 5000));
        upstream = std::make_unique<UpstreamFixture>(&wiped, port);
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        QCOMPARE(upstream->subscribes.size(), 1);
        const auto &since = upstream->subscribes.at(0).since;
        QVERIFY(since.has_value());
        QCOMPARE(since->epoch, u"E2"_qs);
        QCOMPARE(since->seq.value(A, -1), 0);
        QCOMPARE(since->seq.value(B, -1), 0);
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 13, Patience);
        QCOMPARE(sink.ticks.mid(10), stripped(fresh));
        QVERIFY(anyContains(status, u"epoch changed from E1 to E2"_qs));
        QCOMPARE(relay.upstreamEpoch(), u"E2"_qs);
        QCOMPARE(relay.positions().value(A), 2);
        QCOMPARE(relay.positions().value(B), 1);
    }

    void gapIsReported()
    {
        UpstreamStore store;
        UpstreamFixture upstream(&store);
        RelayFeed relay(makeConfig(upstream.url()));
        Sink sink(&relay);
        QSignalSpy status(&relay, &RelayFeed::statusChanged);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        for (int i = 0; i < 10; ++i)
            upstream.publish({{A, 100.0 + i}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 10, Patience);
        // q 11..20 exist upstream but were never sent: upstream says so.
        for (int i = 0; i < 10; ++i)
            store.append(A, 1, 1);
        upstream.sendToAll(tickscope::ServerMessage::gap(A, 11, 20));
        const TickList after = upstream.publish({{A, 121}, {A, 122}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 12, Patience);
        QCOMPARE(sink.ticks.mid(10), stripped(after));
        QCOMPARE(relay.lostTicks(), 10);
        QVERIFY(anyContains(status, u"gap"_qs));
        QVERIFY(anyContains(status, u"11..20"_qs));
        QCOMPARE(relay.positions().value(A), 22);
        QVERIFY(relay.healthy());
    }

    // Upstream no longer retains what we missed: recovered:false, relay from `next`.
    void unrecoverableIsReported()
    {
        UpstreamStore store;
        auto upstream = std::make_unique<UpstreamFixture>(&store);
        const quint16 port = upstream->port();
        RelayFeed relay(makeConfig(upstream->url()));
        Sink sink(&relay);
        QSignalSpy status(&relay, &RelayFeed::statusChanged);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        for (int i = 0; i < 5; ++i)
            upstream->publish({{A, 100.0 + i}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 5, Patience);
        upstream.reset();
        for (int i = 0; i < 15; ++i)
            store.append(A, 200.0 + i, 1);
        store.oldestRetained[A] = 15; // 6..14 are gone
        upstream = std::make_unique<UpstreamFixture>(&store, port);
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 11, Patience);
        QCOMPARE(upstream->subscribes.at(0).since->seq.value(A), 5);
        QCOMPARE(sink.ticks.mid(5), stripped(store.range(A, 15, 20)));
        QCOMPARE(relay.lostTicks(), 9);
        QVERIFY(anyContains(status, u"could not recover BTC-USD: q 6..14 are lost"_qs));
        QCOMPARE(relay.positions().value(A), 20);
    }

    // While the local writer is full the relay buffers up to its cap, then lets upstream
    // keep the rest and fetches it later with since.
    void backPressure()
    {
        UpstreamStore store;
        UpstreamFixture upstream(&store);
        RelayFeedConfig config = makeConfig(upstream.url());
        config.maxBufferedTicks = 10;
        RelayFeed relay(config);
        Sink sink(&relay);
        bool accepting = false;
        relay.setAccepting([&] { return accepting; });
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);

        QList<std::pair<QString, double>> five;
        for (int i = 0; i < 5; ++i)
            five.append({A, 10.0 + i});
        upstream.publish(five);
        QTRY_COMPARE_WITH_TIMEOUT(relay.bufferedTicks(), 5, Patience);
        QCOMPARE(sink.ticks.size(), 0);

        // Ten more in one frame would overflow the buffer: the relay lets go of upstream.
        QList<std::pair<QString, double>> ten;
        for (int i = 0; i < 10; ++i)
            ten.append({A, 20.0 + i});
        upstream.publish(ten);
        QTRY_COMPARE_WITH_TIMEOUT(upstream.connectedClients(), 0, Patience);
        QVERIFY(relay.status().contains(u"holding back"_qs));
        QCOMPARE(relay.bufferedTicks(), 5);
        QCOMPARE(sink.ticks.size(), 0);
        QCOMPARE(relay.positions().value(A), 0); // nothing handed on yet

        accepting = true;
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 15, Patience);
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        QCOMPARE(upstream.subscribes.size(), 2);
        QCOMPARE(upstream.subscribes.at(1).since->seq.value(A), 5);
        const TickList more = upstream.publish({{A, 99}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 16, Patience);
        QCOMPARE(sink.ticks, stripped(store.range(A, 1, 16)));
        QCOMPARE(relay.duplicateTicks(), 0);

        // pause()/resume() hold back the same way.
        relay.pause();
        upstream.publish({{A, 100}});
        QTRY_COMPARE_WITH_TIMEOUT(relay.bufferedTicks(), 1, Patience);
        QCOMPARE(sink.ticks.size(), 16);
        relay.resume();
        QCOMPARE(sink.ticks.size(), 17);
    }

    void refusedToken_data()
    {
        QTest::addColumn<bool>("handshake");
        QTest::addColumn<int>("closeCode");
        QTest::addColumn<QString>("reason");
        QTest::newRow("HTTP 403") << true << 0 << u"HTTP 403"_qs;
        QTest::newRow("close 4001") << false << 4001 << u"4001"_qs;
        QTest::newRow("close 4003") << false << 4003 << u"4003"_qs;
    }
    void refusedToken()
    {
        QFETCH(bool, handshake);
        QFETCH(int, closeCode);
        QFETCH(QString, reason);
        UpstreamStore store;
        UpstreamFixture upstream(&store);
        upstream.refuseHandshake = handshake;
        upstream.closeAfterHello = closeCode;
        RelayFeed relay(makeConfig(upstream.url()));
        QSignalSpy status(&relay, &RelayFeed::statusChanged);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(anyContains(status, reason), Patience);
        QVERIFY(!relay.healthy());
        QVERIFY(anyContains(status, u"retrying in 50 ms"_qs));
        // It keeps trying, slowly.
        const quint64 attempts = relay.connectAttempts();
        QTRY_VERIFY_WITH_TIMEOUT(relay.connectAttempts() >= attempts + 2, Patience);
        QVERIFY(!relay.healthy());
        QVERIFY(!anyContains(status, u"tok.en.sig"_qs));
        // The token is accepted again (refreshed upstream): the relay recovers by itself.
        upstream.refuseHandshake = false;
        upstream.closeAfterHello = 0;
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        QVERIFY(relay.healthy());
        // A new token from a config reload is used from the next connection on.
        relay.setToken(u"new.to.ken"_qs);
        upstream.closeAfterHello = closeCode ? closeCode : 4001;
        const int connections = upstream.connections;
        upstream.shutdownClients();
        QTRY_VERIFY_WITH_TIMEOUT(upstream.connections > connections, Patience);
        QCOMPARE(upstream.authorizations.constLast(), QByteArray("Bearer new.to.ken"));
    }

    void unreachableUpstreamRetriesWithBackoff()
    {
        quint16 port = 0;
        {
            UpstreamStore store;
            UpstreamFixture probe(&store);
            port = probe.port(); // free now
        }
        RelayFeed relay(makeConfig(QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(port))));
        QSignalSpy status(&relay, &RelayFeed::statusChanged);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.connectAttempts() >= 3, Patience);
        QVERIFY(!relay.healthy());
        QVERIFY2(anyContains(status, u"cannot connect to upstream"_qs),
                 qPrintable(status.constLast().at(0).toString()));
        relay.stop();
        const quint64 attempts = relay.connectAttempts();
        QTest::qWait(150);
        QCOMPARE(relay.connectAttempts(), attempts);
        QCOMPARE(relay.status(), u"relay stopped"_qs);
    }

    // An upstream that accepts the connection but never answers: each attempt times out.
    void silentUpstreamTimesOut()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        RelayFeedConfig config =
            makeConfig(QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(silent.serverPort())));
        config.retry.attemptTimeoutMs = 100;
        RelayFeed relay(config);
        QSignalSpy status(&relay, &RelayFeed::statusChanged);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.connectAttempts() >= 3, Patience);
        QVERIFY(anyContains(status, u"timed out after 100 ms"_qs));
        QVERIFY(!relay.healthy());
    }

    // With acknowledgements the position only moves with durable batches; a refused batch
    // is fetched again from upstream.
    void acknowledgements()
    {
        UpstreamStore store;
        UpstreamFixture upstream(&store);
        RelayFeedConfig config = makeConfig(upstream.url());
        config.awaitAcknowledgements = true;
        RelayFeed relay(config);
        Sink sink(&relay);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        QCOMPARE(relay.positions().value(A, -1), 0);

        upstream.publish({{A, 1}, {A, 2}, {A, 3}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.batches, 1, Patience);
        QCOMPARE(relay.positions().value(A), 0);
        relay.acknowledge(true);
        QCOMPARE(relay.positions().value(A), 3);
        QCOMPARE(relay.checkpoint().positions.value(A), 3);

        upstream.publish({{A, 4}, {A, 5}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.batches, 2, Patience);
        relay.acknowledge(false); // the store refused 4 and 5
        QCOMPARE(relay.positions().value(A), 3);
        QTRY_COMPARE_WITH_TIMEOUT(upstream.subscribes.size(), 2, Patience);
        QCOMPARE(upstream.subscribes.at(1).since->seq.value(A), 3);
        QTRY_COMPARE_WITH_TIMEOUT(sink.batches, 3, Patience);
        QCOMPARE(sink.ticks.mid(5), stripped(store.range(A, 4, 5)));
        relay.acknowledge(true);
        QCOMPARE(relay.positions().value(A), 5);
    }

    // The server refuses a batch from inside the ticks() slot (submit() returned false):
    // the relay fetches it again, and what the server kept is every tick exactly once.
    void refusedInsideTheSlot()
    {
        UpstreamStore store;
        UpstreamFixture upstream(&store);
        RelayFeedConfig config = makeConfig(upstream.url());
        config.awaitAcknowledgements = true;
        RelayFeed relay(config);
        TickList kept;
        int refusals = 1;
        QObject::connect(&relay, &RelayFeed::ticks, &relay, [&](const TickList &batch) {
            if (refusals > 0) {
                --refusals;
                relay.acknowledge(false);
                return;
            }
            kept += batch;
            relay.acknowledge(true);
        });
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        upstream.publish({{A, 1}, {B, 2}, {A, 3}});
        QTRY_COMPARE_WITH_TIMEOUT(kept.size(), 3, Patience);
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        upstream.publish({{A, 4}});
        QTRY_COMPARE_WITH_TIMEOUT(kept.size(), 4, Patience);
        // A replay comes symbol by symbol; per symbol the order is upstream's.
        for (const QString &symbol : {A, B}) {
            TickList got;
            for (const Tick &tick : std::as_const(kept)) {
                if (tick.symbol == symbol)
                    got.append(tick);
            }
            QCOMPARE(got, stripped(store.range(symbol, 1, store.newest(symbol))));
        }
        QCOMPARE(relay.positions().value(A), 3);
        QCOMPARE(relay.positions().value(B), 1);
    }

    // More symbols than one subscribe may carry: split into commands of at most 256.
    void manySymbols()
    {
        UpstreamStore store;
        UpstreamFixture upstream(&store);
        RelayFeedConfig config = makeConfig(upstream.url());
        config.symbols.clear();
        for (int i = 0; i < 300; ++i)
            config.symbols.append(u"S%1"_qs.arg(i));
        QVERIFY(config.validate().isEmpty());
        RelayFeed relay(config);
        Sink sink(&relay);
        relay.start();
        QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
        QCOMPARE(upstream.subscribes.size(), 2);
        QCOMPARE(upstream.subscribes.at(0).symbols.size(), 256);
        QCOMPARE(upstream.subscribes.at(1).symbols.size(), 44);
        const TickList published = upstream.publish({{u"S0"_qs, 1}, {u"S299"_qs, 2}});
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks, stripped(published), Patience);
    }

    void checkpointRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        RelayCheckpoint file(dir.filePath(u"relay.json"_qs));
        QString error;
        const auto missing = file.load(&error);
        QVERIFY(missing.has_value());
        QVERIFY(missing->isEmpty());

        RelayCheckpoint::Point point;
        point.upstream = u"ws://127.0.0.1:1/v1/stream"_qs;
        point.epoch = u"ep\"och"_qs;
        point.positions = {{A, 1042}, {B, 0}, {u"X:1"_qs, 9007199254740993}};
        QVERIFY2(file.save(point, &error), qPrintable(error));
        const auto loaded = file.load(&error);
        QVERIFY2(loaded.has_value(), qPrintable(error));
        QCOMPARE(*loaded, point);
        QVERIFY(!QFile::exists(dir.filePath(u"relay.json.tmp"_qs)));
    }

    void checkpointRejectsMalformed_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("{nope") << u"not valid JSON"_qs;
        QTest::newRow("array") << QByteArray("[]") << u"object"_qs;
        QTest::newRow("version") << QByteArray("{\"version\":2,\"epoch\":\"E\",\"positions\":{}}")
                                 << u"version"_qs;
        QTest::newRow("epoch") << QByteArray("{\"version\":1,\"epoch\":3,\"positions\":{}}")
                               << u"epoch"_qs;
        QTest::newRow("positions")
            << QByteArray("{\"version\":1,\"epoch\":\"E\",\"positions\":[]}") << u"positions"_qs;
        QTest::newRow("negative") << QByteArray(
                                         "{\"version\":1,\"epoch\":\"E\",\"positions\":{\"A\":-1}}")
                                  << u"positions.A must be an integer >= 0"_qs;
        QTest::newRow("fraction")
            << QByteArray("{\"version\":1,\"epoch\":\"E\",\"positions\":{\"A\":1.5}}")
            << u"positions.A"_qs;
        QTest::newRow("bad symbol")
            << QByteArray("{\"version\":1,\"epoch\":\"E\",\"positions\":{\"a b\":1}}")
            << u"invalid symbol \"a b\""_qs;
    }
    void checkpointRejectsMalformed()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, error);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"relay.json"_qs);
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(content);
        out.close();
        QString message;
        QVERIFY(!RelayCheckpoint(path).load(&message).has_value());
        QVERIFY2(message.contains(error), qPrintable(message));
        QVERIFY2(message.contains(path), qPrintable(message));
    }

    // Our side restarts: a new relay, given the saved checkpoint, resumes with since.
    void resumesFromCheckpointAfterOwnRestart()
    {
        QTemporaryDir dir;
        RelayCheckpoint file(dir.filePath(u"relay.json"_qs));
        UpstreamStore store;
        UpstreamFixture upstream(&store);
        TickList expected;
        {
            RelayFeed relay(makeConfig(upstream.url()));
            Sink sink(&relay);
            relay.start();
            QTRY_VERIFY_WITH_TIMEOUT(relay.isStreaming(), Patience);
            for (int i = 0; i < 8; ++i)
                expected += upstream.publish({{A, 10.0 + i}});
            QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 8, Patience);
            QVERIFY(file.save(relay.checkpoint()));
        }
        for (int i = 0; i < 4; ++i)
            store.append(A, 50.0 + i, 1);
        const auto point = file.load();
        QVERIFY(point.has_value());
        QCOMPARE(point->epoch, u"E1"_qs);
        QCOMPARE(point->positions.value(A), 8);

        RelayFeed relay(makeConfig(upstream.url()));
        Sink sink(&relay);
        relay.setResumePoint(point->epoch, point->positions);
        relay.start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.ticks.size(), 4, Patience);
        QCOMPARE(upstream.subscribes.constLast().since->seq.value(A), 8);
        QCOMPARE(sink.ticks, stripped(store.range(A, 9, 12)));
    }
};

QTEST_GUILESS_MAIN(tst_RelayFeed)
#include "tst_relayfeed.moc"
