#include "RedisKeys.h"

#include "core/Symbol.h"

namespace tickscope {

RedisKeys::RedisKeys(const QString &prefix) : m_prefix(prefix.toUtf8()) {}

bool RedisKeys::isValidPrefix(const QString &prefix, QString *error)
{
    bool ok = !prefix.isEmpty() && prefix.size() <= 32;
    for (const QChar c : prefix) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'.' && c != u'_' && c != u'-')
            ok = false;
    }
    if (!ok && error) {
        *error = u"redis key prefix '%1' must be 1..32 of the characters A-Z a-z 0-9 . _ -"_qs.arg(
            prefix.left(64));
    }
    return ok;
}

QByteArray RedisKeys::tagged(const QString &symbol, const char *suffix) const
{
    return m_prefix + ":{" + symbol.toUtf8() + "}:" + suffix;
}

QByteArray RedisKeys::rateLimit(const QString &key) const
{
    return m_prefix + ":rl:{" + key.toUtf8() + '}';
}

QString RedisKeys::symbolOfChannel(QByteArrayView channel) const
{
    const QByteArray head = m_prefix + ":{";
    const QByteArrayView tail = "}:notify";
    if (!channel.startsWith(head) || !channel.endsWith(tail) ||
        channel.size() <= head.size() + tail.size()) {
        return {};
    }
    const QString symbol =
        QString::fromUtf8(channel.sliced(head.size(), channel.size() - head.size() - tail.size()));
    return Symbol::isValid(symbol) ? symbol : QString();
}

} // namespace tickscope
