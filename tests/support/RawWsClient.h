#pragma once

#include "HttpClient.h"

#include <QByteArray>
#include <QObject>
#include <QTcpSocket>
#include <functional>

namespace tickscope::test {

// A minimal RFC 6455 client over a raw QTcpSocket: it performs the upgrade by hand and
// can stop reading altogether, which a QWebSocket cannot. With reading paused, what the
// server sends piles up in the kernel's socket buffers and then in the server: that
// is how a slow viewer looks from the server's side.
class RawWsClient : public QObject
{
    Q_OBJECT
public:
    explicit RawWsClient(QObject *parent = nullptr);
    ~RawWsClient() override;

    // Sends the upgrade request for `target` with `headers` (plus the upgrade headers) and
    // waits for the response head. True on 101; handshakeReply() has the response.
    bool open(quint16 port, const QByteArray &target, const HttpHeaders &headers,
              int timeoutMs = 30000);
    const HttpReply &handshakeReply() const { return m_handshake; }
    quint16 localPort() const { return m_socket.localPort(); }

    // Stops taking bytes off the socket. Qt's own buffer is capped (readBufferSize), so
    // the rest stays in the kernel and, past that, in the server.
    void pause();
    void resume();
    bool isPaused() const { return m_paused; }

    void sendText(const QByteArray &text);

    // Complete text messages in order; when no handler is set they are kept for takeMessages().
    std::function<void(const QByteArray &)> onText;
    QList<QByteArray> takeMessages();
    qint64 messagesReceived() const { return m_messageCount; }
    qint64 bytesRead() const { return m_bytesRead; }
    // Bytes Qt has taken off the socket that this client has not read yet.
    qint64 bytesBuffered() const { return m_socket.bytesAvailable(); }

    bool isClosed() const { return m_closed; }
    int closeCode() const { return m_closeCode; } // -1: no close frame seen
    bool waitForClosed(int timeoutMs = 30000);

private:
    void onReadyRead();
    void parseFrames();
    void sendFrame(quint8 opcode, const QByteArray &payload);

    QTcpSocket m_socket;
    HttpReply m_handshake;
    QByteArray m_buffer;
    QByteArray m_fragments;
    bool m_inMessage = false;
    bool m_paused = false;
    bool m_closed = false;
    int m_closeCode = -1;
    qint64 m_messageCount = 0;
    qint64 m_bytesRead = 0;
    QList<QByteArray> m_messages;

    static constexpr qint64 ReadBufferBytes = 64 * 1024;
};

} // namespace tickscope::test
