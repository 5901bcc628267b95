#include "RestApi.h"

#include "core/Clock.h"
#include "core/Symbol.h"
#include "core/TickJson.h"
#include "history/TickHistory.h"
#include "limits/RateLimiter.h"
#include "metrics/ServerMetrics.h"
#include "protocol/Command.h"

#include <QDateTime>

#include <algorithm>

namespace tickscope {

namespace {

// A query parameter as a strict decimal integer.
std::optional<qint64> parseInteger(const QString &text)
{
    if (text.isEmpty() || text.size() > 18)
        return std::nullopt;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
    }
    return text.toLongLong();
}

} // namespace

bool RestApi::serves(const QString &path)
{
    return path == u"/healthz" || path == u"/readyz" || path == u"/metrics" ||
           path == u"/metrics/system" || path == u"/api/v1/symbols" || path == u"/api/v1/ticks";
}

void RestApi::handle(const HttpRequest &request, const QString &peerAddress, QObject *context,
                     const std::function<void(HttpResponse)> &respond)
{
    const QString &path = request.path;
    if (request.method != "GET" && request.method != "HEAD") {
        HttpResponse response = HttpResponse::error(
            405, ErrorCode::MethodNotAllowed,
            u"%1 is not allowed here; use GET"_qs.arg(QString::fromLatin1(request.method)));
        response.setHeader("Allow", "GET, HEAD");
        respond(response);
        return;
    }
    if (path == u"/healthz") {
        respond(HttpResponse::json(200, "{\"status\":\"ok\"}"));
        return;
    }
    if (path == u"/readyz") {
        const QString reason = m_services.notReadyReason();
        if (reason.isEmpty())
            respond(HttpResponse::json(200, "{\"status\":\"ready\"}"));
        else
            respond(HttpResponse::error(503, ErrorCode::Unavailable, reason));
        return;
    }
    if (path == u"/metrics" || path == u"/metrics/system") {
        respond(HttpResponse(200, m_services.metrics->render(),
                             "text/plain; version=0.0.4; charset=utf-8"));
        return;
    }

    // The read API: token, scope, then the subject's HTTP rate.
    const auto decision =
        m_services.gate->checkToken(request, QDateTime::currentSecsSinceEpoch());
    if (!decision.accepted()) {
        respond(*decision.refusal);
        return;
    }
    const Claims &claims = decision.claims;
    if (!claims.hasScope(Claims::ScopeRead)) {
        respond(HttpResponse::error(403, ErrorCode::InsufficientScope,
                                    u"the token lacks the read scope"_qs));
        return;
    }
    const TierLimits tier = m_services.tiers->value(
        claims.tier, m_services.tiers->value(QString(TierLimits::DefaultTier)));
    if (!tier.unlimited) {
        // Per subject and per address, both by the token's tier.
        const qint64 now = Clock::monotonicNs();
        auto limited = m_services.limiter->check(u"sub:"_qs + claims.sub, tier.httpPerSecond,
                                                 tier.httpBurst, now);
        if (limited.allowed) {
            limited = m_services.limiter->check(u"ip:"_qs + peerAddress,
                                                tier.httpPerSecond * TierLimits::AddressFactor,
                                                tier.httpBurst * TierLimits::AddressFactor, now);
        }
        if (!limited.allowed) {
            m_services.metrics->rateLimited(RateLimitScope::Http);
            const qint64 seconds = std::max<qint64>(1, (limited.retryAfterMs + 999) / 1000);
            HttpResponse response = HttpResponse::error(
                429, ErrorCode::RateLimited,
                u"too many API requests for tier %1; retry after %2 s"_qs.arg(claims.tier)
                    .arg(seconds));
            response.setHeader("Retry-After", QByteArray::number(seconds));
            respond(response);
            return;
        }
    }
    if (path == u"/api/v1/symbols")
        symbols(claims, respond);
    else
        ticks(request, claims, context, respond);
}

void RestApi::symbols(const Claims &claims,
                      const std::function<void(HttpResponse)> &respond) const
{
    QList<SymbolState> states = m_services.history->states();
    std::sort(states.begin(), states.end(),
              [](const SymbolState &a, const SymbolState &b) { return a.symbol < b.symbol; });
    QByteArray body = "{\"symbols\":[";
    bool first = true;
    for (const SymbolState &state : std::as_const(states)) {
        if (state.lastSeq == 0 || !claims.allowsSymbol(state.symbol))
            continue;
        if (!first)
            body += ',';
        first = false;
        body += "{\"symbol\":";
        TickJson::appendString(body, state.symbol);
        body += ",\"last_seq\":";
        TickJson::appendInteger(body, state.lastSeq);
        body += ",\"last_price\":";
        TickJson::appendNumber(body, state.lastPrice);
        body += ",\"last_time\":";
        TickJson::appendInteger(body, state.lastTimeUs);
        body += '}';
    }
    body += "]}";
    respond(HttpResponse::json(200, body));
}

void RestApi::ticks(const HttpRequest &request, const Claims &claims, QObject *context,
                    const std::function<void(HttpResponse)> &respond) const
{
    const QUrlQuery &query = request.query;
    if (!query.hasQueryItem(u"symbol"_qs)) {
        respond(HttpResponse::error(400, ErrorCode::BadRequest, u"symbol is required"_qs,
                                    u"symbol"_qs));
        return;
    }
    const QString symbol = query.queryItemValue(u"symbol"_qs, QUrl::FullyDecoded);
    if (!Symbol::isValid(symbol)) {
        respond(HttpResponse::error(
            400, ErrorCode::InvalidSymbol,
            u"invalid symbol: must match ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,31}$"_qs, u"symbol"_qs));
        return;
    }
    qint64 from = 1;
    if (query.hasQueryItem(u"from"_qs)) {
        const auto value = parseInteger(query.queryItemValue(u"from"_qs));
        if (!value || *value < 1) {
            respond(HttpResponse::error(400, ErrorCode::BadRequest,
                                        u"from must be an integer >= 1"_qs, u"from"_qs));
            return;
        }
        from = *value;
    }
    qint64 limit = ProtocolLimits::DefaultHistoryLimit;
    if (query.hasQueryItem(u"limit"_qs)) {
        const auto value = parseInteger(query.queryItemValue(u"limit"_qs));
        if (!value || *value < 1 || *value > ProtocolLimits::MaxHistoryLimit) {
            respond(HttpResponse::error(
                400, ErrorCode::BadRequest,
                u"limit must be an integer from 1 to %1"_qs.arg(ProtocolLimits::MaxHistoryLimit),
                u"limit"_qs));
            return;
        }
        limit = *value;
    }
    if (!claims.allowsSymbol(symbol)) {
        respond(HttpResponse::error(403, ErrorCode::Forbidden,
                                    u"the token does not allow symbol \"%1\""_qs.arg(symbol),
                                    u"symbol"_qs));
        return;
    }
    const auto state = m_services.history->state(symbol);
    if (!state || state->lastSeq == 0) {
        respond(HttpResponse::error(404, ErrorCode::UnknownSymbol,
                                    u"symbol \"%1\" never had a tick"_qs.arg(symbol),
                                    u"symbol"_qs));
        return;
    }
    const qint64 newest = state->lastSeq;
    const QString epoch = m_services.history->epoch();
    const auto body = [symbol, epoch, newest](const TickHistory::Slice &slice) {
        QByteArray out = "{\"symbol\":";
        TickJson::appendString(out, symbol);
        out += ",\"epoch\":";
        TickJson::appendString(out, epoch);
        out += ",\"ticks\":[";
        out += slice.json;
        out += "],\"next\":";
        out += (slice.count > 0 && slice.lastSeq < newest) ? QByteArray::number(slice.lastSeq + 1)
                                                            : QByteArray("null");
        out += '}';
        return HttpResponse::json(200, out);
    };
    const qint64 start = std::max(from, state->firstSeq > 0 ? state->firstSeq : newest + 1);
    if (start > newest) {
        respond(body(TickHistory::Slice{}));
        return;
    }
    TickHistory::Slice slice;
    const bool ready = m_services.history->read(
        symbol, start, limit, ProtocolLimits::MaxServerMessageBytes, &slice, context,
        [respond, body](const TickHistory::Slice &result) {
            if (!result.ok) {
                HttpResponse response = HttpResponse::error(
                    503, ErrorCode::Unavailable,
                    u"the history store cannot be read now: %1"_qs.arg(result.error));
                response.setHeader("Retry-After", "1");
                respond(response);
                return;
            }
            respond(body(result));
        });
    if (ready)
        respond(body(slice));
}

} // namespace tickscope
