#pragma once

#include "BenchSocket.h"

#include <QHostAddress>
#include <QSocketNotifier>
#include <memory>
#include <vector>

namespace tickscope::bench {

// A minimal RFC 6455 client on a plain non-blocking TCP socket (QSocketNotifier for
// readiness). It does the HTTP upgrade itself, reads with recv() straight into one
// buffer that is reused for the life of the connection, and hands each complete
// unfragmented message to onMessage from there: no QString conversion (QWebSocket
// decodes every text message to UTF-16), no copy out of a Qt socket buffer, no
// allocation per frame. Fragmented messages are reassembled, pings answered with pongs,
// close frames echoed; client frames are masked as the RFC requires.
//
// Callbacks may call close() but must not delete the socket (use deleteLater()).
class RawWebSocket : public BenchSocket
{
    Q_OBJECT
public:
    RawWebSocket();
    ~RawWebSocket() override;

    void open(const QUrl &url, const QByteArray &token) override;
    void sendText(QByteArrayView text) override;
    void close() override;
    bool isOpen() const override { return m_state == State::Open; }
    qint64 bytesToWrite() const override { return qint64(m_out.size() - m_outBegin); }

private:
    enum class State
    {
        Idle,
        Connecting,
        Upgrading,
        Open,
        Closing,
        Closed
    };

    void onReadable();
    void onWritable();
    void onConnected();
    bool readUpgrade();
    bool readFrames();
    void sendFrame(quint8 opcode, QByteArrayView payload);
    void write(const char *data, std::size_t size);
    void fail(const QString &why);
    void finish(const QString &why);
    void closeDescriptor();

    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_readNotifier;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
    State m_state = State::Idle;
    QUrl m_url;
    QByteArray m_token;
    QByteArray m_key;
    std::vector<char> m_in; // receive buffer: [m_begin, m_end) is unread
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::size_t m_readSize = 4096; // grows while reads fill it
    std::vector<char> m_out;       // what the kernel did not take yet: [m_outBegin, size)
    std::size_t m_outBegin = 0;
    QByteArray m_fragments; // a fragmented message being reassembled
    bool m_inFragmented = false;
    std::vector<char> m_frame; // an outgoing frame being built
    quint32 m_maskState;
    bool m_closeSent = false;
    bool m_finished = false;
};

} // namespace tickscope::bench
