#pragma once

#include "core/Tick.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

namespace tickscope {

// Reads the server's messages (PROTOCOL.md section 4) on the client side. Ticks frames take
// a fast path for the server's own compact form (no allocation but the symbol strings);
// anything else, or anything the fast path is unsure of, goes through QJsonDocument.
// Unknown ops and fields are ignored, as the protocol asks of clients.
class FrameDecoder
{
public:
    enum class Op
    {
        Hello,
        Subscribed,
        Unsubscribed,
        Ticks,
        Gap,
        Error,
        Pong,
        Other
    };

    struct SubscribedSymbol
    {
        QString symbol;
        bool recovered = true;
        qint64 next = 0;
    };

    struct Frame
    {
        Op op = Op::Other;
        qint64 id = -1; // -1: none
        TickList ticks;
        // hello, subscribed
        QString epoch;
        QString server;
        QString session;
        int heartbeatMs = 0;
        QList<SubscribedSymbol> subscribed;
        QStringList symbols; // unsubscribed
        // gap
        QString symbol;
        qint64 from = 0;
        qint64 to = 0;
        // error
        QString code;
        QString message;
        qint64 retryAfterMs = 0;
    };

    // False (with a reason) when the text is not a JSON object with a string `op`.
    static bool decode(QByteArrayView utf8, Frame *out, QString *error);

    // The fast path alone; false when it cannot be sure (then use decode()).
    static bool decodeTicksFast(QByteArrayView utf8, TickList *out);
};

} // namespace tickscope
