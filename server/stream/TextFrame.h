#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace tickscope {

// A server-to-client WebSocket text frame (RFC 6455 section 5.2) as it goes on the wire:
// FIN, opcode 1, no mask, the payload length in the fewest bytes.
//
// The server writes its frames itself, encoded once, to the socket under each QWebSocket:
// QWebSocket::sendTextMessage() takes a QString, so every message went UTF-8 -> UTF-16 ->
// UTF-8 and was copied again per viewer, and Qt wrote the 2-10 byte header as a write (and a
// TCP segment) of its own. One encoded frame is now shared by every viewer that gets it.
class TextFrame
{
public:
    static qsizetype headerBytes(qsizetype payloadBytes);
    // Writes the header for a payload of that size at `out`; returns its length.
    static qsizetype writeHeader(char *out, qsizetype payloadBytes);
    // Header and payload in one buffer.
    static QByteArray encode(QByteArrayView payload);
    // The payload of an encoded frame (the frame must come from this class).
    static QByteArrayView payload(const QByteArray &frame);
};

} // namespace tickscope
