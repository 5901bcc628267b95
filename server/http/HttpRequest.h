#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <optional>
#include <utility>

namespace tickscope {

// One parsed HTTP/1.1 request head (the server takes no request bodies).
struct HttpRequest
{
    QByteArray method;
    QByteArray target; // as sent: path and query
    QString path;      // percent-decoded path
    QUrlQuery query;
    QByteArray version; // "HTTP/1.1"
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased
    qsizetype headSize = 0; // bytes of the request head, including the blank line

    // The value of a header (the first one when repeated), or nullopt.
    std::optional<QByteArray> header(QByteArrayView lowerName) const;
    // Whether a comma-separated header holds `token` (case-insensitive).
    bool headerHasToken(QByteArrayView lowerName, QByteArrayView token) const;
    bool isWebSocketUpgrade() const;
    // The bearer token from `Authorization: Bearer` or the `access_token` parameter.
    QString bearerToken() const;
};

} // namespace tickscope
