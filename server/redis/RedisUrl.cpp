#include "RedisUrl.h"

#include <QUrl>
#include <algorithm>

namespace tickscope {

namespace {

const QString Shape = u"must be redis://[[user]:password@]host[:port][/db], a comma-separated "
                      "list of redis://host:port (a cluster) or "
                      "redis+cluster://[[user]:password@]host:port,host:port"_qs;

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// Errors quote pieces of the URL only when it has no credentials: a password that is not
// percent-encoded may hold ',', '/', ':' or '[', which split it into the host, the port or
// the database, and the secret would end up in the message.
struct Quote
{
    bool hide = false;
    // " 'piece'", or nothing when hidden.
    QString operator()(const QString &piece) const
    {
        return hide ? QString() : u" '"_qs + piece + u'\'';
    }
};

// "host[:port]" or "[v6][:port]".
bool parseHostPort(const QString &text, RedisNodeAddress *out, const Quote &quote, QString *error)
{
    QString host;
    QString port;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0)
            return fail(error, u"redis url: host%1 has no closing ']'"_qs.arg(quote(text)));
        host = text.mid(1, close - 1);
        const QString rest = text.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(u':'))
                return fail(error, u"redis url: unexpected text%1 after host%2"_qs.arg(
                                       quote(rest), quote(host)));
            port = rest.mid(1);
        }
    } else {
        const qsizetype colon = text.lastIndexOf(u':');
        host = colon < 0 ? text : text.left(colon);
        if (colon >= 0)
            port = text.mid(colon + 1);
        // Else "fe80::1" would read as host "fe80:" and port 1.
        if (host.contains(u':')) {
            return fail(error, u"redis url: host%1 holds ':'; an IPv6 address needs brackets, "
                               "e.g. redis://[::1]:6379"_qs.arg(quote(host)));
        }
    }
    if (host.isEmpty())
        return fail(error, u"redis url: a host is missing%1; "_qs.arg(
                               quote.hide ? QString() : u" in"_qs + quote(text)) +
                               Shape);
    // Brackets only around the host, no blanks or control characters in it: key() and
    // display() must read back as this node.
    for (const QChar c : host) {
        if (c == u'[' || c == u']')
            return fail(error, u"redis url: host%1 holds a stray '[' or ']'"_qs.arg(quote(host)));
        if (c.unicode() <= 0x20 || c.unicode() == 0x7f) {
            return fail(error, u"redis url: host%1 holds a blank or a control character"_qs.arg(
                                   quote(host)));
        }
    }
    out->host = host;
    out->port = 6379;
    if (!port.isEmpty()) {
        bool ok = false;
        const uint value = port.toUInt(&ok);
        if (!ok || value < 1 || value > 65535) {
            return fail(error, u"redis url: port%1 of host%2 must be 1..65535"_qs.arg(quote(port),
                                                                                      quote(host)));
        }
        out->port = quint16(value);
    }
    return true;
}

// After the scheme: [[user]:password@]hosts[/db].
bool parseRest(const QString &rest, bool allowList, RedisUrl *url, const Quote &quote,
               QString *error)
{
    QString authority = rest;
    QString path;
    const qsizetype slash = rest.indexOf(u'/');
    if (slash >= 0) {
        authority = rest.left(slash);
        path = rest.mid(slash + 1);
    }
    const qsizetype at = authority.lastIndexOf(u'@');
    if (at >= 0) {
        const QString credentials = authority.left(at);
        authority = authority.mid(at + 1);
        const qsizetype colon = credentials.indexOf(u':');
        if (colon < 0) {
            url->password = QUrl::fromPercentEncoding(credentials.toUtf8());
        } else {
            url->username = QUrl::fromPercentEncoding(credentials.left(colon).toUtf8());
            url->password = QUrl::fromPercentEncoding(credentials.mid(colon + 1).toUtf8());
        }
    }
    const QStringList hosts = authority.split(u',');
    if (hosts.size() > 1 && !allowList)
        return fail(error, u"redis url: several hosts need redis+cluster://; "_qs + Shape);
    for (const QString &host : hosts) {
        RedisNodeAddress node;
        if (!parseHostPort(host.trimmed(), &node, quote, error))
            return false;
        url->nodes.append(node);
    }
    if (!path.isEmpty()) {
        bool ok = false;
        const int db = path.toInt(&ok);
        if (!ok || db < 0 || db > 15)
            return fail(error, u"redis url: database%1 must be a number 0..15"_qs.arg(quote(path)));
        url->db = db;
    }
    return true;
}

} // namespace

QString RedisNodeAddress::key() const
{
    const QString h = host.contains(u':') ? u'[' + host + u']' : host;
    return h + u':' + QString::number(port);
}

RedisUrl RedisUrl::single(const QString &host, quint16 port)
{
    RedisUrl url;
    url.nodes.append(RedisNodeAddress{host, port});
    return url;
}

std::optional<RedisUrl> RedisUrl::parse(const QString &input, QString *error)
{
    const QString text = input.trimmed();
    if (text.isEmpty()) {
        fail(error, u"redis url is empty; "_qs + Shape);
        return std::nullopt;
    }
    if (text.startsWith(u"rediss://"_qs, Qt::CaseInsensitive)) {
        fail(error, u"redis url: rediss:// (TLS) is not supported by this build (hiredis 0.14 has "
                    "no TLS); use redis:// on a trusted network or a TLS tunnel"_qs);
        return std::nullopt;
    }
    const Quote quote{text.contains(u'@')};
    RedisUrl url;
    const QString clusterScheme = u"redis+cluster://"_qs;
    const QString plainScheme = u"redis://"_qs;
    if (text.startsWith(clusterScheme, Qt::CaseInsensitive)) {
        url.cluster = true;
        if (!parseRest(text.mid(clusterScheme.size()), true, &url, quote, error))
            return std::nullopt;
    } else if (text.startsWith(plainScheme, Qt::CaseInsensitive)) {
        // "redis://h1:p1,redis://h2:p2": each element a URL; credentials from the first.
        const QStringList parts = text.split(u',');
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const QString part = parts.at(i).trimmed();
            if (!part.startsWith(plainScheme, Qt::CaseInsensitive)) {
                // Only what follows the last '@' of the URL may go into the message:
                // anything before it may be part of a password that held a ','.
                const bool lastAt =
                    part.contains(u'@') &&
                    std::none_of(parts.begin() + i + 1, parts.end(),
                                 [](const QString &later) { return later.contains(u'@'); });
                const QString shown = lastAt ? u" '"_qs + part.section(u'@', -1).left(64) + u'\''
                                             : quote(part.left(64));
                fail(error,
                     u"redis url: list element%1 does not start with redis://; "_qs.arg(shown) +
                         Shape);
                return std::nullopt;
            }
            RedisUrl element;
            if (!parseRest(part.mid(plainScheme.size()), false, &element, quote, error))
                return std::nullopt;
            if (i == 0) {
                url.username = element.username;
                url.password = element.password;
                url.db = element.db;
            }
            url.nodes.append(element.nodes);
        }
        url.cluster = url.nodes.size() > 1;
    } else {
        fail(error, u"redis url: unknown scheme%1; "_qs.arg(
                        quote.hide ? QString() : u" in"_qs + quote(text.section(u':', 0, 0))) +
                        Shape);
        return std::nullopt;
    }
    if (url.cluster && url.db != 0) {
        fail(error, u"redis url: a Redis Cluster has only database 0, not %1"_qs.arg(url.db));
        return std::nullopt;
    }
    return url;
}

QString RedisUrl::display() const
{
    QStringList hosts;
    for (const RedisNodeAddress &node : nodes)
        hosts.append(node.key());
    if (cluster)
        return u"redis+cluster://"_qs + hosts.join(u',');
    return u"redis://"_qs + hosts.value(0) + u'/' + QString::number(db);
}

} // namespace tickscope
