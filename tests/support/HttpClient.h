#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>
#include <utility>

namespace tickscope::test {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One HTTP response exactly as it came off the wire.
struct HttpReply
{
    int status = 0; // 0: no response (see transportError)
    QByteArray statusLine;
    HttpHeaders headers; // names lower-cased, in the order sent
    QByteArray body;
    QByteArray raw;
    QString transportError;

    std::optional<QByteArray> header(const QByteArray &lowerName) const;
    int headerCount(const QByteArray &lowerName) const;
    QJsonObject json() const;   // the body as a JSON object (empty when it is not one)
    QString errorCode() const;  // error.code of an error body
    QString errorParam() const; // error.param of an error body
    // A one-line description for test failure messages.
    QByteArray describe() const;
};

// HTTP/1.1 through a raw QTcpSocket, so that tests send exact bytes and see exact
// status lines. Blocking: the server runs in another process.
class HttpClient
{
public:
    // Sends `request` as is and reads the response: up to the end of the head for a
    // 101, else until Content-Length is satisfied or the server closes.
    static HttpReply send(quint16 port, const QByteArray &request, int timeoutMs = 30000);

    // GET `target` with a Host header and `headers`.
    static HttpReply get(quint16 port, const QByteArray &target, const HttpHeaders &headers = {},
                         int timeoutMs = 30000);

    // A request head: "<method> <target> HTTP/1.1", Host (unless `headers` has one), headers.
    static QByteArray requestHead(const QByteArray &method, const QByteArray &target,
                                  const HttpHeaders &headers, quint16 port);

    // The headers of a well-formed WebSocket upgrade (RFC 6455 4.1), with a fresh key.
    static HttpHeaders upgradeHeaders();
    static HttpHeaders bearer(const QString &token);

    static HttpReply parse(const QByteArray &raw);
};

} // namespace tickscope::test
