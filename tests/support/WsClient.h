#pragma once

#include "HttpClient.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QUrl>
#include <QWebSocket>
#include <deque>
#include <memory>
#include <optional>

namespace tickscope::test {

struct WsOpenOptions
{
    HttpHeaders headers;       // extra request headers
    QString origin;            // empty: no Origin header
    bool tokenInQuery = false; // ?access_token= instead of Authorization
};

// A QWebSocket client with a synchronous style for tests: every wait spins the event
// loop with a timeout. Every message is kept in arrival order until taken; ticks are
// also recorded per symbol as they arrive, whether or not their frame is taken.
class WsClient : public QObject
{
    Q_OBJECT
public:
    struct Message
    {
        qint64 index = 0; // arrival order on this connection, from 0 (hello)
        QByteArray raw;
        QJsonObject json;
        QString op() const { return json.value(u"op").toString(); }
        std::optional<qint64> id() const;
        QString errorCode() const { return json.value(u"code").toString(); }
    };

    using OpenOptions = WsOpenOptions;

    explicit WsClient(QObject *parent = nullptr);
    ~WsClient() override;

    // Connects and waits for the `hello`. False with errorString() when refused or silent.
    bool open(const QUrl &url, const QString &token, const OpenOptions &options = {},
              int timeoutMs = 30000);
    QString errorString() const { return m_error; }
    bool isConnected() const;
    const QJsonObject &hello() const { return m_hello; }
    QString epoch() const { return m_hello.value(u"epoch").toString(); }

    void sendText(const QByteArray &text);
    void sendBinary(const QByteArray &data);
    void send(const QJsonObject &command);
    // Sends `command` with the next free id (unless it has one) and returns the id.
    qint64 sendCommand(QJsonObject command);
    // Sends `command` with a fresh id and waits for the message that carries it.
    std::optional<Message> request(const QJsonObject &command, int timeoutMs = 30000);
    // A tick to publish: {"s":..,"p":..,"v":..}, with "t" when timeUs >= 0.
    static QJsonObject tick(const QString &symbol, double price, double size = 0,
                            qint64 timeUs = -1);
    // Publishes `ticks` and waits for the reply (`published` or `error`).
    std::optional<Message> publish(const QJsonArray &ticks, int timeoutMs = 30000);

    std::optional<Message> next(int timeoutMs = 30000);
    // The next message with this op / id; the messages before it are dropped (their
    // ticks stay recorded).
    std::optional<Message> nextOp(const QString &op, int timeoutMs = 30000);
    std::optional<Message> nextWithId(qint64 id, int timeoutMs = 30000);
    qsizetype pending() const { return qsizetype(m_inbox.size()); }
    QList<Message> takeAll();

    // --- ticks as they arrived ---
    QList<qint64> seqs(const QString &symbol) const;
    QList<QJsonObject> ticks(const QString &symbol) const { return m_ticks.value(symbol); }
    qsizetype tickCount(const QString &symbol) const { return m_ticks.value(symbol).size(); }
    qint64 totalTicks() const { return m_totalTicks; }
    bool waitForTicks(const QString &symbol, qsizetype count, int timeoutMs = 30000);
    // Empty when the symbol's ticks are exactly q = first..last, else what is wrong.
    QString checkSequence(const QString &symbol, qint64 first, qint64 last) const;
    QList<QJsonObject> gaps() const { return m_gaps; }
    // The arrival index of the first ticks frame holding `symbol`, or -1.
    qint64 firstTicksIndex(const QString &symbol) const
    {
        return m_firstTicksIndex.value(symbol, -1);
    }
    void clearTicks();

    // --- closing ---
    bool waitForDisconnected(int timeoutMs = 30000);
    bool isDisconnected() const { return m_disconnected; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    void close();
    QWebSocket *socket() const { return m_socket.get(); }

private:
    void onText(const QString &text);

    std::unique_ptr<QWebSocket> m_socket;
    QString m_error;
    QJsonObject m_hello;
    std::deque<Message> m_inbox;
    qint64 m_received = 0;
    qint64 m_nextId = 1;
    QHash<QString, QList<QJsonObject>> m_ticks;
    QHash<QString, qint64> m_firstTicksIndex;
    qint64 m_totalTicks = 0;
    QList<QJsonObject> m_gaps;
    bool m_connected = false;
    bool m_disconnected = false;
    int m_closeCode = -1;
    QString m_closeReason;
};

} // namespace tickscope::test
