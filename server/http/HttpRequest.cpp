#include "HttpRequest.h"

namespace tickscope {

std::optional<QByteArray> HttpRequest::header(QByteArrayView lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return std::nullopt;
}

bool HttpRequest::headerHasToken(QByteArrayView lowerName, QByteArrayView token) const
{
    for (const auto &[name, value] : headers) {
        if (name != lowerName)
            continue;
        for (const QByteArray &part : value.split(',')) {
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

bool HttpRequest::isWebSocketUpgrade() const
{
    return headerHasToken("upgrade", "websocket") && headerHasToken("connection", "upgrade");
}

QString HttpRequest::bearerToken() const
{
    if (const auto authorization = header("authorization")) {
        const QByteArray value = authorization->trimmed();
        if (value.size() > 7 && value.first(7).compare("bearer ", Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(value.sliced(7).trimmed());
        return QString();
    }
    return query.queryItemValue(u"access_token"_qs, QUrl::FullyDecoded);
}

} // namespace tickscope
