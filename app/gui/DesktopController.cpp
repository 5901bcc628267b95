#include "DesktopController.h"

#include "Clipboard.h"
#include "FrameTimer.h"
#include "MarketFeed.h"
#include "Preferences.h"
#include "ServerHost.h"

#include <QUrlQuery>

namespace tickscope {

DesktopController::DesktopController(MarketFeed *market, ServerHost *server, Preferences *prefs,
                                     FrameTimer *frames, QObject *parent)
    : QObject(parent), m_market(market), m_server(server), m_prefs(prefs), m_frames(frames),
      m_clipboard(new Clipboard(this)), m_viewingLocal(server != nullptr)
{}

QObject *DesktopController::market() const
{
    return m_market;
}

QObject *DesktopController::server() const
{
    return m_server;
}

QObject *DesktopController::prefs() const
{
    return m_prefs;
}

QObject *DesktopController::frames() const
{
    return m_frames;
}

QObject *DesktopController::clipboard() const
{
    return m_clipboard;
}

QString DesktopController::version() const
{
    return QStringLiteral(TICKSCOPE_VERSION);
}

void DesktopController::setLocalEndpoint(const QUrl &url, const QString &token)
{
    m_localUrl = url;
    m_localToken = token;
}

QString DesktopController::validateRemoteUrl(const QString &text) const
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return u"Enter the server's stream address, e.g. ws://host:8765/v1/stream."_qs;
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return u"“%1” is not a valid address: expected ws://host:port/v1/stream."_qs.arg(trimmed);
    if (url.scheme() != u"ws" && url.scheme() != u"wss")
        return u"The address must start with ws:// or wss://, not %1://."_qs.arg(url.scheme());
    if (url.path() != u"/v1/stream")
        return u"The stream's path is /v1/stream, not “%1”."_qs.arg(
            url.path().isEmpty() ? u"/"_qs : url.path());
    return {};
}

QString DesktopController::connectRemote(const QString &text, const QString &token, bool remember)
{
    QString error = validateRemoteUrl(text);
    if (!error.isEmpty())
        return error;
    QUrl url(text.trimmed());
    QString useToken = token.trimmed();
    // A pasted share link carries its token in the query: take it out of the URL.
    QUrlQuery query(url);
    if (useToken.isEmpty() && query.hasQueryItem(u"access_token"_qs))
        useToken = query.queryItemValue(u"access_token"_qs);
    url.setQuery(QString());
    m_prefs->setLastRemoteUrl(url.toString());
    m_prefs->setRememberToken(remember);
    m_prefs->storeToken(remember ? useToken : QString());
    m_market->connectTo(url, useToken, u"remote"_qs);
    if (m_viewingLocal) {
        m_viewingLocal = false;
        emit viewingChanged();
    }
    return {};
}

void DesktopController::viewLocal()
{
    if (!m_server || m_localUrl.isEmpty())
        return;
    m_market->connectTo(m_localUrl, m_localToken, u"local"_qs);
    if (!m_viewingLocal) {
        m_viewingLocal = true;
        emit viewingChanged();
    }
}

void DesktopController::quit()
{
    emit quitRequested();
}

} // namespace tickscope
