#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>

namespace tickscope::bench {

enum class ClientKind
{
    Raw, // RawWebSocket: our own RFC 6455 client on QTcpSocket
    Qt   // QWebSocket
};

// A client WebSocket as the benchmark needs it: connect with a bearer token, get whole
// messages as bytes, send text. Two implementations so their cost can be compared.
class BenchSocket : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    static std::unique_ptr<BenchSocket> create(ClientKind kind);

    // The WebSocket is open (upgrade accepted).
    std::function<void()> onOpen;
    // A whole text or binary message; the bytes are only valid during the call.
    std::function<void(const char *data, qsizetype size)> onMessage;
    // The connection ended or could not be made; called at most once.
    std::function<void(const QString &why)> onClosed;

    virtual void open(const QUrl &url, const QByteArray &token) = 0;
    virtual void sendText(QByteArrayView text) = 0;
    // Starts the closing handshake (code 1000) and lets the TCP connection go.
    virtual void close() = 0;
    virtual bool isOpen() const = 0;
    // Bytes written but not yet handed to the kernel.
    virtual qint64 bytesToWrite() const = 0;
};

} // namespace tickscope::bench
