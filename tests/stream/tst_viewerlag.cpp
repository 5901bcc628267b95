// The lag the server panel shows per viewer (StreamServer::viewers()): a viewer that
// stops reading builds up unsent bytes, then falls back to catch-up with committed ticks
// not yet sent; once it reads again both drain to zero. Real server in this process, on
// its own thread as in the desktop app (the raw client waits on its socket), real sockets.
#include "HttpClient.h"
#include "RawWsClient.h"
#include "Wait.h"
#include "WsClient.h"
#include "runtime/ServerRuntime.h"
#include "stream/StreamServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace tickscope;
using namespace tickscope::test;

namespace {
constexpr int Batches = 150;
constexpr int TicksPerBatch = 1000;
} // namespace

class tst_ViewerLag : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QThread m_thread;
    QObject m_anchor;                   // lives on m_thread, to run code there
    ServerRuntime *m_runtime = nullptr; // created, used and deleted on m_thread

    template <typename F> void onServerThread(F &&f)
    {
        QMetaObject::invokeMethod(&m_anchor, std::forward<F>(f), Qt::BlockingQueuedConnection);
    }

    std::optional<StreamServer::ViewerInfo> viewer(const QString &subject)
    {
        QList<StreamServer::ViewerInfo> viewers;
        onServerThread([&] { viewers = m_runtime->server()->viewers(); });
        for (const auto &info : viewers) {
            if (info.subject == subject)
                return info;
        }
        return std::nullopt;
    }

    QString token(const QString &subject, const QStringList &scopes)
    {
        QString token;
        onServerThread([&] {
            token = m_runtime->mintToken(subject, scopes, 3600, std::nullopt, u"unlimited"_qs);
        });
        return token;
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
        config.viewerQueueCap = qint64{256} * 1024;
        config.heartbeat = std::chrono::milliseconds(600'000); // a paused viewer cannot pong
        config.jwtSecret = "tst-viewerlag-secret-0123456789abcdef";
        m_anchor.moveToThread(&m_thread);
        m_thread.start();
        std::atomic<bool> started = false;
        QString error;
        onServerThread([&] {
            m_runtime = new ServerRuntime(config);
            m_runtime->start([&](const QString &e) {
                error = e;
                started = true;
            });
        });
        QVERIFY(waitUntil([&] { return started.load(); }));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanupTestCase()
    {
        std::atomic<bool> done = false;
        onServerThread([&] { m_runtime->shutdown([&] { done = true; }); });
        QVERIFY(waitUntil([&] { return done.load(); }));
        onServerThread([&] {
            // Sessions closed by the shutdown go first (see StreamServer's destructor).
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            delete m_runtime;
        });
        m_thread.quit();
        QVERIFY(m_thread.wait(30000));
    }

    void lagGrowsWhileTheViewerStallsAndDrainsAfter()
    {
        QString url;
        onServerThread([&] { url = m_runtime->url(); });
        const quint16 port = quint16(QUrl(url).port());
        const QString viewerToken = token(u"slow-viewer"_qs, {u"read"_qs});
        RawWsClient slow;
        qint64 received = 0;
        slow.onText = [&](const QByteArray &text) {
            const QJsonObject message = QJsonDocument::fromJson(text).object();
            if (message.value(u"op").toString() == u"ticks")
                received += message.value(u"ticks").toArray().size();
        };
        QVERIFY2(slow.open(port, "/v1/stream", HttpClient::bearer(viewerToken)),
                 slow.handshakeReply().describe().constData());
        slow.sendText("{\"op\":\"subscribe\",\"id\":1,\"symbols\":[\"LAG-USD\"]}");
        QVERIFY(waitUntil([&] { return viewer(u"slow-viewer"_qs).has_value(); }));
        QTRY_VERIFY(slow.messagesReceived() >= 2); // hello, subscribed
        {
            const auto info = viewer(u"slow-viewer"_qs);
            QVERIFY(!info->catchingUp);
            QCOMPARE(info->lagTicks, 0);
        }

        slow.pause();
        WsClient producer;
        QVERIFY(producer.open(QUrl(url), token(u"producer"_qs, {u"read"_qs, u"publish"_qs})));
        qint64 maxQueued = 0;
        for (int b = 0; b < Batches; ++b) {
            QJsonArray ticks;
            for (int i = 0; i < TicksPerBatch; ++i)
                ticks.append(WsClient::tick(u"LAG-USD"_qs, 100 + (i % 97) * 0.01, 1.5));
            const auto reply = producer.publish(ticks);
            QVERIFY(reply && reply->op() == u"published");
            maxQueued = std::max(maxQueued, viewer(u"slow-viewer"_qs)->queuedBytes);
        }
        // Past the cap the session stops queueing and reads from history instead.
        QTRY_VERIFY(viewer(u"slow-viewer"_qs)->catchingUp);
        const auto behind = viewer(u"slow-viewer"_qs);
        QVERIFY2(behind->lagTicks > 0, qPrintable(QString::number(behind->lagTicks)));
        QVERIFY(behind->lagTicks <= qint64{Batches} * TicksPerBatch);
        QVERIFY2(maxQueued > 0, "the unsent bytes never showed");
        QVERIFY(maxQueued <= qint64{256} * 1024 + qint64{1024} * 1024); // cap + one frame

        slow.resume();
        QTRY_COMPARE_WITH_TIMEOUT(received, qint64{Batches} * TicksPerBatch, 60000);
        QTRY_VERIFY(!viewer(u"slow-viewer"_qs)->catchingUp);
        QCOMPARE(viewer(u"slow-viewer"_qs)->lagTicks, 0);
        QTRY_COMPARE(viewer(u"slow-viewer"_qs)->queuedBytes, 0);
    }
};

QTEST_GUILESS_MAIN(tst_ViewerLag)
#include "tst_viewerlag.moc"
