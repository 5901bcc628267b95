#include "Preferences.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using tickscope::Preferences;

class tst_Preferences : public QObject
{
    Q_OBJECT
private slots:
    void defaultsOnFirstRun()
    {
        QTemporaryDir dir;
        Preferences prefs(dir.filePath(u"desktop.ini"_qs));
        QCOMPARE(prefs.theme(), u"dark"_qs);
        QCOMPARE(prefs.watchlist(), Preferences::defaultWatchlist());
        QCOMPARE(prefs.chartWindow(), 300);
        QCOMPARE(prefs.chartType(), u"line"_qs);
        QCOMPARE(prefs.candleInterval(), 5);
        QVERIFY(!prefs.windowGeometry().isValid());
        QVERIFY(!prefs.rememberToken());
    }

    void writtenThenReadBackAfterRestart()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"desktop.ini"_qs);
        {
            Preferences prefs(file);
            QSignalSpy changed(&prefs, &Preferences::changed);
            prefs.setTheme(u"light"_qs);
            prefs.setWatchlist({u"ETH-USD"_qs, u"SPY"_qs});
            prefs.setSelectedSymbol(u"SPY"_qs);
            prefs.setChartWindow(900);
            prefs.setChartType(u"candles"_qs);
            prefs.setCandleInterval(60);
            prefs.setWindowGeometry(QRect(10, 20, 1200, 800));
            prefs.setWindowMaximized(true);
            prefs.setMainSplit(QByteArray("main-state"));
            prefs.setSideSplit(QByteArray("side-state"));
            prefs.setLastRemoteUrl(u"ws://example.test:8765/v1/stream?access_token=SECRET"_qs);
            QVERIFY(changed.count() >= 10);
        }                        // the "app" exits
        Preferences prefs(file); // and starts again
        QCOMPARE(prefs.theme(), u"light"_qs);
        QCOMPARE(prefs.watchlist(), QStringList({u"ETH-USD"_qs, u"SPY"_qs}));
        QCOMPARE(prefs.selectedSymbol(), u"SPY"_qs);
        QCOMPARE(prefs.chartWindow(), 900);
        QCOMPARE(prefs.chartType(), u"candles"_qs);
        QCOMPARE(prefs.candleInterval(), 60);
        QCOMPARE(prefs.windowGeometry(), QRect(10, 20, 1200, 800));
        QVERIFY(prefs.windowMaximized());
        QCOMPARE(prefs.mainSplit().toByteArray(), QByteArray("main-state"));
        QCOMPARE(prefs.sideSplit().toByteArray(), QByteArray("side-state"));
        // The token that came inside the URL is not kept.
        QCOMPARE(prefs.lastRemoteUrl(), u"ws://example.test:8765/v1/stream"_qs);
        QFile raw(file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains("SECRET"));
        QCOMPARE(raw.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
    }

    void invalidValuesFallBack_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("window") << u"chart/window"_qs << u"123"_qs;
        QTest::newRow("interval") << u"chart/candleInterval"_qs << u"7"_qs;
        QTest::newRow("type") << u"chart/type"_qs << u"pie"_qs;
        QTest::newRow("theme") << u"ui/theme"_qs << u"neon"_qs;
        QTest::newRow("selected") << u"watchlist/selected"_qs << u"not a symbol"_qs;
    }
    void invalidValuesFallBack()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QTemporaryDir dir;
        const QString file = dir.filePath(u"desktop.ini"_qs);
        {
            QSettings raw(file, QSettings::IniFormat);
            raw.setValue(key, value);
        }
        Preferences prefs(file);
        QCOMPARE(prefs.chartWindow(), 300);
        QCOMPARE(prefs.candleInterval(), 5);
        QCOMPARE(prefs.chartType(), u"line"_qs);
        QCOMPARE(prefs.theme(), u"dark"_qs);
        QCOMPARE(prefs.selectedSymbol(), QString());
    }

    void tokenOnlyWhenAsked()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"desktop.ini"_qs);
        auto fileHas = [&](const QByteArray &text) {
            QFile raw(file);
            return raw.open(QIODevice::ReadOnly) && raw.readAll().contains(text);
        };
        {
            Preferences prefs(file);
            prefs.storeToken(u"TOKEN-ONE"_qs);
            QCOMPARE(prefs.rememberedToken(), QString());
            QVERIFY(!fileHas("TOKEN-ONE"));
            prefs.setRememberToken(true);
            prefs.storeToken(u"TOKEN-TWO"_qs);
        }
        {
            Preferences prefs(file);
            QCOMPARE(prefs.rememberedToken(), u"TOKEN-TWO"_qs);
            prefs.setRememberToken(false); // forgetting removes it from the file
        }
        QVERIFY(!fileHas("TOKEN-TWO"));
        Preferences prefs(file);
        QCOMPARE(prefs.rememberedToken(), QString());
    }

    void resetLayoutForgetsPaneSizes()
    {
        QTemporaryDir dir;
        Preferences prefs(dir.filePath(u"desktop.ini"_qs));
        prefs.setMainSplit(QByteArray("x"));
        prefs.setCenterSplit(QByteArray("y"));
        QSignalSpy reset(&prefs, &Preferences::layoutReset);
        prefs.resetLayout();
        QCOMPARE(reset.count(), 1);
        QVERIFY(!prefs.mainSplit().isValid());
        QVERIFY(!prefs.centerSplit().isValid());
    }

    void defaultFileIsNotTheServerSettings()
    {
        QStandardPaths::setTestModeEnabled(true);
        Preferences prefs;
        QVERIFY2(prefs.fileName().endsWith(u"tickscope/desktop.ini"_qs),
                 qPrintable(prefs.fileName()));
    }
};

QTEST_GUILESS_MAIN(tst_Preferences)
#include "tst_preferences.moc"
