#include "QtBenchSocket.h"

#include <QNetworkRequest>

namespace tickscope::bench {

QtBenchSocket::QtBenchSocket()
{
    // No limit on what the server may send in one message (its own cap is 1 MiB).
    m_socket.setMaxAllowedIncomingMessageSize(64 << 20);
    connect(&m_socket, &QWebSocket::connected, this, [this] {
        m_open = true;
        if (onOpen)
            onOpen();
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &message) {
        const QByteArray utf8 = message.toUtf8();
        if (onMessage && !m_finished)
            onMessage(utf8.constData(), utf8.size());
    });
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        if (onMessage && !m_finished)
            onMessage(data.constData(), data.size());
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        finish(
            m_socket.closeCode() == QWebSocketProtocol::CloseCodeNormal
                ? u"closed"_qs
                : u"closed: %1 %2"_qs.arg(int(m_socket.closeCode())).arg(m_socket.closeReason()));
    });
    connect(&m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this] { finish(m_socket.errorString()); });
}

QtBenchSocket::~QtBenchSocket()
{
    m_finished = true;
    m_socket.disconnect(this);
    m_socket.abort();
}

void QtBenchSocket::open(const QUrl &url, const QByteArray &token)
{
    QNetworkRequest request(url);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", QByteArrayLiteral("Bearer ") + token);
    m_socket.open(request);
}

void QtBenchSocket::sendText(QByteArrayView text)
{
    if (m_open)
        m_socket.sendTextMessage(QString::fromUtf8(text));
}

void QtBenchSocket::close()
{
    m_open = false;
    m_socket.close();
}

qint64 QtBenchSocket::bytesToWrite() const
{
    return 0; // QWebSocket does not expose its socket's write buffer
}

void QtBenchSocket::finish(const QString &why)
{
    if (m_finished)
        return;
    m_finished = true;
    m_open = false;
    if (onClosed)
        onClosed(why);
}

} // namespace tickscope::bench
