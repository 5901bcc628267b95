#include "HttpClient.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTcpSocket>

namespace tickscope::test {

std::optional<QByteArray> HttpReply::header(const QByteArray &lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return std::nullopt;
}

int HttpReply::headerCount(const QByteArray &lowerName) const
{
    int count = 0;
    for (const auto &entry : headers)
        count += entry.first == lowerName ? 1 : 0;
    return count;
}

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString HttpReply::errorCode() const
{
    return json().value(u"error").toObject().value(u"code").toString();
}

QString HttpReply::errorParam() const
{
    return json().value(u"error").toObject().value(u"param").toString();
}

QByteArray HttpReply::describe() const
{
    if (status == 0)
        return "no response: " + transportError.toUtf8();
    return statusLine + " " + body.left(300);
}

HttpReply HttpClient::parse(const QByteArray &raw)
{
    HttpReply reply;
    reply.raw = raw;
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
        reply.transportError = u"incomplete response head"_qs;
        return reply;
    }
    const QList<QByteArray> lines = raw.first(end).split('\n');
    reply.statusLine = lines.value(0).trimmed();
    const QList<QByteArray> parts = reply.statusLine.split(' ');
    if (parts.size() < 2 || !parts[0].startsWith("HTTP/1.")) {
        reply.transportError = u"malformed status line"_qs;
        return reply;
    }
    bool ok = false;
    reply.status = parts[1].toInt(&ok);
    if (!ok)
        reply.status = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        reply.headers.append(
            {line.first(colon).trimmed().toLower(), line.sliced(colon + 1).trimmed()});
    }
    reply.body = raw.sliced(end + 4);
    if (const auto length = reply.header("content-length")) {
        const qsizetype size = length->toLongLong();
        if (reply.body.size() > size)
            reply.body.truncate(size);
    }
    return reply;
}

namespace {

// Whether `raw` holds a complete response.
bool complete(const QByteArray &raw)
{
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const HttpReply head = HttpClient::parse(raw);
    if (head.status == 101)
        return true;
    if (const auto length = head.header("content-length"))
        return raw.size() - (end + 4) >= length->toLongLong();
    return false;
}

} // namespace

HttpReply HttpClient::send(quint16 port, const QByteArray &request, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    HttpReply failed;
    if (!socket.waitForConnected(int(deadline.remainingTime()))) {
        failed.transportError = u"connect: "_qs + socket.errorString();
        return failed;
    }
    socket.write(request);
    QByteArray raw;
    while (!complete(raw) && !deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 &&
            !socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())))) {
            raw += socket.readAll();
            break; // closed, or timed out
        }
        raw += socket.readAll();
    }
    socket.abort();
    HttpReply reply = parse(raw);
    if (reply.status == 0 && reply.transportError.isEmpty())
        reply.transportError = u"no response"_qs;
    if (raw.isEmpty())
        reply.transportError = u"the server sent nothing: "_qs + socket.errorString();
    return reply;
}

QByteArray HttpClient::requestHead(const QByteArray &method, const QByteArray &target,
                                   const HttpHeaders &headers, quint16 port)
{
    QByteArray out = method + ' ' + target + " HTTP/1.1\r\n";
    bool hasHost = false;
    for (const auto &entry : headers)
        hasHost = hasHost || entry.first.compare("host", Qt::CaseInsensitive) == 0;
    if (!hasHost)
        out += "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    return out;
}

HttpReply HttpClient::get(quint16 port, const QByteArray &target, const HttpHeaders &headers,
                          int timeoutMs)
{
    return send(port, requestHead("GET", target, headers, port), timeoutMs);
}

HttpHeaders HttpClient::upgradeHeaders()
{
    QByteArray key(16, Qt::Uninitialized);
    for (char &c : key)
        c = char(QRandomGenerator::global()->bounded(256));
    return {{"Upgrade", "websocket"},
            {"Connection", "Upgrade"},
            {"Sec-WebSocket-Key", key.toBase64()},
            {"Sec-WebSocket-Version", "13"}};
}

HttpHeaders HttpClient::bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

} // namespace tickscope::test
