#pragma once

#include "HandshakeGate.h"
#include "HttpRequest.h"
#include "HttpResponse.h"
#include "config/TierLimits.h"

#include <QHash>
#include <QObject>

#include <functional>

namespace tickscope {

class RateLimiter;
class ServerMetrics;
class TickHistory;

// The HTTP endpoints besides the stream: health, readiness, metrics and the read API
// (PROTOCOL.md sections 1 and 10).
class RestApi
{
public:
    struct Services
    {
        TickHistory *history = nullptr;
        HandshakeGate *gate = nullptr;
        RateLimiter *limiter = nullptr; // per token subject
        const QHash<QString, TierLimits> *tiers = nullptr;
        ServerMetrics *metrics = nullptr;
        // Empty when ready, else why not.
        std::function<QString()> notReadyReason;
    };

    explicit RestApi(Services services) : m_services(std::move(services)) {}

    // Whether this API serves `path` (anything else but the stream is a 404).
    static bool serves(const QString &path);

    // Answers now or later (store reads) through `respond`, in `context`'s thread.
    void handle(const HttpRequest &request, const QString &peerAddress, QObject *context,
                const std::function<void(HttpResponse)> &respond);

private:
    void symbols(const Claims &claims, const std::function<void(HttpResponse)> &respond) const;
    void ticks(const HttpRequest &request, const Claims &claims, QObject *context,
               const std::function<void(HttpResponse)> &respond) const;

    Services m_services;
};

} // namespace tickscope
