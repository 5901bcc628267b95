// The viewer side against a real embedded server (ServerRuntime in this process): the
// detail symbol's backfill, live ticks, and the resume with `since` across a server restart,
// which must leave no hole and no duplicate.
#include "EmbeddedRuntime.h"
#include "StreamClient.h"
#include "Wait.h"
#include "WsClient.h"
#include "runtime/ServerRuntime.h"
#include "stream/StreamServer.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace tickscope;
using tickscope::test::EmbeddedRuntime;
using tickscope::test::waitUntil;
using tickscope::test::WsClient;

namespace {

struct Received
{
    std::vector<qint64> detailSeqs;
    QString detailSymbol;
    qint64 watchTicks = 0;
    QList<StreamEvent> events;
    double lastProgress = -1;
    QList<StreamClient::State> states;
};

} // namespace

class tst_StreamClient : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRuntime> m_runtime;
    quint16 m_port = 0;

    bool startServer(StoreKind store = StoreKind::Sqlite)
    {
        ServerConfig config;
        config.dataDir = m_dir.path();
        config.listenPort = m_port;
        config.store = store;
        config.feed = FeedKind::None;
        config.jwtSecret = "tst-streamclient-secret-0123456789abcdef";
        if (const QString error = EmbeddedRuntime::start(m_runtime, config); !error.isEmpty()) {
            qWarning() << "server did not start:" << error;
            return false;
        }
        m_port = quint16(QUrl(m_runtime->url()).port());
        return true;
    }

    void stopServer() { QVERIFY(EmbeddedRuntime::stop(m_runtime)); }

    QString token(const QStringList &scopes) const
    {
        return m_runtime->mintToken(u"tester"_qs, scopes, 3600, std::nullopt, u"unlimited"_qs);
    }

    void publish(const QString &symbol, int count, double startPrice)
    {
        WsClient producer;
        QVERIFY(producer.open(QUrl(m_runtime->url()), token({u"read"_qs, u"publish"_qs})));
        QJsonArray ticks;
        for (int i = 0; i < count; ++i)
            ticks.append(WsClient::tick(symbol, startPrice + i, 1));
        const auto reply = producer.publish(ticks);
        QVERIFY(reply);
        QCOMPARE(reply->op(), u"published"_qs);
    }

    std::unique_ptr<StreamClient> client(Received *out)
    {
        StreamClient::Options options;
        options.url = QUrl(m_runtime->url());
        options.token = token({u"read"_qs});
        options.retryBaseMs = 50;
        options.retryCapMs = 200;
        auto c = std::make_unique<StreamClient>(options);
        auto backlog = c->backlog();
        connect(c.get(), &StreamClient::batchReady, this,
                [out, backlog](const TickBatchPtr &batch) {
                    backlog->fetch_sub(1);
                    if (!batch->detail.empty()) {
                        out->detailSymbol = batch->detail.symbol;
                        out->detailSeqs.insert(out->detailSeqs.end(), batch->detail.seq.begin(),
                                               batch->detail.seq.end());
                    }
                    for (const SymbolUpdate &u : batch->symbols)
                        out->watchTicks += u.newTicks;
                    out->events.append(batch->events);
                    if (batch->replayProgress >= 0)
                        out->lastProgress = batch->replayProgress;
                });
        connect(c.get(), &StreamClient::stateChanged, this,
                [out](StreamClient::State state) { out->states.append(state); });
        return c;
    }

    static QString contiguous(const std::vector<qint64> &seqs, qint64 first, qint64 last)
    {
        if (qint64(seqs.size()) != last - first + 1)
            return u"%1 ticks, expected %2"_qs.arg(seqs.size()).arg(last - first + 1);
        for (size_t i = 0; i < seqs.size(); ++i) {
            if (seqs[i] != first + qint64(i))
                return u"at %1: q %2, expected %3"_qs.arg(i).arg(seqs[i]).arg(first + qint64(i));
        }
        return {};
    }

private slots:
    void init()
    {
        m_port = 0;
        QVERIFY(m_dir.isValid());
    }
    void cleanup()
    {
        if (m_runtime)
            stopServer();
        QDir(m_dir.path()).removeRecursively();
        QDir().mkpath(m_dir.path());
    }

    void backfillThenLive()
    {
        QVERIFY(startServer());
        publish(u"BTC-USD"_qs, 500, 100);
        Received got;
        auto c = client(&got);
        c->setSymbols({u"BTC-USD"_qs, u"ETH-USD"_qs});
        c->setDetailSymbol(u"BTC-USD"_qs);
        c->start();
        QVERIFY2(waitUntil([&] { return got.detailSeqs.size() >= 500; }),
                 qPrintable(u"%1 ticks"_qs.arg(got.detailSeqs.size())));
        QCOMPARE(got.lastProgress, 1.0);
        QCOMPARE(got.watchTicks, 0); // history is not news for the watchlist

        publish(u"BTC-USD"_qs, 100, 600);
        publish(u"ETH-USD"_qs, 30, 10);
        QVERIFY(waitUntil([&] { return got.detailSeqs.size() >= 600 && got.watchTicks >= 130; }));
        QCOMPARE(contiguous(got.detailSeqs, 1, 600), QString());
        QCOMPARE(got.watchTicks, 130);
        QVERIFY(got.events.isEmpty());
        c->stop();
    }

    void switchingTheDetailSymbolBackfillsIt()
    {
        QVERIFY(startServer());
        publish(u"ETH-USD"_qs, 200, 10);
        Received got;
        auto c = client(&got);
        c->setSymbols({u"BTC-USD"_qs, u"ETH-USD"_qs});
        c->setDetailSymbol(u"BTC-USD"_qs);
        c->start();
        QVERIFY(waitUntil([&] { return got.states.contains(StreamClient::State::Live); }));
        test::spin(300);
        c->setDetailSymbol(u"ETH-USD"_qs);
        QVERIFY(waitUntil([&] { return got.detailSeqs.size() >= 200; }));
        QCOMPARE(got.detailSymbol, u"ETH-USD"_qs);
        QCOMPARE(contiguous(got.detailSeqs, 1, 200), QString());
        c->stop();
    }

    void resumesAcrossARestartWithoutAHole()
    {
        QVERIFY(startServer(StoreKind::Sqlite));
        publish(u"BTC-USD"_qs, 300, 100);
        Received got;
        auto c = client(&got);
        c->setSymbols({u"BTC-USD"_qs});
        c->setDetailSymbol(u"BTC-USD"_qs);
        c->start();
        QVERIFY(waitUntil([&] { return got.detailSeqs.size() >= 300; }));

        stopServer(); // viewers get 1001 and reconnect with backoff
        QVERIFY(waitUntil([&] { return got.states.contains(StreamClient::State::Reconnecting); }));
        QVERIFY(startServer(StoreKind::Sqlite)); // same port, same store: same epoch
        publish(u"BTC-USD"_qs, 50, 400);
        QVERIFY2(waitUntil([&] { return got.detailSeqs.size() >= 350; }),
                 qPrintable(u"%1 ticks"_qs.arg(got.detailSeqs.size())));
        test::spin(200);
        QCOMPARE(contiguous(got.detailSeqs, 1, 350), QString());
        QVERIFY(got.events.isEmpty());
        c->stop();
    }

    void aNewEpochIsReported()
    {
        QVERIFY(startServer(StoreKind::Memory));
        publish(u"BTC-USD"_qs, 20, 100);
        Received got;
        auto c = client(&got);
        c->setSymbols({u"BTC-USD"_qs});
        c->setDetailSymbol(u"BTC-USD"_qs);
        c->start();
        QVERIFY(waitUntil([&] { return got.detailSeqs.size() >= 20; }));
        stopServer();
        QVERIFY(startServer(StoreKind::Memory)); // a memory store restarts empty: new epoch
        QVERIFY(waitUntil([&] {
            return std::any_of(got.events.begin(), got.events.end(), [](const StreamEvent &e) {
                return e.kind == StreamEvent::Kind::EpochChanged;
            });
        }));
        publish(u"BTC-USD"_qs, 5, 200);
        QVERIFY(waitUntil([&] { return got.detailSeqs.size() >= 25; }));
        // The new history starts at q 1 again.
        QCOMPARE(got.detailSeqs.back(), 5);
        c->stop();
    }

    void refusedTokenStopsRetrying()
    {
        QVERIFY(startServer());
        StreamClient::Options options;
        options.url = QUrl(m_runtime->url());
        options.token = u"not-a-token"_qs;
        StreamClient c(options);
        QString detail;
        StreamClient::State last = StreamClient::State::Idle;
        connect(&c, &StreamClient::stateChanged, this,
                [&](StreamClient::State state, const QString &text) {
                    last = state;
                    detail = text;
                });
        c.start();
        QVERIFY(waitUntil([&] { return last == StreamClient::State::Failed; }));
        QVERIFY2(detail.contains(u"401"_qs), qPrintable(detail));
    }
};

QTEST_GUILESS_MAIN(tst_StreamClient)
#include "tst_streamclient.moc"
