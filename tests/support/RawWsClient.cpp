#include "RawWsClient.h"

#include "Wait.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QtEndian>

namespace tickscope::test {

RawWsClient::RawWsClient(QObject *parent) : QObject(parent)
{
    m_socket.setReadBufferSize(ReadBufferBytes);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_closed = true; });
}

RawWsClient::~RawWsClient()
{
    disconnect(&m_socket, nullptr, this, nullptr);
    m_socket.abort();
}

bool RawWsClient::open(quint16 port, const QByteArray &target, const HttpHeaders &headers,
                       int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    if (!m_socket.waitForConnected(timeoutMs)) {
        m_handshake.transportError = u"connect: "_qs + m_socket.errorString();
        return false;
    }
    m_socket.write(
        HttpClient::requestHead("GET", target, HttpClient::upgradeHeaders() + headers, port));
    QByteArray raw;
    while (!raw.contains("\r\n\r\n") && !deadline.hasExpired()) {
        if (!m_socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            break;
        raw += m_socket.readAll();
    }
    const qsizetype end = raw.indexOf("\r\n\r\n");
    m_handshake = HttpClient::parse(end < 0 ? raw : raw.first(end + 4));
    if (m_handshake.status != 101)
        return false;
    m_buffer = raw.sliced(end + 4); // the hello may have come with the head
    m_bytesRead = m_buffer.size();
    connect(&m_socket, &QTcpSocket::readyRead, this, &RawWsClient::onReadyRead);
    parseFrames();
    return true;
}

void RawWsClient::pause()
{
    m_paused = true;
}

void RawWsClient::resume()
{
    m_paused = false;
    QMetaObject::invokeMethod(this, &RawWsClient::onReadyRead, Qt::QueuedConnection);
}

void RawWsClient::onReadyRead()
{
    if (m_paused)
        return;
    const QByteArray data = m_socket.readAll();
    m_bytesRead += data.size();
    m_buffer += data;
    parseFrames();
}

void RawWsClient::parseFrames()
{
    qsizetype pos = 0;
    for (;;) {
        const qsizetype left = m_buffer.size() - pos;
        if (left < 2)
            break;
        const auto *p = reinterpret_cast<const uchar *>(m_buffer.constData() + pos);
        const bool fin = p[0] & 0x80;
        const quint8 opcode = p[0] & 0x0f;
        quint64 length = p[1] & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (left < 4)
                break;
            length = qFromBigEndian<quint16>(p + 2);
            header = 4;
        } else if (length == 127) {
            if (left < 10)
                break;
            length = qFromBigEndian<quint64>(p + 2);
            header = 10;
        }
        if (p[1] & 0x80)
            header += 4; // servers do not mask, but be tolerant
        if (quint64(left) < header + length)
            break;
        const QByteArray payload = m_buffer.mid(pos + header, qsizetype(length));
        pos += header + qsizetype(length);
        switch (opcode) {
        case 0x0: // continuation
        case 0x1: // text
        case 0x2: // binary
            m_fragments += payload;
            if (fin) {
                ++m_messageCount;
                if (onText)
                    onText(m_fragments);
                else
                    m_messages.append(m_fragments);
                m_fragments.clear();
            }
            break;
        case 0x8: // close
            m_closeCode =
                payload.size() >= 2
                    ? qFromBigEndian<quint16>(reinterpret_cast<const uchar *>(payload.constData()))
                    : 1005;
            sendFrame(0x8, payload.left(2));
            m_socket.disconnectFromHost();
            break;
        case 0x9: // ping
            sendFrame(0xA, payload);
            break;
        default:
            break;
        }
    }
    m_buffer.remove(0, pos);
}

void RawWsClient::sendFrame(quint8 opcode, const QByteArray &payload)
{
    if (m_socket.state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray frame;
    frame.append(char(0x80 | opcode));
    const qsizetype n = payload.size();
    if (n < 126) {
        frame.append(char(0x80 | n));
    } else if (n < 65536) {
        frame.append(char(0x80 | 126));
        frame.append(char((n >> 8) & 0xff));
        frame.append(char(n & 0xff));
    } else {
        frame.append(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((quint64(n) >> shift) & 0xff));
    }
    const quint32 mask = QRandomGenerator::global()->generate();
    char key[4];
    qToBigEndian(mask, key);
    frame.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        frame.append(char(payload[i] ^ key[i % 4]));
    m_socket.write(frame);
}

void RawWsClient::sendText(const QByteArray &text)
{
    sendFrame(0x1, text);
}

QList<QByteArray> RawWsClient::takeMessages()
{
    QList<QByteArray> messages = std::move(m_messages);
    m_messages.clear();
    return messages;
}

bool RawWsClient::waitForClosed(int timeoutMs)
{
    return waitUntil([this] { return m_closed; }, timeoutMs);
}

} // namespace tickscope::test
