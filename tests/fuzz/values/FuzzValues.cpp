// Fuzzes the parsers of single settings values. The first byte selects what the rest of
// the input is:
//   0  a duration and a byte size (Units), as in any settings value
//   1  a Redis URL (RedisUrl::parse), as given to --redis-url
//   2  a Redis URL "redis://fuzzuser:<password>..." around the input (FuzzSecrets.h)
//   3  the same with redis+cluster://
//   4  a symbol (Symbol::isValid, Symbol::matchesPattern), as in --symbols and frames
//
// Properties beyond "no crash, no sanitizer report":
// - values that parse print back to text that parses to the same value (Units,
//   RedisUrl::display);
// - a Redis password is never in an error or in display();
// - Symbol::isValid agrees with the protocol's regular expression.

#include "FuzzSecrets.h"
#include "config/Units.h"
#include "core/Symbol.h"
#include "redis/RedisUrl.h"

#include <QRegularExpression>
#include <cstddef>
#include <cstdint>

using namespace tickscope;

namespace {

void units(const QString &text)
{
    QString rule;
    if (const auto duration = Units::parseDuration(text, &rule)) {
        fuzz::check(duration->count() >= 0, "a negative duration");
        const QString shown = Units::formatDuration(*duration);
        fuzz::check(Units::parseDuration(shown) == duration, "duration does not read back", shown);
    } else {
        fuzz::check(!rule.isEmpty(), "a duration error without a rule");
    }
    rule.clear();
    if (const auto bytes = Units::parseByteSize(text, &rule)) {
        fuzz::check(*bytes >= 0, "a negative size");
        const QString shown = Units::formatByteSize(*bytes);
        fuzz::check(Units::parseByteSize(shown) == bytes, "size does not read back", shown);
    } else {
        fuzz::check(!rule.isEmpty(), "a size error without a rule");
    }
}

// `secret`: the text holds the marker as a password.
void redisUrl(const QString &text, bool secret)
{
    QString error;
    const auto url = RedisUrl::parse(text, &error);
    if (!url) {
        fuzz::check(!error.isEmpty(), "a redis url error without a message");
        if (secret)
            fuzz::checkNoSecret(error, "the password in a redis url error");
        return;
    }
    fuzz::check(!url->nodes.isEmpty(), "a redis url without nodes");
    fuzz::check(url->db >= 0 && url->db <= 15 && (!url->cluster || url->db == 0),
                "redis url db out of range");
    const QString shown = url->display();
    if (secret)
        fuzz::checkNoSecret(shown, "the password in RedisUrl::display");
    const auto again = RedisUrl::parse(shown, &error);
    fuzz::check(again && again->nodes == url->nodes && again->db == url->db &&
                    again->cluster == url->cluster,
                "RedisUrl::display does not read back", shown + u" <- "_qs + text);
}

void symbol(const QString &text)
{
    static const QRegularExpression rule(u"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,31}$"_qs);
    const bool valid = Symbol::isValid(text);
    // The regex's $ also matches before a final '\n', which no symbol may hold.
    fuzz::check(valid == (rule.match(text).hasMatch() && !text.endsWith(u'\n')),
                "Symbol::isValid disagrees with the protocol's rule", text);
    const qsizetype half = text.size() / 2;
    const QString pattern = text.left(half) + u'*';
    fuzz::check(Symbol::matchesPattern(pattern, text), "a prefix pattern does not match", text);
    fuzz::check(Symbol::matchesPattern(text, text), "a symbol does not match itself", text);
    (void)Symbol::matchesAny({text.left(half), pattern}, text.mid(half));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QString text =
        QString::fromUtf8(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    if (!fuzz::freeOfMarker(text))
        return 0;
    bool secret = false;
    switch (data[0] % 5) {
    case 0:
        units(text);
        break;
    case 1:
        redisUrl(text, false);
        break;
    case 2:
        redisUrl(fuzz::redisUrlWithPassword(u"redis://"_qs, text, &secret), secret);
        break;
    case 3:
        redisUrl(fuzz::redisUrlWithPassword(u"redis+cluster://"_qs, text, &secret), secret);
        break;
    case 4:
        symbol(text);
        break;
    }
    return 0;
}
