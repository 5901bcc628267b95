// The symbol list Ctrl+K offers beyond the watchlist, fetched from a real embedded server
// (ServerRuntime in this process) over its REST API.
#include "EmbeddedRuntime.h"
#include "SymbolDirectory.h"
#include "Wait.h"
#include "WsClient.h"
#include "runtime/ServerRuntime.h"
#include "stream/StreamServer.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace tickscope;
using tickscope::test::EmbeddedRuntime;
using tickscope::test::waitUntil;
using tickscope::test::WsClient;

class tst_SymbolDirectory : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRuntime> m_runtime;
    QUrl m_url;

    QString token(const QStringList &scopes, std::optional<QStringList> symbols = std::nullopt)
    {
        return m_runtime->mintToken(u"tester"_qs, scopes, 3600, symbols, u"unlimited"_qs);
    }

    // Waits for the fetch that refresh() started.
    static bool fetch(SymbolDirectory &directory)
    {
        directory.refresh();
        return waitUntil([&] { return !directory.loading(); }, 15000);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        ServerConfig config;
        config.dataDir = m_dir.path();
        config.listenPort = 0;
        config.store = StoreKind::Memory;
        config.feed = FeedKind::None;
        config.jwtSecret = "tst-symboldirectory-secret-0123456789abcdef";
        const QString error = EmbeddedRuntime::start(m_runtime, config);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_url = QUrl(m_runtime->url());

        WsClient producer;
        QVERIFY(producer.open(m_url, token({u"read"_qs, u"publish"_qs})));
        QJsonArray ticks;
        for (const QString &symbol : {u"ZED-USD"_qs, u"ABC-USD"_qs, u"MID-EUR"_qs})
            ticks.append(WsClient::tick(symbol, 10.5, 1));
        const auto reply = producer.publish(ticks);
        QVERIFY(reply && reply->op() == u"published");
    }

    void cleanupTestCase() { QVERIFY(EmbeddedRuntime::stop(m_runtime)); }

    void symbolsUrl_data()
    {
        QTest::addColumn<QString>("stream");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ws") << u"ws://127.0.0.1:8765/v1/stream"_qs
                            << u"http://127.0.0.1:8765/api/v1/symbols"_qs;
        QTest::newRow("wss") << u"wss://feed.example.com/v1/stream"_qs
                             << u"https://feed.example.com/api/v1/symbols"_qs;
        QTest::newRow("query dropped")
            << u"ws://[::1]:9000/v1/stream?x=1"_qs << u"http://[::1]:9000/api/v1/symbols"_qs;
        QTest::newRow("no host") << u"ws:///v1/stream"_qs << QString();
        QTest::newRow("empty") << QString() << QString();
    }

    void symbolsUrl()
    {
        QFETCH(QString, stream);
        QFETCH(QString, expected);
        QCOMPARE(SymbolDirectory::symbolsUrl(QUrl(stream)).toString(), expected);
    }

    void listsTheServersSymbols()
    {
        SymbolDirectory directory;
        directory.setServer(m_url, token({u"read"_qs}));
        QVERIFY(fetch(directory));
        QCOMPARE(directory.error(), QString());
        QCOMPARE(directory.symbols(), (QStringList{u"ABC-USD"_qs, u"MID-EUR"_qs, u"ZED-USD"_qs}));
    }

    void onlyWhatTheTokenAllows()
    {
        SymbolDirectory directory;
        directory.setServer(m_url, token({u"read"_qs}, QStringList{u"MID-EUR"_qs}));
        QVERIFY(fetch(directory));
        QCOMPARE(directory.symbols(), QStringList{u"MID-EUR"_qs});
    }

    void refusedTokenIsAClearError()
    {
        SymbolDirectory directory;
        directory.setServer(m_url, u"not-a-token"_qs);
        QVERIFY(fetch(directory));
        QVERIFY(directory.symbols().isEmpty());
        QVERIFY2(directory.error().startsWith(u"the server answered 401"_qs),
                 qPrintable(directory.error()));
        QVERIFY(!directory.error().contains(u"not-a-token"_qs)); // secrets stay out
    }

    void unreachableServerIsAClearError()
    {
        QTcpServer probe; // a port that was free a moment ago
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        SymbolDirectory directory;
        directory.setServer(QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(port)), QString());
        QVERIFY(fetch(directory));
        QVERIFY2(directory.error().startsWith(u"cannot reach the server"_qs),
                 qPrintable(directory.error()));
    }
};

QTEST_GUILESS_MAIN(tst_SymbolDirectory)
#include "tst_symboldirectory.moc"
