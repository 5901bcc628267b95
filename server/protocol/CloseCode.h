#pragma once

namespace tickscope {

// WebSocket close codes of PROTOCOL.md section 7.
enum class CloseCode : unsigned short
{
    Normal = 1000,
    GoingAway = 1001, // server shutting down: reconnect with `since`
    PolicyViolation = 1008,
    MessageTooLarge = 1009,
    TokenExpired = 4001,
    Forbidden = 4003,
};

} // namespace tickscope
