#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"
#include "auth/Claims.h"
#include "auth/JwtVerifier.h"
#include "limits/RateLimiter.h"
#include "metrics/ServerMetrics.h"

#include <QHostAddress>
#include <QStringList>

#include <optional>

namespace tickscope {

// The checks a request passes before it may become a viewer (PROTOCOL.md section 2),
// in the protocol's order; the first that fails answers. Also the token check of the
// HTTP API, which shares the token rules.
class HandshakeGate
{
public:
    struct Settings
    {
        QStringList allowedOrigins; // lower-cased scheme://host[:port]
        double handshakeLimit = 0;  // per address and second; 0: no limit
        double handshakeBurst = 1;
        bool insecure = false; // development only: no token needed
    };

    struct Decision
    {
        std::optional<HttpResponse> refusal; // empty when accepted
        HandshakeResult result = HandshakeResult::Accepted;
        Claims claims;
        bool accepted() const { return !refusal.has_value(); }
    };

    HandshakeGate(const JwtVerifier &verifier, RateLimiter &limiter, Settings settings);

    void setSettings(const Settings &settings) { m_settings = settings; }

    // The upgrade checks: origin, per-address rate, token, read scope, capacity.
    Decision checkUpgrade(const HttpRequest &request, const QHostAddress &peer, qint64 nowNs,
                          qint64 nowSeconds, bool canAccept);

    // Origin and token only (the HTTP API): 401 or 403 on failure.
    Decision checkToken(const HttpRequest &request, qint64 nowSeconds) const;

    // The claims of an insecure-mode client: everything allowed.
    static Claims insecureClaims();

    // Whether an Origin header value is allowed (requests without Origin always are).
    bool originAllowed(const std::optional<QByteArray> &origin) const;

private:
    static Decision refuse(HandshakeResult result, HttpResponse response);

    const JwtVerifier &m_verifier;
    RateLimiter &m_limiter;
    Settings m_settings;
};

} // namespace tickscope
