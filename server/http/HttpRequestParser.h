#pragma once

#include "HttpRequest.h"

namespace tickscope {

// Parses a request head from the bytes a client has sent so far. The server reads
// the head itself, before any WebSocket upgrade, so that every handshake check can
// answer with a proper HTTP status.
class HttpRequestParser
{
public:
    static constexpr qsizetype MaxHeadBytes = qsizetype{16} * 1024;
    static constexpr int MaxHeaders = 100;

    enum class Status { Incomplete, Complete, Invalid, TooLarge };

    struct Result
    {
        Status status = Status::Incomplete;
        HttpRequest request; // when Complete
        QString error;       // when Invalid or TooLarge
    };

    static Result parse(QByteArrayView data);
};

} // namespace tickscope
