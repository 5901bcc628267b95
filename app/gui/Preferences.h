#pragma once

#include <QObject>
#include <QRect>
#include <QSettings>
#include <QStringList>
#include <QVariant>
#include <memory>

namespace tickscope {

// The desktop's preferences, kept apart from the server's settings file: by default in
// QSettings(IniFormat, UserScope, "tickscope", "desktop"), i.e. ~/.config/tickscope/desktop.ini
// (tickscope.ini next to it is the server's, which refuses unknown keys). Every setter writes
// through at once, so a crash loses nothing. A token is only written if the user ticked
// "remember the token", and then in plain text in that file (mode 0600), which the dialog says.
class Preferences : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY changed)
    Q_PROPERTY(QStringList watchlist READ watchlist WRITE setWatchlist NOTIFY changed)
    Q_PROPERTY(QString selectedSymbol READ selectedSymbol WRITE setSelectedSymbol NOTIFY changed)
    Q_PROPERTY(int chartWindow READ chartWindow WRITE setChartWindow NOTIFY changed)
    Q_PROPERTY(QString chartType READ chartType WRITE setChartType NOTIFY changed)
    Q_PROPERTY(int candleInterval READ candleInterval WRITE setCandleInterval NOTIFY changed)
    Q_PROPERTY(QRect windowGeometry READ windowGeometry WRITE setWindowGeometry NOTIFY changed)
    Q_PROPERTY(bool windowMaximized READ windowMaximized WRITE setWindowMaximized NOTIFY changed)
    Q_PROPERTY(QVariant mainSplit READ mainSplit WRITE setMainSplit NOTIFY changed)
    Q_PROPERTY(QVariant centerSplit READ centerSplit WRITE setCenterSplit NOTIFY changed)
    Q_PROPERTY(QVariant sideSplit READ sideSplit WRITE setSideSplit NOTIFY changed)
    Q_PROPERTY(QString lastRemoteUrl READ lastRemoteUrl WRITE setLastRemoteUrl NOTIFY changed)
    Q_PROPERTY(bool rememberToken READ rememberToken WRITE setRememberToken NOTIFY changed)
    Q_PROPERTY(QString rememberedToken READ rememberedToken NOTIFY changed)
    Q_PROPERTY(bool showFrameStats READ showFrameStats WRITE setShowFrameStats NOTIFY changed)
    Q_PROPERTY(QString fileName READ fileName CONSTANT)

public:
    static QStringList defaultWatchlist();

    // An empty path means the per-user default location.
    explicit Preferences(const QString &filePath = {}, QObject *parent = nullptr);
    ~Preferences() override;

    QString fileName() const;

    QString theme() const;
    void setTheme(const QString &theme);
    QStringList watchlist() const;
    bool hasWatchlist() const;
    void setWatchlist(const QStringList &symbols);
    QString selectedSymbol() const;
    void setSelectedSymbol(const QString &symbol);
    int chartWindow() const;
    void setChartWindow(int seconds);
    QString chartType() const;
    void setChartType(const QString &type);
    int candleInterval() const;
    void setCandleInterval(int seconds);
    QRect windowGeometry() const;
    void setWindowGeometry(const QRect &rect);
    bool windowMaximized() const;
    void setWindowMaximized(bool maximized);
    QVariant mainSplit() const;
    void setMainSplit(const QVariant &state);
    QVariant centerSplit() const;
    void setCenterSplit(const QVariant &state);
    QVariant sideSplit() const;
    void setSideSplit(const QVariant &state);
    QString lastRemoteUrl() const;
    void setLastRemoteUrl(const QString &url);
    bool rememberToken() const;
    void setRememberToken(bool remember);
    QString rememberedToken() const;
    // Writes the token only while rememberToken is on; clears it otherwise.
    Q_INVOKABLE void storeToken(const QString &token);
    bool showFrameStats() const;
    void setShowFrameStats(bool show);

    // Forgets the pane sizes (the "reset layout" action).
    Q_INVOKABLE void resetLayout();
    Q_INVOKABLE void sync();

    static const QList<int> &chartWindows();    // seconds; 0 is "all retained"
    static const QList<int> &candleIntervals(); // seconds

signals:
    void changed();
    void layoutReset();

private:
    void write(const QString &key, const QVariant &value);
    QVariant read(const QString &key, const QVariant &fallback = {}) const;

    std::unique_ptr<QSettings> m_settings;
};

} // namespace tickscope
