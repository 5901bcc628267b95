#include "RawWebSocket.h"

#include <QCryptographicHash>
#include <QHostInfo>
#include <QRandomGenerator>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tickscope::bench {

namespace {

constexpr std::size_t MaxReadSize = 1 << 20;
constexpr quint64 MaxMessage = 64ull << 20; // far above the protocol's 1 MiB: a sanity bound

QByteArray acceptFor(const QByteArray &key)
{
    return QCryptographicHash::hash(key + QByteArrayLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                    QCryptographicHash::Sha1)
        .toBase64();
}

} // namespace

RawWebSocket::RawWebSocket() : m_maskState(QRandomGenerator::global()->generate() | 1u) {}

RawWebSocket::~RawWebSocket()
{
    m_finished = true; // no callbacks from here on
    closeDescriptor();
}

void RawWebSocket::closeDescriptor()
{
    // Notifiers first: they must not outlive (or watch a reused number of) the descriptor.
    m_readNotifier.reset();
    m_writeNotifier.reset();
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

void RawWebSocket::open(const QUrl &url, const QByteArray &token)
{
    m_url = url;
    m_token = token;
    m_state = State::Connecting;
    QHostAddress address(url.host());
    if (address.isNull()) {
        const QHostInfo info = QHostInfo::fromName(url.host());
        if (info.addresses().isEmpty()) {
            // Report from the event loop: the caller does not expect callbacks inside open().
            QMetaObject::invokeMethod(
                this, [this, host = url.host()] { fail(u"cannot resolve %1"_qs.arg(host)); },
                Qt::QueuedConnection);
            return;
        }
        address = info.addresses().constFirst();
    }
    sockaddr_storage storage{};
    socklen_t length = 0;
    const auto port = quint16(url.port(80));
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, 16);
        length = sizeof(sockaddr_in6);
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    m_fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        const int error = errno;
        QMetaObject::invokeMethod(
            this,
            [this, error] {
                fail(u"socket(): %1"_qs.arg(QString::fromLocal8Bit(strerror(error))));
            },
            Qt::QueuedConnection);
        return;
    }
    // Latency matters more than segment count for a benchmark client.
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Non-blocking connect: completion (or failure) shows as writability.
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&storage), length) != 0 &&
        errno != EINPROGRESS) {
        const int error = errno;
        QMetaObject::invokeMethod(
            this,
            [this, error] {
                fail(u"connect(): %1"_qs.arg(QString::fromLocal8Bit(strerror(error))));
            },
            Qt::QueuedConnection);
        return;
    }
    m_readNotifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    m_writeNotifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Write);
    connect(m_readNotifier.get(), &QSocketNotifier::activated, this, &RawWebSocket::onReadable);
    connect(m_writeNotifier.get(), &QSocketNotifier::activated, this, &RawWebSocket::onWritable);
    m_readNotifier->setEnabled(false); // until connected
}

void RawWebSocket::onWritable()
{
    if (m_finished)
        return;
    if (m_state == State::Connecting) {
        int error = 0;
        socklen_t size = sizeof error;
        ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error != 0) {
            fail(u"connect: %1"_qs.arg(QString::fromLocal8Bit(strerror(error))));
            return;
        }
        m_writeNotifier->setEnabled(false);
        m_readNotifier->setEnabled(true);
        onConnected();
        return;
    }
    // Flush what the kernel did not take before.
    while (m_outBegin < m_out.size()) {
        const ssize_t n =
            ::send(m_fd, m_out.data() + m_outBegin, m_out.size() - m_outBegin, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            fail(u"send: %1"_qs.arg(QString::fromLocal8Bit(strerror(errno))));
            return;
        }
        m_outBegin += std::size_t(n);
    }
    m_out.clear();
    m_outBegin = 0;
    m_writeNotifier->setEnabled(false);
    if (m_state == State::Closing)
        ::shutdown(m_fd, SHUT_WR);
}

void RawWebSocket::write(const char *data, std::size_t size)
{
    if (m_fd < 0 || m_finished)
        return;
    if (m_outBegin == m_out.size()) {
        // Nothing queued: hand it to the kernel directly, queue only the rest.
        const ssize_t n = ::send(m_fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            fail(u"send: %1"_qs.arg(QString::fromLocal8Bit(strerror(errno))));
            return;
        }
        const auto sent = std::size_t(std::max<ssize_t>(n, 0));
        if (sent == size)
            return;
        data += sent;
        size -= sent;
        m_writeNotifier->setEnabled(true);
    }
    m_out.insert(m_out.end(), data, data + size);
}

void RawWebSocket::onConnected()
{
    QByteArray nonce(16, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    m_key = nonce.toBase64();
    QByteArray path = m_url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = QByteArrayLiteral("/");
    if (m_url.hasQuery())
        path += '?' + m_url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray request;
    request.reserve(256 + m_token.size());
    request += QByteArrayLiteral("GET ") + path + QByteArrayLiteral(" HTTP/1.1\r\nHost: ");
    request += m_url.host().toLatin1() + ':' + QByteArray::number(m_url.port(80));
    request += QByteArrayLiteral("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
    request += m_key;
    if (!m_token.isEmpty())
        request += QByteArrayLiteral("\r\nAuthorization: Bearer ") + m_token;
    request += QByteArrayLiteral("\r\n\r\n");
    m_state = State::Upgrading;
    write(request.constData(), std::size_t(request.size()));
}

void RawWebSocket::onReadable()
{
    // A few reads per wake-up at most, so that one busy connection does not starve the
    // others of the thread.
    for (int round = 0; round < 4 && !m_finished; ++round) {
        if (m_begin == m_end) {
            m_begin = m_end = 0;
        } else if (m_in.size() - m_end < m_readSize && m_begin > 0) {
            std::memmove(m_in.data(), m_in.data() + m_begin, m_end - m_begin);
            m_end -= m_begin;
            m_begin = 0;
        }
        if (m_in.size() - m_end < m_readSize)
            m_in.resize(m_end + m_readSize);
        const std::size_t space = m_in.size() - m_end;
        const ssize_t n = ::recv(m_fd, m_in.data() + m_end, space, 0);
        if (n == 0) {
            finish(m_state == State::Closing ? u"closed"_qs : u"connection lost"_qs);
            closeDescriptor();
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            fail(u"recv: %1"_qs.arg(QString::fromLocal8Bit(strerror(errno))));
            return;
        }
        m_end += std::size_t(n);
        // Idle connections keep a small buffer; busy ones read in large gulps.
        const bool filled = std::size_t(n) == space;
        if (filled && m_readSize < MaxReadSize)
            m_readSize *= 4;
        if (m_state == State::Upgrading && !readUpgrade())
            return;
        if ((m_state == State::Open || m_state == State::Closing) && !readFrames())
            return;
        if (!filled)
            return; // drained
    }
}

bool RawWebSocket::readUpgrade()
{
    const std::string_view unread(m_in.data() + m_begin, m_end - m_begin);
    const auto headerEnd = unread.find("\r\n\r\n");
    if (headerEnd == std::string_view::npos) {
        if (unread.size() > 64 * 1024) {
            fail(u"upgrade response headers exceed 64 KiB"_qs);
            return false;
        }
        return true; // wait for more
    }
    const QByteArray head(unread.data(), qsizetype(headerEnd));
    const QList<QByteArray> lines = head.split('\n');
    const QByteArray status = lines.value(0).trimmed();
    if (!status.startsWith("HTTP/1.1 101")) {
        const QByteArray body(unread.data() + headerEnd + 4,
                              qsizetype(unread.size() - headerEnd - 4));
        fail(u"upgrade refused: %1 %2"_qs.arg(QString::fromLatin1(status),
                                              QString::fromUtf8(body.left(300))));
        return false;
    }
    QByteArray accept;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const auto colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "sec-websocket-accept")
            accept = line.mid(colon + 1).trimmed();
    }
    if (accept != acceptFor(m_key)) {
        fail(u"upgrade response has a wrong Sec-WebSocket-Accept"_qs);
        return false;
    }
    m_begin += headerEnd + 4;
    m_state = State::Open;
    if (onOpen)
        onOpen();
    return !m_finished;
}

bool RawWebSocket::readFrames()
{
    while (!m_finished) {
        const std::size_t available = m_end - m_begin;
        if (available < 2)
            return true;
        const auto *h = reinterpret_cast<const uchar *>(m_in.data() + m_begin);
        const bool fin = h[0] & 0x80;
        const quint8 opcode = h[0] & 0x0f;
        const bool masked = h[1] & 0x80;
        quint64 length = h[1] & 0x7f;
        std::size_t header = 2;
        if (length == 126) {
            if (available < 4)
                return true;
            length = (quint64(h[2]) << 8) | h[3];
            header = 4;
        } else if (length == 127) {
            if (available < 10)
                return true;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | h[i];
            header = 10;
        }
        if (length > MaxMessage) {
            fail(u"server frame of %1 bytes exceeds the tool's bound"_qs.arg(length));
            return false;
        }
        const std::size_t maskAt = header;
        if (masked)
            header += 4;
        if (available < header + length) {
            // Make room so the rest of this frame fits without another move.
            if (m_in.size() - m_begin < header + length) {
                std::memmove(m_in.data(), m_in.data() + m_begin, available);
                m_end = available;
                m_begin = 0;
                m_in.resize(std::max(m_in.size(), header + std::size_t(length)));
            }
            return true;
        }
        char *payload = m_in.data() + m_begin + header;
        if (masked) {
            const char *key = m_in.data() + m_begin + maskAt;
            for (quint64 i = 0; i < length; ++i)
                payload[i] ^= key[i & 3];
        }
        m_begin += header + std::size_t(length);
        const auto size = qsizetype(length);
        switch (opcode) {
        case 0x1:
        case 0x2:
            if (m_inFragmented) {
                fail(u"new data frame inside a fragmented message"_qs);
                return false;
            }
            if (fin) {
                if (onMessage)
                    onMessage(payload, size);
            } else {
                m_fragments = QByteArray(payload, size);
                m_inFragmented = true;
            }
            break;
        case 0x0:
            if (!m_inFragmented) {
                fail(u"continuation frame without a message"_qs);
                return false;
            }
            m_fragments.append(payload, size);
            if (fin) {
                m_inFragmented = false;
                const QByteArray message = std::move(m_fragments);
                m_fragments = QByteArray();
                if (onMessage)
                    onMessage(message.constData(), message.size());
            }
            break;
        case 0x8: {
            int code = 1005;
            if (size >= 2)
                code = (quint8(payload[0]) << 8) | quint8(payload[1]);
            const QString reason = size > 2 ? QString::fromUtf8(payload + 2, size - 2) : QString();
            if (!m_closeSent) {
                m_closeSent = true;
                sendFrame(0x8, QByteArrayView(payload, std::min<qsizetype>(size, 2)));
            }
            finish(u"closed by the server: %1 %2"_qs.arg(code).arg(reason));
            closeDescriptor();
            return false;
        }
        case 0x9:
            sendFrame(0xA, QByteArrayView(payload, size));
            break;
        case 0xA:
            break;
        default:
            fail(u"unknown opcode %1"_qs.arg(opcode));
            return false;
        }
    }
    return false;
}

void RawWebSocket::sendFrame(quint8 opcode, QByteArrayView payload)
{
    if (m_state != State::Open && !(opcode == 0x8 || opcode == 0xA))
        return;
    const auto size = std::size_t(payload.size());
    const std::size_t header = size < 126 ? 2 : size < 65536 ? 4 : 10;
    m_frame.resize(header + 4 + size);
    auto *out = reinterpret_cast<uchar *>(m_frame.data());
    out[0] = 0x80 | opcode;
    if (size < 126) {
        out[1] = 0x80 | uchar(size);
    } else if (size < 65536) {
        out[1] = 0x80 | 126;
        out[2] = uchar(size >> 8);
        out[3] = uchar(size);
    } else {
        out[1] = 0x80 | 127;
        for (int i = 0; i < 8; ++i)
            out[2 + i] = uchar(quint64(size) >> (56 - 8 * i));
    }
    // xorshift32: unpredictable enough for masking, which only defeats proxy cache poisoning.
    m_maskState ^= m_maskState << 13;
    m_maskState ^= m_maskState >> 17;
    m_maskState ^= m_maskState << 5;
    const quint32 key = m_maskState;
    std::memcpy(out + header, &key, 4);
    uchar *dst = out + header + 4;
    const auto *src = reinterpret_cast<const uchar *>(payload.data());
    const quint64 key8 = (quint64(key) << 32) | key;
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        std::memcpy(&word, src + i, 8);
        word ^= key8;
        std::memcpy(dst + i, &word, 8);
    }
    const auto *keyBytes = reinterpret_cast<const uchar *>(&key);
    for (; i < size; ++i)
        dst[i] = src[i] ^ keyBytes[i & 3];
    write(m_frame.data(), m_frame.size());
}

void RawWebSocket::sendText(QByteArrayView text)
{
    sendFrame(0x1, text);
}

void RawWebSocket::close()
{
    if (m_finished)
        return;
    if (m_state == State::Open && !m_closeSent) {
        m_closeSent = true;
        const char normal[2] = {char(0x03), char(0xE8)};
        sendFrame(0x8, QByteArrayView(normal, 2));
    }
    if (m_state == State::Connecting || m_state == State::Idle) {
        finish(u"closed"_qs);
        closeDescriptor();
        return;
    }
    // Half-close once the close frame is out; the server's close or EOF ends it.
    m_state = State::Closing;
    if (m_fd >= 0 && m_outBegin == m_out.size())
        ::shutdown(m_fd, SHUT_WR);
}

void RawWebSocket::fail(const QString &why)
{
    finish(why);
    closeDescriptor();
}

void RawWebSocket::finish(const QString &why)
{
    if (m_finished)
        return;
    m_finished = true;
    m_state = State::Closed;
    if (onClosed)
        onClosed(why);
}

} // namespace tickscope::bench
