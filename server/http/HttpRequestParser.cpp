#include "HttpRequestParser.h"

#include <QUrl>

namespace tickscope {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

HttpRequestParser::Result invalid(const QString &error)
{
    HttpRequestParser::Result result;
    result.status = HttpRequestParser::Status::Invalid;
    result.error = error;
    return result;
}

} // namespace

HttpRequestParser::Result HttpRequestParser::parse(QByteArrayView data)
{
    Result result;
    const qsizetype end = data.indexOf(QByteArrayView("\r\n\r\n"));
    if (end < 0) {
        if (data.size() > MaxHeadBytes) {
            result.status = Status::TooLarge;
            result.error = u"request head larger than %1 bytes"_qs.arg(MaxHeadBytes);
        }
        return result;
    }
    if (end + 4 > MaxHeadBytes) {
        result.status = Status::TooLarge;
        result.error = u"request head larger than %1 bytes"_qs.arg(MaxHeadBytes);
        return result;
    }
    const QByteArrayView head = data.first(end);
    HttpRequest &request = result.request;
    request.headSize = end + 4;

    qsizetype lineEnd = head.indexOf(QByteArrayView("\r\n"));
    const QByteArrayView requestLine = lineEnd < 0 ? head : head.first(lineEnd);
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || requestLine.indexOf(' ', sp2 + 1) >= 0)
        return invalid(u"malformed request line"_qs);
    request.method = requestLine.first(sp1).toByteArray();
    for (const char c : request.method) {
        if (!isTokenChar(c))
            return invalid(u"malformed method"_qs);
    }
    request.target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1).toByteArray();
    request.version = requestLine.sliced(sp2 + 1).toByteArray();
    if (request.version != "HTTP/1.1" && request.version != "HTTP/1.0")
        return invalid(u"unsupported HTTP version"_qs);
    if (!request.target.startsWith('/'))
        return invalid(u"request target must be an absolute path"_qs);
    for (const char c : request.target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return invalid(u"malformed request target"_qs);
    }
    const qsizetype question = request.target.indexOf('?');
    const QByteArray rawPath = question < 0 ? request.target : request.target.first(question);
    request.path = QUrl::fromPercentEncoding(rawPath);
    if (question >= 0)
        request.query.setQuery(QString::fromUtf8(request.target.sliced(question + 1)));

    qsizetype pos = lineEnd < 0 ? head.size() : lineEnd + 2;
    while (pos < head.size()) {
        lineEnd = head.indexOf(QByteArrayView("\r\n"), pos);
        const QByteArrayView line =
            lineEnd < 0 ? head.sliced(pos) : head.sliced(pos, lineEnd - pos);
        pos = lineEnd < 0 ? head.size() : lineEnd + 2;
        if (line.isEmpty())
            continue;
        if (line.front() == ' ' || line.front() == '\t')
            return invalid(u"obsolete header line folding"_qs);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return invalid(u"malformed header line"_qs);
        const QByteArrayView name = line.first(colon);
        for (const char c : name) {
            if (!isTokenChar(c))
                return invalid(u"malformed header name"_qs);
        }
        const QByteArray value = line.sliced(colon + 1).toByteArray().trimmed();
        for (const char c : value) {
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
                return invalid(u"control character in a header value"_qs);
        }
        if (request.headers.size() >= MaxHeaders)
            return invalid(u"more than %1 headers"_qs.arg(MaxHeaders));
        request.headers.append({name.toByteArray().toLower(), value});
    }
    if (request.version == "HTTP/1.1" && !request.header("host"))
        return invalid(u"Host header is required"_qs);
    if (request.header("content-length").value_or("0") != "0" ||
        request.header("transfer-encoding"))
        return invalid(u"request bodies are not accepted"_qs);
    result.status = Status::Complete;
    return result;
}

} // namespace tickscope
