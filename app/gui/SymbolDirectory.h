#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>

class QNetworkReply;

namespace tickscope {

// The symbols a server has history for (GET /api/v1/symbols), so that Ctrl+K finds
// symbols that are not in the watchlist yet. Asynchronous: the GUI thread never waits on
// the network. The token is kept in memory only.
class SymbolDirectory : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QStringList symbols READ symbols NOTIFY changed)
    Q_PROPERTY(bool loading READ loading NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)
public:
    explicit SymbolDirectory(QObject *parent = nullptr);

    // The stream URL (ws[s]://host:port/v1/stream) and its token; the REST API is on
    // the same port.
    void setServer(const QUrl &streamUrl, const QString &token);
    static QUrl symbolsUrl(const QUrl &streamUrl);

    QStringList symbols() const { return m_symbols; }
    bool loading() const { return !m_reply.isNull(); }
    QString error() const { return m_error; }

    // Fetches the list again (one request at a time; a call while loading is a no-op).
    Q_INVOKABLE void refresh();

signals:
    void changed();

private:
    void onFinished(QNetworkReply *reply);

    QNetworkAccessManager m_network;
    QPointer<QNetworkReply> m_reply;
    QUrl m_streamUrl;
    QString m_token;
    QStringList m_symbols;
    QString m_error;
};

} // namespace tickscope
