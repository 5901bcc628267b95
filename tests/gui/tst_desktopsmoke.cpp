// The real desktop app, end to end: it starts its embedded server, shows live data in its
// panes (checked on a screenshot the app takes of itself), serves a WebSocket viewer from
// the same process, exports its frame-time metric, writes its preferences on exit and reads
// them back on the next start. Under xvfb-run it uses the X display; without a display it
// renders offscreen with the software scene graph.
#include "HttpClient.h"
#include "ServerProcess.h"
#include "TestTokens.h"
#include "Wait.h"
#include "WsClient.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace tickscope::test;

namespace {

const QByteArray Secret = "tst-desktopsmoke-secret-0123456789abcdef";
// The default watchlist.
const QStringList Symbols{u"BTC-USD"_qs, u"ETH-USD"_qs, u"SOL-USD"_qs, u"AAPL"_qs,   u"MSFT"_qs,
                          u"NVDA"_qs,    u"SPY"_qs,     u"QQQ"_qs,     u"EURUSD"_qs, u"ES-FUT"_qs};

QString publishToken()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray payload = "{\"sub\":\"smoke-publisher\",\"scope\":\"read publish\","
                               "\"tier\":\"unlimited\",\"iat\":" +
                               QByteArray::number(now) +
                               ",\"exp\":" + QByteArray::number(now + 3600) + "}";
    return TestTokens::make("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, Secret);
}

QColor rgb(QRgb value)
{
    return QColor::fromRgb(value);
}

// Pixels of `image` inside `area` whose colour is within `tolerance` of `color`.
int countNear(const QImage &image, const QRect &area, const QColor &color, int tolerance = 40)
{
    int n = 0;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x) {
            const QColor c = rgb(image.pixel(x, y));
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) +
                    std::abs(c.blue() - color.blue()) <=
                tolerance)
                ++n;
        }
    }
    return n;
}

int distinctColors(const QImage &image, const QRect &area)
{
    QSet<QRgb> colors;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); y += 2) {
        for (int x = r.left(); x <= r.right(); x += 2)
            colors.insert(image.pixel(x, y));
    }
    return int(colors.size());
}

struct RunResult
{
    QImage screenshot;
    QByteArray out;
    QByteArray err;
    int exitCode = -1;
    QString failure;
};

} // namespace

class tst_DesktopSmoke : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    bool m_forceOpenGL = false;
    double m_price[10] = {64000, 3400, 150, 190, 410, 900, 520, 440, 1.085, 5200};

    QString configHome() const { return m_dir.filePath(u"xdg"_qs); }
    QString prefsFile() const { return configHome() + u"/tickscope/desktop.ini"_qs; }

    QProcessEnvironment environment(const QString &screenshot) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (env.contains(u"DISPLAY"_qs) && !env.value(u"DISPLAY"_qs).isEmpty()) {
            env.remove(u"QT_QPA_PLATFORM"_qs); // a real window on the (xvfb) display
            // The first run draws as the app chooses (the software renderer where OpenGL is
            // a software rasterizer, as under Xvfb); the second with OpenGL, as on a GPU.
            if (m_forceOpenGL)
                env.insert(u"QSG_RHI_BACKEND"_qs, u"opengl"_qs);
        } else {
            env.insert(u"QT_QPA_PLATFORM"_qs, u"offscreen"_qs);
            env.insert(u"QT_QUICK_BACKEND"_qs, u"software"_qs);
        }
        env.insert(u"XDG_CONFIG_HOME"_qs, configHome());
        // Sanitizer builds: extra options for the app only (see tests/gui/CMakeLists.txt).
        const QString appAsan = env.value(u"TICKSCOPE_APP_ASAN_OPTIONS"_qs);
        if (!appAsan.isEmpty()) {
            env.insert(u"ASAN_OPTIONS"_qs, env.value(u"ASAN_OPTIONS"_qs) + u':' + appAsan);
        }
        env.insert(u"TICKSCOPE_JWT_SECRET"_qs, QString::fromLatin1(Secret));
        env.insert(u"TICKSCOPE_SCREENSHOT"_qs, screenshot);
        env.insert(u"TICKSCOPE_SCREENSHOT_AFTER_MS"_qs, u"8000"_qs);
        env.remove(u"TICKSCOPE_EXIT_AFTER_SCREENSHOT"_qs);
        return env;
    }

    void publishSome(WsClient &producer, int count)
    {
        QJsonArray ticks;
        auto *random = QRandomGenerator::global();
        for (int i = 0; i < count; ++i) {
            const int s = i % 3 == 0 ? 0 : int(random->bounded(Symbols.size()));
            m_price[s] *= std::exp((random->generateDouble() - 0.5) * 0.002);
            const double decimals = m_price[s] < 10 ? 1e5 : 1e2;
            ticks.append(WsClient::tick(Symbols[s], std::round(m_price[s] * decimals) / decimals,
                                        random->generateDouble()));
        }
        const auto reply = producer.publish(ticks);
        QVERIFY(reply && reply->op() == u"published");
    }

    // Starts the app, feeds it ticks until it took its screenshot, runs `whileRunning`, then
    // stops it with SIGTERM.
    RunResult run(const QString &name,
                  const std::function<void(quint16, const QString &)> &whileRunning = {})
    {
        RunResult result;
        const QString shot = m_dir.filePath(name + u".png"_qs);
        QFile::remove(shot);
        QProcess app;
        app.setProcessEnvironment(environment(shot));
        app.start(qEnvironmentVariable("TICKSCOPE_BINARY"),
                  {u"--listen"_qs, u"127.0.0.1:0"_qs, u"--data-dir"_qs, m_dir.filePath(u"data"_qs),
                   u"--store"_qs, u"memory"_qs, u"--feed"_qs, u"none"_qs});
        if (!app.waitForStarted(20000)) {
            result.failure = u"the app did not start: "_qs + app.errorString();
            return result;
        }
        QByteArray out;
        auto readOut = [&] { out += app.readAllStandardOutput(); };
        const QRegularExpression banner(u"streaming on ws://127\\.0\\.0\\.1:(\\d+)/v1/stream"_qs);
        const QRegularExpression tokenLine(u"viewer token \\(read, 24h\\): (\\S+)"_qs);
        waitUntil(
            [&] {
                readOut();
                return banner.match(QString::fromUtf8(out)).hasMatch() ||
                       app.state() != QProcess::Running;
            },
            30000);
        const auto match = banner.match(QString::fromUtf8(out));
        if (!match.hasMatch()) {
            result.failure = u"no banner; stdout: %1 stderr: %2"_qs.arg(
                QString::fromUtf8(out), QString::fromUtf8(app.readAllStandardError()));
            app.kill();
            app.waitForFinished();
            return result;
        }
        const quint16 port = quint16(match.captured(1).toUInt());
        waitUntil(
            [&] {
                readOut();
                return tokenLine.match(QString::fromUtf8(out)).hasMatch();
            },
            5000);
        const QString viewerToken = tokenLine.match(QString::fromUtf8(out)).captured(1);

        WsClient producer;
        if (!producer.open(QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(port)), publishToken())) {
            result.failure = u"publisher refused: "_qs + producer.errorString();
        } else {
            // Ticks until the screenshot is taken (about 8 s after start).
            QElapsedTimer clock;
            clock.start();
            while (!out.contains("screenshot") && clock.elapsed() < 60000 &&
                   app.state() == QProcess::Running) {
                publishSome(producer, 25);
                spin(40);
                readOut();
            }
            if (whileRunning)
                whileRunning(port, viewerToken);
        }
        result.screenshot = QImage(shot);
        // TICKSCOPE_SMOKE_SHOTS=DIR keeps the screenshots for a person to look at.
        if (const QString keep = qEnvironmentVariable("TICKSCOPE_SMOKE_SHOTS"); !keep.isEmpty()) {
            QDir().mkpath(keep);
            QFile::remove(keep + u"/"_qs + name + u".png"_qs);
            QFile::copy(shot, keep + u"/"_qs + name + u".png"_qs);
        }
        app.terminate(); // SIGTERM: the app closes viewers, saves, exits 0
        if (!app.waitForFinished(30000)) {
            app.kill();
            app.waitForFinished();
        }
        readOut();
        result.out = out;
        result.err = app.readAllStandardError();
        result.exitCode = app.exitStatus() == QProcess::NormalExit ? app.exitCode() : -1;
        return result;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(qEnvironmentVariable("TICKSCOPE_BINARY")),
                 "TICKSCOPE_BINARY must name the tickscope binary");
    }

    void windowShowsLiveDataAndServesViewers()
    {
        bool viewerStreamed = false;
        QByteArray metrics;
        QByteArray health;
        const RunResult r = run(u"dark"_qs, [&](quint16 port, const QString &token) {
            // A second viewer, from outside, on the GUI process's embedded server.
            WsClient viewer;
            QVERIFY2(viewer.open(QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(port)), token),
                     qPrintable(viewer.errorString()));
            QJsonObject subscribe{{u"op"_qs, u"subscribe"_qs},
                                  {u"symbols"_qs, QJsonArray{u"BTC-USD"_qs}}};
            const auto reply = viewer.request(subscribe);
            QVERIFY(reply && reply->op() == u"subscribed");
            WsClient producer;
            QVERIFY(
                producer.open(QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(port)), publishToken()));
            for (int i = 0; i < 10 && viewer.tickCount(u"BTC-USD"_qs) == 0; ++i) {
                publishSome(producer, 30);
                spin(50);
            }
            viewerStreamed = viewer.waitForTicks(u"BTC-USD"_qs, 1, 10000);
            metrics = HttpClient::get(port, "/metrics").body;
            health = HttpClient::get(port, "/healthz").body;
        });
        QVERIFY2(r.failure.isEmpty(), qPrintable(r.failure));
        QVERIFY(viewerStreamed);
        QVERIFY(health.contains("ok"));
        QVERIFY2(metrics.contains("tickscope_gui_frames_per_second"), metrics.left(400));
        QVERIFY(metrics.contains("tickscope_gui_frame_interval_seconds_bucket"));
        // What the window received and what draws it, for the bench tool's desktop scenario.
        QVERIFY2(metrics.contains("tickscope_gui_renderer_info{renderer=\""), metrics);
        QVERIFY2(ServerProcess::metricIn(metrics, u"tickscope_gui_ticks_received_total"_qs)
                         .value_or(-1) > 0,
                 metrics);
        QVERIFY2(ServerProcess::metricIn(metrics, u"tickscope_gui_chart_ticks"_qs).value_or(-1) > 0,
                 metrics);
        QVERIFY2(r.exitCode == 0, r.err.right(4000).constData());
        QVERIFY2(r.out.contains("frame stats: fps"), r.out);

        // The screenshot: every pane drawn, with data in it.
        const QImage &img = r.screenshot;
        QVERIFY2(!img.isNull(), "the app saved no screenshot");
        QVERIFY(img.width() >= 900 && img.height() >= 560);
        const int w = img.width();
        const int h = img.height();
        const QRect watchlist(0, 60, w * 25 / 100, h / 2);
        const QRect chart(w * 29 / 100, 130, w * 43 / 100, h - 200);
        const QRect tape(w * 76 / 100, 80, w * 24 / 100, h * 40 / 100);
        qInfo("distinct colours: watchlist %d chart %d tape %d", distinctColors(img, watchlist),
              distinctColors(img, chart), distinctColors(img, tape));
        QVERIFY(distinctColors(img, watchlist) > 20);
        QVERIFY(distinctColors(img, chart) > 10);
        QVERIFY(distinctColors(img, tape) > 20);
        const int line = countNear(img, chart, QColor(0x4d, 0x9d, 0xff), 60);
        const int ups = countNear(img, tape, QColor(0x26, 0xb0, 0x7f), 60);
        const int downs = countNear(img, tape, QColor(0xf0, 0x55, 0x5b), 60);
        qInfo("chart line pixels %d, tape up %d down %d", line, ups, downs);
        QVERIFY2(line > 40, "the chart shows no price line");
        QVERIFY2(ups + downs > 40, "the time & sales pane shows no coloured trades");
        // Dark theme by default (a pixel of the watchlist below its rows).
        QVERIFY(rgb(img.pixel(40, h - 120)).lightness() < 80);

        // Preferences written on exit, apart from the server's settings, without tokens.
        QVERIFY2(QFile::exists(prefsFile()), qPrintable(prefsFile()));
        QSettings prefs(prefsFile(), QSettings::IniFormat);
        QCOMPARE(prefs.value(u"watchlist/selected"_qs).toString(), u"BTC-USD"_qs);
        QVERIFY(prefs.value(u"window/geometry"_qs).toRect().width() >= 900);
        QFile raw(prefsFile());
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains("eyJ")); // no JWT in the file
    }

    void preferencesAreReadBackOnTheNextStart()
    {
        {
            QSettings prefs(prefsFile(), QSettings::IniFormat);
            prefs.setValue(u"ui/theme"_qs, u"light"_qs);
            prefs.setValue(u"watchlist/symbols"_qs, QStringList{u"ETH-USD"_qs, u"BTC-USD"_qs});
            prefs.setValue(u"watchlist/selected"_qs, u"ETH-USD"_qs);
            prefs.setValue(u"chart/type"_qs, u"candles"_qs);
            prefs.setValue(u"chart/candleInterval"_qs, 1);
            prefs.setValue(u"chart/window"_qs, 60);
        }
        m_forceOpenGL = true;
        const RunResult r = run(u"light"_qs);
        m_forceOpenGL = false;
        QVERIFY2(r.failure.isEmpty(), qPrintable(r.failure));
        QVERIFY2(r.exitCode == 0, r.err.right(4000).constData());
        // The user's QSG_RHI_BACKEND wins over the app's choice of renderer.
        QVERIFY2(!r.err.contains("software renderer"), r.err.right(4000).constData());
        const QImage &img = r.screenshot;
        QVERIFY(!img.isNull());
        // Light theme: a light window; candles in up/down colours of the light theme.
        QVERIFY(rgb(img.pixel(40, img.height() - 120)).lightness() > 180);
        const QRect chart(img.width() * 29 / 100, 130, img.width() * 43 / 100, img.height() - 200);
        const int candles = countNear(img, chart, QColor(0x11, 0x8a, 0x5c), 60) +
                            countNear(img, chart, QColor(0xcf, 0x2f, 0x36), 60);
        qInfo("candle pixels %d", candles);
        QVERIFY2(candles > 40, "no candles on the chart");
        QSettings prefs(prefsFile(), QSettings::IniFormat);
        QCOMPARE(prefs.value(u"watchlist/symbols"_qs).toStringList(),
                 QStringList({u"ETH-USD"_qs, u"BTC-USD"_qs}));
        QCOMPARE(prefs.value(u"watchlist/selected"_qs).toString(), u"ETH-USD"_qs);
        QCOMPARE(prefs.value(u"chart/type"_qs).toString(), u"candles"_qs);
    }
};

QTEST_GUILESS_MAIN(tst_DesktopSmoke)
#include "tst_desktopsmoke.moc"
