// Fuzzes the HTTP request head parser with the bytes a client sends, the way
// HttpConnection feeds it (whatever has arrived, up to MaxHeadBytes + 1 peeked bytes),
// then reads the parsed request like StreamServer, HandshakeGate and RestApi do.
//
// Properties beyond "no crash, no sanitizer report":
// - a complete head parses the same with or without the bytes that follow it (a
//   WebSocket client may send frames right behind the head), and a head cut short by
//   one byte is Incomplete, not Invalid;
// - every error response the server builds from the request has a valid JSON body.

#include "FuzzCheck.h"
#include "auth/JwtVerifier.h"
#include "auth/KeyRing.h"
#include "core/Symbol.h"
#include "http/HandshakeGate.h"
#include "http/HttpRequestParser.h"
#include "http/HttpResponse.h"
#include "http/RestApi.h"
#include "limits/RateLimiter.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <cstddef>
#include <cstdint>

using namespace tickscope;

namespace {

constexpr qint64 Now = 1763790000;

struct Server
{
    KeyRing ring;
    JwtVerifier verifier{ring, 5};
    RateLimiter limiter{1000};
    HandshakeGate gate{verifier, limiter, settings()};
    qint64 nowNs = 0;

    Server()
    {
        ring.add(SigningKey{u"k1"_qs, QByteArrayLiteral("tickscope-fuzz-secret-0123456789abcdef"),
                            Now - 1000, 0});
    }

    static HandshakeGate::Settings settings()
    {
        HandshakeGate::Settings s;
        s.allowedOrigins = {u"https://app.example.com"_qs, u"http://localhost:8080"_qs};
        s.handshakeLimit = 1e6; // exercised, but never the reason a request fails
        s.handshakeBurst = 1e6;
        return s;
    }
};

void checkResponse(const HttpResponse &response)
{
    const QByteArray wire = response.serialize();
    fuzz::check(wire.startsWith("HTTP/1.1 "), "response status line");
    QJsonParseError error;
    QJsonDocument::fromJson(response.body(), &error);
    fuzz::check(error.error == QJsonParseError::NoError, "error body is not valid JSON",
                QString::fromUtf8(response.body()));
}

// What the server reads from a complete request (StreamServer::onRequest and below).
void serve(Server &server, const HttpRequest &request)
{
    if (request.path == u"/v1/stream") {
        if (request.method != "GET" || !request.isWebSocketUpgrade())
            return;
        const auto key = request.header("sec-websocket-key");
        const auto decoded = QByteArray::fromBase64Encoding(
            key.value_or(QByteArray()), QByteArray::AbortOnBase64DecodingErrors);
        (void)decoded;
        (void)(request.header("sec-websocket-version") != "13");
        server.nowNs += 1000;
        const auto decision =
            server.gate.checkUpgrade(request, QHostAddress::LocalHost, server.nowNs, Now, true);
        if (decision.refusal)
            checkResponse(*decision.refusal);
        return;
    }
    if (!RestApi::serves(request.path)) {
        checkResponse(HttpResponse::error(404, ErrorCode::NotFound,
                                          u"no such endpoint: %1"_qs.arg(request.path)));
        return;
    }
    if (request.method != "GET" && request.method != "HEAD") {
        checkResponse(HttpResponse::error(
            405, ErrorCode::MethodNotAllowed,
            u"%1 is not allowed here; use GET"_qs.arg(QString::fromLatin1(request.method))));
        return;
    }
    const auto decision = server.gate.checkToken(request, Now);
    if (decision.refusal)
        checkResponse(*decision.refusal);
    const QUrlQuery &query = request.query;
    if (query.hasQueryItem(u"symbol"_qs)) {
        const QString symbol = query.queryItemValue(u"symbol"_qs, QUrl::FullyDecoded);
        if (Symbol::isValid(symbol))
            (void)decision.claims.allowsSymbol(symbol);
    }
    (void)query.queryItemValue(u"from"_qs);
    (void)query.queryItemValue(u"limit"_qs);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Server server;
    // HttpConnection peeks at most this much.
    const QByteArrayView bytes(
        reinterpret_cast<const char *>(data),
        qsizetype(std::min<size_t>(size, HttpRequestParser::MaxHeadBytes + 1)));
    const auto result = HttpRequestParser::parse(bytes);
    switch (result.status) {
    case HttpRequestParser::Status::Incomplete:
        fuzz::check(bytes.size() <= HttpRequestParser::MaxHeadBytes, "Incomplete past the limit");
        break;
    case HttpRequestParser::Status::TooLarge:
        checkResponse(HttpResponse::error(431, ErrorCode::BadRequest, result.error));
        break;
    case HttpRequestParser::Status::Invalid:
        checkResponse(HttpResponse::error(400, ErrorCode::BadRequest,
                                          u"malformed HTTP request: %1"_qs.arg(result.error)));
        break;
    case HttpRequestParser::Status::Complete: {
        const HttpRequest &request = result.request;
        fuzz::check(request.headSize > 0 && request.headSize <= bytes.size() &&
                        request.headSize <= HttpRequestParser::MaxHeadBytes,
                    "headSize out of range");
        fuzz::check(request.target.startsWith('/'), "target not absolute");
        for (const auto &[name, value] : request.headers)
            fuzz::check(name == name.toLower(), "header name not lower-cased");

        const auto head = HttpRequestParser::parse(bytes.first(request.headSize));
        fuzz::check(head.status == HttpRequestParser::Status::Complete &&
                        head.request.headers == request.headers &&
                        head.request.target == request.target,
                    "the bytes after the head changed the result");
        const auto cut = HttpRequestParser::parse(bytes.first(request.headSize - 1));
        fuzz::check(cut.status == HttpRequestParser::Status::Incomplete,
                    "a head cut short is not Incomplete");

        (void)request.bearerToken();
        serve(server, request);
        break;
    }
    }
    return 0;
}
