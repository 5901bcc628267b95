#pragma once

#include <QLatin1StringView>

namespace tickscope {

// The `code` of an `error` message and of HTTP error bodies (PROTOCOL.md sections 1 and 4).
enum class ErrorCode
{
    BadRequest,
    UnknownOp,
    InvalidSymbol,
    UnknownSymbol,
    Forbidden,
    TooManySymbols,
    RateLimited,
    InvalidToken,
    Unavailable,
    // HTTP only
    NotFound,
    UpgradeRequired,
    ForbiddenOrigin,
    InsufficientScope,
    MethodNotAllowed,
};

QLatin1StringView errorCodeName(ErrorCode code);

} // namespace tickscope
