#pragma once

#include "BenchSocket.h"

#include <QWebSocket>

namespace tickscope::bench {

// BenchSocket on QWebSocket, for comparison with RawWebSocket: every text message arrives
// as QString and is converted back to UTF-8 before scanning, as a Qt client would do.
class QtBenchSocket : public BenchSocket
{
    Q_OBJECT
public:
    QtBenchSocket();
    ~QtBenchSocket() override;

    void open(const QUrl &url, const QByteArray &token) override;
    void sendText(QByteArrayView text) override;
    void close() override;
    bool isOpen() const override { return m_open; }
    qint64 bytesToWrite() const override;

private:
    void finish(const QString &why);

    QWebSocket m_socket;
    bool m_open = false;
    bool m_finished = false;
};

} // namespace tickscope::bench
