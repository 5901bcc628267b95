#pragma once

#include "protocol/ErrorCode.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace tickscope {

// A complete HTTP/1.1 response. The server closes the connection after each one.
class HttpResponse
{
public:
    explicit HttpResponse(int status, QByteArray body = {},
                 QByteArray contentType = "application/json");

    // {"error":{"code":..,"message":..,"param":..}} with the given status.
    static HttpResponse error(int status, ErrorCode code, const QString &message,
                              const QString &param = {});
    static HttpResponse json(int status, QByteArray body);

    HttpResponse &setHeader(const QByteArray &name, const QByteArray &value);
    int status() const { return m_status; }
    const QByteArray &body() const { return m_body; }
    QByteArray serialize(bool headRequest = false) const;

    static QByteArray reasonPhrase(int status);

private:
    int m_status;
    QByteArray m_body;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
};

} // namespace tickscope
