#pragma once

#include <QObject>
#include <QUrl>

namespace tickscope {

class Clipboard;
class FrameTimer;
class MarketFeed;
class Preferences;
class ServerHost;

// The one object QML sees as `Desktop`: the data source, the embedded server (null in viewer
// mode), the preferences, the frame counter, and the actions that switch between them.
class DesktopController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QObject *market READ market CONSTANT)
    Q_PROPERTY(QObject *server READ server CONSTANT)
    Q_PROPERTY(QObject *prefs READ prefs CONSTANT)
    Q_PROPERTY(QObject *frames READ frames CONSTANT)
    Q_PROPERTY(QObject *clipboard READ clipboard CONSTANT)
    Q_PROPERTY(bool hasLocalServer READ hasLocalServer CONSTANT)
    Q_PROPERTY(bool viewingLocal READ viewingLocal NOTIFY viewingChanged)
    Q_PROPERTY(QString version READ version CONSTANT)
    // TICKSCOPE_OPEN=search|add|connect|share opens that dialog at start (screenshots, demos).
    Q_PROPERTY(QString startupDialog READ startupDialog CONSTANT)

public:
    DesktopController(MarketFeed *market, ServerHost *server, Preferences *prefs,
                      FrameTimer *frames, QObject *parent = nullptr);

    QObject *market() const;
    QObject *server() const;
    QObject *prefs() const;
    QObject *frames() const;
    QObject *clipboard() const;
    bool hasLocalServer() const { return m_server != nullptr; }
    bool viewingLocal() const { return m_viewingLocal; }
    QString version() const;
    QString startupDialog() const { return qEnvironmentVariable("TICKSCOPE_OPEN"); }

    // The local server's viewer URL and token, once it runs.
    void setLocalEndpoint(const QUrl &url, const QString &token);

    // Empty when `url` can be a stream address, else why not.
    Q_INVOKABLE QString validateRemoteUrl(const QString &text) const;
    // Views a remote server in the panes (the embedded server, if any, keeps running).
    Q_INVOKABLE QString connectRemote(const QString &text, const QString &token, bool remember);
    // Back to the embedded server.
    Q_INVOKABLE void viewLocal();
    Q_INVOKABLE void quit();

signals:
    void viewingChanged();
    void quitRequested();

private:
    MarketFeed *m_market;
    ServerHost *m_server;
    Preferences *m_prefs;
    FrameTimer *m_frames;
    Clipboard *m_clipboard;
    QUrl m_localUrl;
    QString m_localToken;
    bool m_viewingLocal = true;
};

} // namespace tickscope
