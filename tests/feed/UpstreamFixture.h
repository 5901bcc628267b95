#pragma once

// A small but real upstream Tickscope server for the relay tests: a QWebSocketServer on
// 127.0.0.1 that speaks enough of PROTOCOL.md (hello, subscribe with since, subscribed with
// recovered/next, ticks, gap). Its history lives in an UpstreamStore that outlives the
// server, so destroying and recreating the fixture on the same port is a restart.
// No Q_OBJECT here (connections use lambdas).

#include "core/Tick.h"
#include "protocol/CommandParser.h"
#include "protocol/ServerMessage.h"

#include <QHostAddress>
#include <QPointer>
#include <QSet>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketCorsAuthenticator>
#include <QWebSocketServer>
#include <memory>
#include <vector>

namespace fixture {

using tickscope::Tick;
using tickscope::TickList;

struct UpstreamStore
{
    QString epoch = u"E1"_qs;
    QHash<QString, TickList> history;      // every tick ever, q = index + 1
    QHash<QString, qint64> oldestRetained; // default 1
    qint64 nextTimeUs = 1'763'790'000'000'000;

    qint64 newest(const QString &symbol) const { return history.value(symbol).size(); }
    qint64 oldest(const QString &symbol) const { return oldestRetained.value(symbol, 1); }

    Tick append(const QString &symbol, double price, double size)
    {
        TickList &ticks = history[symbol];
        Tick tick{symbol, qint64(ticks.size()) + 1, nextTimeUs, price, size};
        nextTimeUs += 137;
        ticks.append(tick);
        return tick;
    }
    // q first..last of a symbol (inclusive), as stored.
    TickList range(const QString &symbol, qint64 first, qint64 last) const
    {
        TickList out;
        const TickList &ticks = history[symbol];
        for (qint64 q = std::max<qint64>(first, 1); q <= std::min<qint64>(last, ticks.size()); ++q)
            out.append(ticks.at(q - 1));
        return out;
    }
};

class UpstreamFixture
{
public:
    struct Client
    {
        QPointer<QWebSocket> socket;
        QSet<QString> symbols;
    };

    // Listens on 127.0.0.1:port (0: any free port).
    UpstreamFixture(UpstreamStore *store, quint16 port = 0)
        : m_store(store), m_server(u"upstream-fixture"_qs, QWebSocketServer::NonSecureMode)
    {
        QObject::connect(&m_server, &QWebSocketServer::originAuthenticationRequired, &m_server,
                         [this](QWebSocketCorsAuthenticator *authenticator) {
                             authenticator->setAllowed(!refuseHandshake);
                         });
        QObject::connect(&m_server, &QWebSocketServer::newConnection, &m_server,
                         [this] { onNewConnection(); });
        m_listening = m_server.listen(QHostAddress::LocalHost, port);
    }

    ~UpstreamFixture() { shutdown(true); }

    bool isListening() const { return m_listening; }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1/v1/stream"_qs.arg(port())); }

    // Stops like a server that goes down: with 1001 to every client, or by cutting the
    // connections without a close frame.
    void shutdown(bool graceful)
    {
        m_server.close();
        for (Client &client : m_clients) {
            if (!client.socket)
                continue;
            if (graceful)
                client.socket->close(QWebSocketProtocol::CloseCodeGoingAway,
                                     u"server shutting down"_qs);
            else
                client.socket->abort();
        }
        if (graceful)
            (void)QTest::qWaitFor([this] { return connectedClients() == 0; }, 2000);
        for (Client &client : m_clients) {
            if (client.socket)
                delete client.socket.data();
        }
        m_clients.clear();
    }

    // Closes every client with 1001 but keeps listening.
    void shutdownClients()
    {
        for (Client &client : m_clients) {
            if (client.socket)
                client.socket->close(QWebSocketProtocol::CloseCodeGoingAway);
        }
    }

    int connectedClients() const
    {
        int count = 0;
        for (const Client &client : m_clients) {
            if (client.socket && client.socket->state() == QAbstractSocket::ConnectedState)
                ++count;
        }
        return count;
    }

    // Appends ticks to the store and sends them, as one frame, to the clients subscribed.
    TickList publish(const QList<std::pair<QString, double>> &ticks, double size = 1.0)
    {
        TickList added;
        for (const auto &[symbol, price] : ticks)
            added.append(m_store->append(symbol, price, size));
        sendTicks(added);
        return added;
    }

    void sendTicks(const TickList &ticks)
    {
        for (Client &client : m_clients) {
            TickList mine;
            for (const Tick &tick : ticks) {
                if (client.symbols.contains(tick.symbol))
                    mine.append(tick);
            }
            if (client.socket && !mine.isEmpty())
                client.socket->sendTextMessage(
                    QString::fromUtf8(tickscope::ServerMessage::ticks(mine)));
        }
    }

    void sendToAll(const QByteArray &frame)
    {
        for (Client &client : m_clients) {
            if (client.socket)
                client.socket->sendTextMessage(QString::fromUtf8(frame));
        }
    }

    // Behaviour switches.
    bool refuseHandshake = false; // answer the upgrade with HTTP 403
    int closeAfterHello = 0;      // close with this code right after hello (0: don't)

    // What the fixture saw.
    QList<tickscope::SubscribeCommand> subscribes;
    QList<QByteArray> authorizations;
    int connections = 0;

private:
    void onNewConnection()
    {
        while (QWebSocket *socket = m_server.nextPendingConnection()) {
            ++connections;
            authorizations.append(socket->request().rawHeader("Authorization"));
            m_clients.push_back({socket, {}});
            const size_t index = m_clients.size() - 1;
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                             [this, index](const QString &text) { onMessage(index, text); });
            socket->sendTextMessage(QString::fromUtf8(tickscope::ServerMessage::hello(
                u"9.9.9"_qs, m_store->epoch, u"s%1"_qs.arg(connections), 15000)));
            if (closeAfterHello)
                socket->close(QWebSocketProtocol::CloseCode(closeAfterHello), u"refused"_qs);
        }
    }

    void onMessage(size_t index, const QString &text)
    {
        Client &client = m_clients[index];
        const tickscope::CommandParser::Result parsed = tickscope::CommandParser::parse(text);
        QVERIFY2(parsed.ok(), qPrintable(text));
        const auto *subscribe = std::get_if<tickscope::SubscribeCommand>(&parsed.command->body);
        if (!subscribe)
            return;
        subscribes.append(*subscribe);
        QList<tickscope::ServerMessage::SubscribedSymbol> reply;
        TickList replay;
        for (const QString &symbol : subscribe->symbols) {
            const qint64 newest = m_store->newest(symbol);
            const qint64 oldest = m_store->oldest(symbol);
            tickscope::ServerMessage::SubscribedSymbol entry{symbol, true, newest + 1};
            if (subscribe->since && subscribe->since->seq.contains(symbol)) {
                const qint64 given = subscribe->since->seq.value(symbol);
                const bool sameEpoch = subscribe->since->epoch == m_store->epoch;
                if (sameEpoch && given <= newest && given + 1 >= oldest) {
                    entry.next = given + 1;
                } else {
                    entry.recovered = false;
                    entry.next = oldest <= newest ? oldest : newest + 1;
                }
                replay += m_store->range(symbol, entry.next, newest);
            }
            reply.append(entry);
            client.symbols.insert(symbol);
        }
        client.socket->sendTextMessage(QString::fromUtf8(
            tickscope::ServerMessage::subscribed(parsed.command->id, m_store->epoch, reply)));
        if (!replay.isEmpty())
            client.socket->sendTextMessage(
                QString::fromUtf8(tickscope::ServerMessage::ticks(replay)));
    }

    UpstreamStore *m_store;
    QWebSocketServer m_server;
    bool m_listening = false;
    std::vector<Client> m_clients;
};

} // namespace fixture
