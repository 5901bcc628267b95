#include "WsClient.h"

#include "Wait.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace tickscope::test {

std::optional<qint64> WsClient::Message::id() const
{
    const QJsonValue value = json.value(u"id");
    if (!value.isDouble())
        return std::nullopt;
    return value.toInteger();
}

WsClient::WsClient(QObject *parent) : QObject(parent) {}

WsClient::~WsClient()
{
    if (m_socket) {
        disconnect(m_socket.get(), nullptr, this, nullptr);
        m_socket->abort();
    }
}

bool WsClient::open(const QUrl &url, const QString &token, const OpenOptions &options,
                    int timeoutMs)
{
    m_socket = std::make_unique<QWebSocket>(options.origin);
    // Replies up to the protocol's 1 MiB and more must arrive whole.
    m_socket->setMaxAllowedIncomingMessageSize(64 << 20);
    connect(m_socket.get(), &QWebSocket::connected, this, [this] { m_connected = true; });
    connect(m_socket.get(), &QWebSocket::disconnected, this, [this] {
        m_disconnected = true;
        m_closeCode = int(m_socket->closeCode());
        m_closeReason = m_socket->closeReason();
    });
    connect(m_socket.get(), qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) { m_error = m_socket->errorString(); });
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &WsClient::onText);

    QUrl target = url;
    QNetworkRequest request;
    if (!token.isEmpty() && options.tokenInQuery) {
        QUrlQuery query(target);
        query.addQueryItem(u"access_token"_qs, token);
        target.setQuery(query);
    }
    request.setUrl(target);
    if (!token.isEmpty() && !options.tokenInQuery)
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    for (const auto &[name, value] : options.headers)
        request.setRawHeader(name, value);
    m_socket->open(request);

    waitUntil([this] { return m_connected || m_disconnected || !m_error.isEmpty(); }, timeoutMs);
    if (!m_connected) {
        if (m_error.isEmpty())
            m_error = u"no connection in time"_qs;
        return false;
    }
    const auto first = next(timeoutMs);
    if (!first || first->op() != u"hello") {
        m_error = first ? u"the first message is not hello: "_qs + QString::fromUtf8(first->raw)
                        : u"no hello in time"_qs;
        return false;
    }
    m_hello = first->json;
    return true;
}

bool WsClient::isConnected() const
{
    return m_socket && m_connected && !m_disconnected &&
           m_socket->state() == QAbstractSocket::ConnectedState;
}

void WsClient::onText(const QString &text)
{
    Message message;
    message.index = m_received++;
    message.raw = text.toUtf8();
    message.json = QJsonDocument::fromJson(message.raw).object();
    const QString op = message.op();
    if (op == u"ticks") {
        const QJsonArray ticks = message.json.value(u"ticks").toArray();
        for (const QJsonValue &value : ticks) {
            const QJsonObject tick = value.toObject();
            const QString symbol = tick.value(u"s").toString();
            if (!m_firstTicksIndex.contains(symbol))
                m_firstTicksIndex.insert(symbol, message.index);
            m_ticks[symbol].append(tick);
            ++m_totalTicks;
        }
    } else if (op == u"gap") {
        m_gaps.append(message.json);
    }
    m_inbox.push_back(std::move(message));
}

void WsClient::sendText(const QByteArray &text)
{
    m_socket->sendTextMessage(QString::fromUtf8(text));
}

void WsClient::sendBinary(const QByteArray &data)
{
    m_socket->sendBinaryMessage(data);
}

void WsClient::send(const QJsonObject &command)
{
    sendText(QJsonDocument(command).toJson(QJsonDocument::Compact));
}

qint64 WsClient::sendCommand(QJsonObject command)
{
    qint64 id = 0;
    if (command.contains(u"id")) {
        id = command.value(u"id").toInteger();
    } else {
        id = m_nextId++;
        command.insert(u"id", id);
    }
    send(command);
    return id;
}

std::optional<WsClient::Message> WsClient::request(const QJsonObject &command, int timeoutMs)
{
    const qint64 id = sendCommand(command);
    return nextWithId(id, timeoutMs);
}

QJsonObject WsClient::tick(const QString &symbol, double price, double size, qint64 timeUs)
{
    QJsonObject tick{{u"s"_qs, symbol}, {u"p"_qs, price}, {u"v"_qs, size}};
    if (timeUs >= 0)
        tick.insert(u"t"_qs, timeUs);
    return tick;
}

std::optional<WsClient::Message> WsClient::publish(const QJsonArray &ticks, int timeoutMs)
{
    return request(QJsonObject{{u"op"_qs, u"publish"_qs}, {u"ticks"_qs, ticks}}, timeoutMs);
}

std::optional<WsClient::Message> WsClient::next(int timeoutMs)
{
    waitUntil([this] { return !m_inbox.empty() || m_disconnected; }, timeoutMs);
    if (m_inbox.empty())
        return std::nullopt;
    Message message = std::move(m_inbox.front());
    m_inbox.pop_front();
    return message;
}

std::optional<WsClient::Message> WsClient::nextOp(const QString &op, int timeoutMs)
{
    std::optional<Message> found;
    waitUntil(
        [&] {
            while (!m_inbox.empty()) {
                Message message = std::move(m_inbox.front());
                m_inbox.pop_front();
                if (message.op() == op) {
                    found = std::move(message);
                    return true;
                }
            }
            return m_disconnected;
        },
        timeoutMs);
    return found;
}

std::optional<WsClient::Message> WsClient::nextWithId(qint64 id, int timeoutMs)
{
    std::optional<Message> found;
    waitUntil(
        [&] {
            while (!m_inbox.empty()) {
                Message message = std::move(m_inbox.front());
                m_inbox.pop_front();
                if (message.id() == id) {
                    found = std::move(message);
                    return true;
                }
            }
            return m_disconnected;
        },
        timeoutMs);
    return found;
}

QList<WsClient::Message> WsClient::takeAll()
{
    QList<Message> all;
    while (!m_inbox.empty()) {
        all.append(std::move(m_inbox.front()));
        m_inbox.pop_front();
    }
    return all;
}

QList<qint64> WsClient::seqs(const QString &symbol) const
{
    QList<qint64> result;
    for (const QJsonObject &tick : m_ticks.value(symbol))
        result.append(tick.value(u"q").toInteger());
    return result;
}

bool WsClient::waitForTicks(const QString &symbol, qsizetype count, int timeoutMs)
{
    return waitUntil([&] { return tickCount(symbol) >= count || m_disconnected; }, timeoutMs) &&
           tickCount(symbol) >= count;
}

QString WsClient::checkSequence(const QString &symbol, qint64 first, qint64 last) const
{
    const QList<qint64> got = seqs(symbol);
    const qint64 expected = last - first + 1;
    for (qsizetype i = 0; i < got.size(); ++i) {
        if (got[i] != first + i) {
            return u"%1: tick #%2 has q %3, expected %4"_qs.arg(symbol).arg(i).arg(got[i]).arg(
                first + i);
        }
    }
    if (got.size() != expected)
        return u"%1: got %2 ticks, expected %3 (q %4..%5)"_qs.arg(symbol)
            .arg(got.size())
            .arg(expected)
            .arg(first)
            .arg(last);
    return {};
}

void WsClient::clearTicks()
{
    m_ticks.clear();
    m_firstTicksIndex.clear();
    m_totalTicks = 0;
    m_gaps.clear();
}

bool WsClient::waitForDisconnected(int timeoutMs)
{
    return waitUntil([this] { return m_disconnected; }, timeoutMs);
}

void WsClient::close()
{
    if (m_socket)
        m_socket->close();
}

} // namespace tickscope::test
