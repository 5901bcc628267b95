// Fuzzes the configuration loader and the key ring file: what a user or an operator writes.
// The first byte selects what the rest of the input is:
//   0  command-line arguments, one per line; lines "TICKSCOPE_X=v" are environment
//      variables instead (ConfigLoader, with secrets set in the environment)
//   1  a settings file (INI), written to a temporary file and named with --config
//   2  --redis-url "redis://fuzzuser:<password>..." around the input (FuzzSecrets.h),
//      with --store redis
//   3  the same with redis+cluster://
//   4  a key ring file, keys.json (KeyRingFile::parse)
// The value parsers themselves (Units, RedisUrl, Symbol) have their own target, values.
//
// Properties beyond "no crash, no sanitizer report":
// - secrets never appear in errors, warnings or the --print-config display;
// - a key ring file that parses is written back to one that parses to the same keys.

#include "FuzzSecrets.h"
#include "auth/KeyRingFile.h"
#include "config/ConfigLoader.h"

#include <QFile>
#include <QTemporaryDir>
#include <cstddef>
#include <cstdint>

using namespace tickscope;

namespace {

const QString Marker = fuzz::SecretMarker;
const QString JwtSecret = Marker + u"-0123456789abcdef0123456789"_qs; // >= 32 bytes

using fuzz::checkNoSecret;

ConfigLoader::Options options()
{
    ConfigLoader::Options o;
    o.defaultConfigFile = QString(); // no settings file unless the input names one
    o.defaultDataDir = u"/nonexistent/tickscope-fuzz"_qs;
    return o;
}

void checkResult(const ConfigLoader::Result &result)
{
    if (result.error) {
        fuzz::check(!result.error->message().isEmpty(), "an error without a message");
        checkNoSecret(result.error->message(), "a secret in a config error");
        checkNoSecret(result.error->value(), "a secret in a config error's value");
        checkNoSecret(result.error->rule(), "a secret in a config error's rule");
    }
    for (const QString &warning : result.warnings)
        checkNoSecret(warning, "a secret in a config warning");
    if (result.ok()) {
        for (const ConfigEntry &entry : result.config.entries())
            checkNoSecret(entry.value, "a secret in --print-config");
    }
}

void redisWithPassword(const QString &scheme, const QString &input)
{
    bool secret = false;
    const QString url = fuzz::redisUrlWithPassword(scheme, input, &secret);
    const auto result = ConfigLoader::load({u"--store"_qs, u"redis"_qs, u"--redis-url"_qs, url},
                                           QProcessEnvironment(), options());
    // Without an '@' after it the marker is not a password but, say, a host name.
    if (secret)
        checkResult(result);
}

void loader(const QString &text)
{
    QStringList arguments;
    QProcessEnvironment environment;
    environment.insert(u"TICKSCOPE_JWT_SECRET"_qs, JwtSecret);
    environment.insert(u"TICKSCOPE_FEED_TOKEN"_qs, Marker);
    environment.insert(u"TICKSCOPE_TOKEN"_qs, Marker);
    environment.insert(u"TICKSCOPE_REDIS_URL"_qs,
                       u"redis://fuzzuser:"_qs + Marker + u"@localhost:6379/1"_qs);
    for (const QString &line : text.split(u'\n')) {
        const qsizetype equals = line.indexOf(u'=');
        // No --config or TICKSCOPE_CONFIG: the input must not make the loader read
        // arbitrary files (mode 1 gives it a settings file of its own).
        if (line.startsWith(u"TICKSCOPE_") && equals > 0) {
            if (!line.startsWith(u"TICKSCOPE_CONFIG="))
                environment.insert(line.left(equals), line.mid(equals + 1));
        } else if (!line.startsWith(u"--config")) {
            arguments.append(line);
        }
    }
    checkResult(ConfigLoader::load(arguments, environment, options()));
}

void settingsFile(const QByteArray &content)
{
    static QTemporaryDir dir;
    static quint64 serial = 0;
    // A new name each time: QSettings caches parsed files by name.
    const QString path = dir.filePath(u"fuzz-%1.ini"_qs.arg(++serial));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        fuzz::fail("cannot write the settings file", path);
    file.write(content);
    file.close();
    checkResult(ConfigLoader::load({u"--config"_qs, path}, QProcessEnvironment(), options()));
    file.remove();
}

void keyRingFile(const QByteArray &json)
{
    QString error;
    const auto ring = KeyRingFile::parse(json, u"keys.json"_qs, &error);
    if (!ring) {
        fuzz::check(!error.isEmpty(), "a key file error without a message");
        return;
    }
    const QByteArray saved = KeyRingFile::serialize(*ring);
    const auto again = KeyRingFile::parse(saved, u"keys.json"_qs, &error);
    fuzz::check(again && again->keys() == ring->keys(), "a key file does not read back",
                QString::fromUtf8(saved) + u'\n' + error);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray rest(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const QString text = QString::fromUtf8(rest);
    if (!fuzz::freeOfMarker(text))
        return 0;
    switch (data[0] % 5) {
    case 0:
        loader(text);
        break;
    case 1:
        settingsFile(rest);
        break;
    case 2:
        redisWithPassword(u"redis://"_qs, text);
        break;
    case 3:
        redisWithPassword(u"redis+cluster://"_qs, text);
        break;
    case 4:
        keyRingFile(rest);
        break;
    }
    return 0;
}
