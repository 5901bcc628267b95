#include "HttpConnection.h"

#include "HttpRequestParser.h"

namespace tickscope {

HttpConnection::HttpConnection(QTcpSocket *socket, int headTimeoutMs, QObject *parent)
    : QObject(parent), m_socket(socket)
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] { emit closed(this); });
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_done)
            return;
        m_done = true;
        respond(HttpResponse::error(408, ErrorCode::BadRequest,
                                    u"the request head did not arrive in time"_qs));
        emit rejected(this, 408);
    });
    m_timeout.start(headTimeoutMs);
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::onReadyRead()
{
    if (m_done)
        return;
    const QByteArray data = m_socket->peek(HttpRequestParser::MaxHeadBytes + 1);
    const auto result = HttpRequestParser::parse(data);
    switch (result.status) {
    case HttpRequestParser::Status::Incomplete:
        return;
    case HttpRequestParser::Status::TooLarge:
        m_done = true;
        respond(HttpResponse::error(431, ErrorCode::BadRequest, result.error));
        emit rejected(this, 431);
        return;
    case HttpRequestParser::Status::Invalid:
        m_done = true;
        respond(HttpResponse::error(400, ErrorCode::BadRequest,
                                    u"malformed HTTP request: %1"_qs.arg(result.error)));
        emit rejected(this, 400);
        return;
    case HttpRequestParser::Status::Complete:
        m_done = true;
        m_timeout.stop();
        emit requestReady(this, result.request);
        return;
    }
}

void HttpConnection::respond(const HttpResponse &response, bool headRequest)
{
    m_done = true;
    m_timeout.stop();
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_socket->write(response.serialize(headRequest));
    // Close once written; disconnectFromHost waits for the write buffer to drain.
    m_socket->disconnectFromHost();
}

QTcpSocket *HttpConnection::release()
{
    m_done = true;
    m_timeout.stop();
    disconnect(m_socket, nullptr, this, nullptr);
    m_socket->setParent(nullptr);
    QTcpSocket *socket = m_socket;
    m_socket = nullptr;
    return socket;
}

} // namespace tickscope
