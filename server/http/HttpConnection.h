#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"

#include <QObject>
#include <QTcpSocket>
#include <QTimer>

namespace tickscope {

// A freshly accepted TCP connection while its request head arrives. The head is
// peeked, not consumed, so that an accepted upgrade can be handed with its bytes
// intact to QWebSocketServer::handleConnection().
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, int headTimeoutMs, QObject *parent = nullptr);

    QTcpSocket *socket() const { return m_socket; }

    // Writes the response and closes the connection once it is sent.
    void respond(const HttpResponse &response, bool headRequest = false);

    // Hands the socket over (for an upgrade): this object lets go of it and can be
    // deleted.
    QTcpSocket *release();

signals:
    void requestReady(tickscope::HttpConnection *connection, const tickscope::HttpRequest &request);
    // A malformed, oversized or too slow request: answered by the connection itself.
    void rejected(tickscope::HttpConnection *connection, int status);
    void closed(tickscope::HttpConnection *connection);

private:
    void onReadyRead();

    QTcpSocket *m_socket;
    QTimer m_timeout;
    bool m_done = false;
};

} // namespace tickscope
