#include "SymbolDirectory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace tickscope {

namespace {
constexpr int RequestTimeoutMs = 5000;
constexpr qint64 MaxReplyBytes = qint64{8} * 1024 * 1024;
} // namespace

SymbolDirectory::SymbolDirectory(QObject *parent) : QObject(parent) {}

QUrl SymbolDirectory::symbolsUrl(const QUrl &streamUrl)
{
    if (!streamUrl.isValid() || streamUrl.host().isEmpty())
        return {};
    QUrl url;
    url.setScheme(streamUrl.scheme() == u"wss" ? u"https"_qs : u"http"_qs);
    url.setHost(streamUrl.host());
    url.setPort(streamUrl.port());
    url.setPath(u"/api/v1/symbols"_qs);
    return url;
}

void SymbolDirectory::setServer(const QUrl &streamUrl, const QString &token)
{
    if (m_reply)
        m_reply->abort();
    m_streamUrl = streamUrl;
    m_token = token;
    m_symbols.clear();
    m_error.clear();
    emit changed();
}

void SymbolDirectory::refresh()
{
    if (m_reply)
        return;
    const QUrl url = symbolsUrl(m_streamUrl);
    if (url.isEmpty()) {
        m_error = tr("no server to ask for symbols");
        emit changed();
        return;
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(RequestTimeoutMs);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    m_reply = m_network.get(request);
    QNetworkReply *reply = m_reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
    emit changed();
}

void SymbolDirectory::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply->error() == QNetworkReply::OperationCanceledError && m_reply != reply)
        return; // replaced by setServer()
    m_reply.clear();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->read(MaxReplyBytes);
    if (status != 200) {
        // The server's error message says which rule failed (e.g. the token's scope).
        const QString message = QJsonDocument::fromJson(body)
                                    .object()
                                    .value(u"error")
                                    .toObject()
                                    .value(u"message")
                                    .toString();
        m_error = status > 0 ? tr("the server answered %1%2")
                                   .arg(status)
                                   .arg(message.isEmpty() ? QString() : u": "_qs + message)
                             : tr("cannot reach the server: %1").arg(reply->errorString());
        emit changed();
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonValue list = document.object().value(u"symbols");
    if (parseError.error != QJsonParseError::NoError || !list.isArray()) {
        m_error = tr("the server's symbol list is not valid JSON");
        emit changed();
        return;
    }
    QStringList symbols;
    for (const auto &value : list.toArray()) {
        const QString symbol = value.toObject().value(u"symbol").toString();
        if (!symbol.isEmpty())
            symbols.append(symbol);
    }
    m_symbols = symbols;
    m_error.clear();
    emit changed();
}

} // namespace tickscope
