#include "HttpResponse.h"

#include "core/TickJson.h"

namespace tickscope {

HttpResponse::HttpResponse(int status, QByteArray body, QByteArray contentType)
    : m_status(status), m_body(std::move(body))
{
    if (!contentType.isEmpty())
        m_headers.append({"Content-Type", std::move(contentType)});
}

HttpResponse HttpResponse::json(int status, QByteArray body)
{
    return HttpResponse(status, std::move(body), "application/json");
}

HttpResponse HttpResponse::error(int status, ErrorCode code, const QString &message,
                                 const QString &param)
{
    QByteArray body = "{\"error\":{\"code\":\"";
    const auto name = errorCodeName(code);
    body.append(name.data(), name.size());
    body.append("\",\"message\":");
    TickJson::appendString(body, message);
    if (!param.isEmpty()) {
        body.append(",\"param\":");
        TickJson::appendString(body, param);
    }
    body.append("}}");
    return json(status, body);
}

HttpResponse &HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return *this;
        }
    }
    m_headers.append({name, value});
    return *this;
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

QByteArray HttpResponse::serialize(bool headRequest) const
{
    QByteArray out;
    out.reserve(160 + m_body.size());
    out.append("HTTP/1.1 ");
    out.append(QByteArray::number(m_status));
    out.append(' ');
    out.append(reasonPhrase(m_status));
    out.append("\r\n");
    for (const auto &[name, value] : m_headers) {
        out.append(name);
        out.append(": ");
        out.append(value);
        out.append("\r\n");
    }
    out.append("Content-Length: ");
    out.append(QByteArray::number(m_body.size()));
    out.append("\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
    if (!headRequest)
        out.append(m_body);
    return out;
}

} // namespace tickscope
