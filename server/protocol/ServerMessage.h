#pragma once

#include "ErrorCode.h"
#include "core/Tick.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace tickscope {

// Builders for the server's frames (PROTOCOL.md section 4). Each returns one complete
// JSON text frame.
class ServerMessage
{
public:
    struct SubscribedSymbol
    {
        QString symbol;
        bool recovered = true;
        qint64 next = 1;
    };
    struct PublishedRange
    {
        QString symbol;
        qint64 first = 0;
        qint64 last = 0;
    };

    static QByteArray hello(const QString &version, const QString &epoch, const QString &session,
                            int heartbeatMs);
    static QByteArray subscribed(std::optional<qint64> id, const QString &epoch,
                                 const QList<SubscribedSymbol> &symbols);
    static QByteArray unsubscribed(std::optional<qint64> id, const QStringList &symbols);
    static QByteArray gap(const QString &symbol, qint64 from, qint64 to);
    static QByteArray history(std::optional<qint64> id, const QString &symbol,
                              const TickList &ticks, std::optional<qint64> next);
    static QByteArray published(std::optional<qint64> id, const QList<PublishedRange> &ranges);
    static QByteArray pong(std::optional<qint64> id, qint64 timeUs);
    static QByteArray refreshed(std::optional<qint64> id, qint64 expiresAt);
    static QByteArray error(std::optional<qint64> id, ErrorCode code, const QString &message,
                            std::optional<qint64> retryAfterMs = std::nullopt);

    // A ticks frame is built from pre-serialized tick objects: prefix, pieces joined
    // by commas, suffix.
    static constexpr QByteArrayView ticksPrefix() { return "{\"op\":\"ticks\",\"ticks\":["; }
    static constexpr QByteArrayView ticksSuffix() { return "]}"; }
    static QByteArray ticks(const TickList &ticks);
};

} // namespace tickscope
