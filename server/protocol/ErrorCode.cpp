#include "ErrorCode.h"

namespace tickscope {

QLatin1StringView errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
        return QLatin1StringView("bad_request");
    case ErrorCode::UnknownOp:
        return QLatin1StringView("unknown_op");
    case ErrorCode::InvalidSymbol:
        return QLatin1StringView("invalid_symbol");
    case ErrorCode::UnknownSymbol:
        return QLatin1StringView("unknown_symbol");
    case ErrorCode::Forbidden:
        return QLatin1StringView("forbidden");
    case ErrorCode::TooManySymbols:
        return QLatin1StringView("too_many_symbols");
    case ErrorCode::RateLimited:
        return QLatin1StringView("rate_limited");
    case ErrorCode::InvalidToken:
        return QLatin1StringView("invalid_token");
    case ErrorCode::Unavailable:
        return QLatin1StringView("unavailable");
    case ErrorCode::NotFound:
        return QLatin1StringView("not_found");
    case ErrorCode::UpgradeRequired:
        return QLatin1StringView("upgrade_required");
    case ErrorCode::ForbiddenOrigin:
        return QLatin1StringView("forbidden_origin");
    case ErrorCode::InsufficientScope:
        return QLatin1StringView("insufficient_scope");
    case ErrorCode::MethodNotAllowed:
        return QLatin1StringView("method_not_allowed");
    }
    return QLatin1StringView("bad_request");
}

} // namespace tickscope
