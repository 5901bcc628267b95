#include "HandshakeGate.h"

#include <cmath>

namespace tickscope {

HandshakeGate::HandshakeGate(const JwtVerifier &verifier, RateLimiter &limiter,
                             Settings settings)
    : m_verifier(verifier), m_limiter(limiter), m_settings(std::move(settings))
{
}

HandshakeGate::Decision HandshakeGate::refuse(HandshakeResult result, HttpResponse response)
{
    Decision decision;
    decision.result = result;
    decision.refusal = std::move(response);
    return decision;
}

Claims HandshakeGate::insecureClaims()
{
    Claims claims;
    claims.sub = u"anonymous"_qs;
    claims.exp = std::numeric_limits<qint64>::max() / 2;
    claims.scopes = {u"read"_qs, u"publish"_qs};
    claims.tier = u"unlimited"_qs;
    return claims;
}

bool HandshakeGate::originAllowed(const std::optional<QByteArray> &origin) const
{
    if (!origin)
        return true;
    const QString normalized = QString::fromLatin1(*origin).trimmed().toLower();
    return m_settings.allowedOrigins.contains(normalized);
}

HandshakeGate::Decision HandshakeGate::checkToken(const HttpRequest &request,
                                                  qint64 nowSeconds) const
{
    if (!originAllowed(request.header("origin"))) {
        return refuse(HandshakeResult::ForbiddenOrigin,
                      HttpResponse::error(403, ErrorCode::ForbiddenOrigin,
                                          u"origin is not in the allowed origins"_qs));
    }
    if (m_settings.insecure) {
        Decision decision;
        decision.claims = insecureClaims();
        return decision;
    }
    const QString token = request.bearerToken();
    const auto unauthorized = [](const QString &message) {
        HttpResponse response =
            HttpResponse::error(401, ErrorCode::InvalidToken, message);
        response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return refuse(HandshakeResult::InvalidToken, response);
    };
    if (token.isEmpty()) {
        return unauthorized(
            u"a token is required: Authorization: Bearer <jwt> or ?access_token=<jwt>"_qs);
    }
    const VerifyResult verified = m_verifier.verify(token, nowSeconds);
    if (!verified.ok)
        return unauthorized(u"invalid token: %1"_qs.arg(verified.reason));
    Decision decision;
    decision.claims = verified.claims;
    return decision;
}

HandshakeGate::Decision HandshakeGate::checkUpgrade(const HttpRequest &request,
                                                    const QHostAddress &peer, qint64 nowNs,
                                                    qint64 nowSeconds, bool canAccept)
{
    // 1. Origin.
    if (!originAllowed(request.header("origin"))) {
        return refuse(HandshakeResult::ForbiddenOrigin,
                      HttpResponse::error(403, ErrorCode::ForbiddenOrigin,
                                          u"origin is not in the allowed origins"_qs));
    }
    // 2. Handshakes per address, before any token work.
    if (m_settings.handshakeLimit > 0) {
        const auto decision = m_limiter.check(peer.toString(), m_settings.handshakeLimit,
                                              m_settings.handshakeBurst, nowNs);
        if (!decision.allowed) {
            const qint64 seconds = std::max<qint64>(1, (decision.retryAfterMs + 999) / 1000);
            HttpResponse response = HttpResponse::error(
                429, ErrorCode::RateLimited,
                u"too many handshakes from this address; retry after %1 s"_qs.arg(seconds));
            response.setHeader("Retry-After", QByteArray::number(seconds));
            return refuse(HandshakeResult::RateLimited, response);
        }
    }
    // 3. Token, 4. scope.
    Decision decision = checkToken(request, nowSeconds);
    if (!decision.accepted())
        return decision;
    if (!decision.claims.hasScope(Claims::ScopeRead)) {
        return refuse(HandshakeResult::InsufficientScope,
                      HttpResponse::error(403, ErrorCode::InsufficientScope,
                                          u"the token lacks the read scope"_qs));
    }
    // 5. Capacity and draining.
    if (!canAccept) {
        return refuse(HandshakeResult::Unavailable,
                      HttpResponse::error(503, ErrorCode::Unavailable,
                                          u"the server is at its connection limit or shutting "
                                          "down; retry later"_qs));
    }
    return decision;
}

} // namespace tickscope
