#include "RedisTickStore.h"

#include "core/Symbol.h"
#include "core/TickJson.h"
#include "redis/RedisScript.h"
#include "store/StoreInput.h"

#include <QUuid>
#include <algorithm>
#include <charconv>
#include <hiredis/hiredis.h>
#include <limits>
#include <optional>

namespace tickscope {

namespace {

bool parseDouble(QByteArrayView text, double *out)
{
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
    return ec == std::errc() && ptr == end;
}

bool parseInt(QByteArrayView text, qint64 *out)
{
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
    return ec == std::errc() && ptr == end;
}

// The text of a string reply, without a copy (valid while the reply lives).
QByteArrayView view(const redisReply *reply)
{
    if (!reply || reply->type != REDIS_REPLY_STRING)
        return {};
    return QByteArrayView(reply->str, qsizetype(reply->len));
}

// The q of a stream entry ("q-0"): the q of its last tick.
bool parseEntryId(const redisReply *entry, qint64 *seq)
{
    const QByteArrayView id = view(RedisReply::element(entry, 0));
    const qsizetype dash = id.indexOf('-');
    return dash > 0 && parseInt(id.first(dash), seq);
}

// Reads the next space-separated value of `data` from *pos; empty past the end.
QByteArrayView nextWord(QByteArrayView data, qsizetype *pos)
{
    const qsizetype start = std::min(*pos, data.size());
    qsizetype end = start;
    while (end < data.size() && data[end] != ' ')
        ++end;
    *pos = end + 1;
    return data.sliced(start, end - start);
}

// Appends the ticks of one stream entry (layout in RedisScript.cpp) with q >= from, up to
// `limit` in *out in all. Parsed in place: a replay of a long history spends its client time
// here. False when the entry is not one of ours.
bool parseEntry(const redisReply *entry, const QString &symbol, qint64 from, qsizetype limit,
                TickList *out)
{
    qint64 last = 0;
    if (!parseEntryId(entry, &last))
        return false;
    const redisReply *fields = RedisReply::element(entry, 1);
    QByteArrayView t, p, v, d;
    bool relative = false; // e: every t but the first relative to the one before
    qint64 n = 1;
    for (qsizetype i = 0; i + 1 < RedisReply::size(fields); i += 2) {
        const QByteArrayView name = view(RedisReply::element(fields, i));
        const QByteArrayView value = view(RedisReply::element(fields, i + 1));
        if (name.size() != 1)
            continue;
        switch (name.front()) {
        case 't':
            t = value;
            break;
        case 'p':
            p = value;
            break;
        case 'v':
            v = value;
            break;
        case 'e':
            d = value;
            relative = true;
            break;
        case 'd':
            if (!relative)
                d = value;
            break;
        case 'n':
            if (!parseInt(value, &n) || n < 1)
                return false;
            break;
        default:
            break;
        }
    }
    qint64 q = last - n + 1;
    if (d.isNull()) {
        if (n != 1 || t.isNull() || p.isNull() || v.isNull())
            return false;
    }
    qsizetype pos = 0;
    qint64 timeUs = 0;
    for (; q <= last && out->size() < limit; ++q) {
        if (!d.isNull()) {
            t = nextWord(d, &pos);
            p = nextWord(d, &pos);
            v = nextWord(d, &pos);
        }
        qint64 value = 0;
        if (!parseInt(t, &value))
            return false;
        // Every t before `from` is still read: the ones after are relative to it.
        if (!relative)
            timeUs = value;
        else if (__builtin_add_overflow(timeUs, value, &timeUs))
            return false;
        if (q < from)
            continue;
        Tick tick;
        tick.seq = q;
        tick.symbol = symbol;
        tick.timeUs = timeUs;
        if (!parseDouble(p, &tick.price) || !parseDouble(v, &tick.size))
            return false;
        out->append(std::move(tick));
    }
    return true;
}

} // namespace

RedisTickStore::RedisTickStore(RedisUrl url, RedisStoreOptions options)
    : m_url(std::move(url)), m_options(std::move(options)), m_keys(m_options.keyPrefix),
      m_writerId(QUuid::createUuid().toString(QUuid::Id128))
{
    RedisClusterRouter::Options routing;
    routing.connection.connectTimeoutMs = m_options.connectTimeoutMs;
    routing.connection.commandTimeoutMs = m_options.commandTimeoutMs;
    routing.backoff = m_options.backoff;
    routing.breaker = m_options.breaker;
    routing.clock = m_options.clock;
    m_router = std::make_unique<RedisClusterRouter>(m_url, routing);
    m_options.readPageSize = std::max(1, m_options.readPageSize);
    m_options.trimScanBudget = std::max(256, m_options.trimScanBudget);
}

RedisTickStore::~RedisTickStore()
{
    close();
}

std::unique_ptr<RedisTickStore> RedisTickStore::fromUrl(const QString &text, QString *error,
                                                        RedisStoreOptions options)
{
    if (!RedisKeys::isValidPrefix(options.keyPrefix, error))
        return nullptr;
    std::optional<RedisUrl> url = RedisUrl::parse(text, error);
    if (!url)
        return nullptr;
    return std::make_unique<RedisTickStore>(*url, std::move(options));
}

bool RedisTickStore::fail(QString *error, const QString &message) const
{
    if (error)
        *error = u"history store %1: %2"_qs.arg(location(), message);
    return false;
}

bool RedisTickStore::notOpen(QString *error) const
{
    if (error)
        *error = u"history store %1 is not open"_qs.arg(location());
    return false;
}

bool RedisTickStore::isAvailable() const
{
    return m_open && m_router->isUp() && m_epochLost.isEmpty();
}

bool RedisTickStore::redisUp() const
{
    return m_open && m_router->isUp();
}

bool RedisTickStore::open(QString *error)
{
    if (m_open)
        return true;
    QString reason;
    if (!m_router->connect(&reason)) {
        if (error)
            *error = u"history store %1 cannot be opened: %2"_qs.arg(location(), reason);
        return false;
    }
    if (!readEpoch(error))
        return false;
    m_open = true;
    m_epochLost.clear();
    m_checkedReconnects = m_router->stats().reconnects;
    m_registered.clear();
    m_states.clear();
    const RedisClusterRouter::Result members = m_router->execute(
        {m_keys.symbols(), {QByteArrayLiteral("SMEMBERS"), m_keys.symbols()}, {}});
    if (!members.ok()) {
        m_open = false;
        return fail(error, u"cannot read the symbol registry: %1"_qs.arg(members.message()));
    }
    QStringList names;
    for (qsizetype i = 0; i < RedisReply::size(members.reply.get()); ++i) {
        const QString name =
            QString::fromUtf8(RedisReply::bytes(RedisReply::element(members.reply.get(), i)));
        if (Symbol::isValid(name))
            names.append(name);
    }
    QList<SymbolState> states;
    if (!loadStates(names, &states, error)) {
        m_open = false;
        return false;
    }
    // A registered symbol whose script failed has no meta yet: it is not "registered" here,
    // so its next append sends SADD again (harmless).
    for (const SymbolState &state : std::as_const(states))
        m_registered.insert(state.symbol);
    return true;
}

bool RedisTickStore::readEpoch(QString *error)
{
    using Command = RedisClusterRouter::Command;
    std::vector<RedisClusterRouter::Result> results = m_router->execute(QList<Command>{
        {m_keys.epoch(), {QByteArrayLiteral("GET"), m_keys.epoch()}, {}},
        {m_keys.symbols(), {QByteArrayLiteral("SCARD"), m_keys.symbols()}, {}},
    });
    for (const auto &result : results) {
        if (!result.ok()) {
            const QString message = result.message();
            if (message.startsWith(u"WRONGTYPE"_qs)) {
                return fail(error,
                            u"key %1 or %2 is not Tickscope's (%3); use another key prefix "
                            "or database"_qs.arg(QString::fromUtf8(m_keys.epoch()),
                                                 QString::fromUtf8(m_keys.symbols()), message));
            }
            return fail(error, u"cannot read the epoch: %1"_qs.arg(message));
        }
    }
    QByteArray epoch = results[0].reply.bytes();
    if (results[0].reply.isNil()) {
        const long long registered = results[1].reply.integer();
        if (registered > 0) {
            // Never mint a new epoch over existing data: clients would trust their old q.
            return fail(error, u"holds %1 symbols but no epoch (key %2): the data was partly lost "
                               "or written by something else; restore it, or use another key "
                               "prefix or database"_qs.arg(registered)
                                   .arg(QString::fromUtf8(m_keys.epoch())));
        }
        const QByteArray fresh = StoreInput::newEpoch().toUtf8();
        // NX: of several servers starting on an empty Redis, the first one's epoch wins.
        std::vector<RedisClusterRouter::Result> created = m_router->execute(QList<Command>{
            {m_keys.epoch(),
             {QByteArrayLiteral("SET"), m_keys.epoch(), fresh, QByteArrayLiteral("NX")},
             {}},
            {m_keys.epoch(), {QByteArrayLiteral("GET"), m_keys.epoch()}, {}},
        });
        if (!created[1].ok() || !created[1].reply.isString())
            return fail(error, u"cannot create the epoch: %1"_qs.arg(created[1].message()));
        epoch = created[1].reply.bytes();
    }
    if (epoch.isEmpty() || epoch.size() > 64)
        return fail(error,
                    u"key %1 holds no valid epoch"_qs.arg(QString::fromUtf8(m_keys.epoch())));
    m_epoch = QString::fromUtf8(epoch);
    return true;
}

void RedisTickStore::close()
{
    m_router->disconnect();
    m_open = false;
}

bool RedisTickStore::ping(QString *error)
{
    const RedisClusterRouter::Result result =
        m_router->execute({QByteArray(), {QByteArrayLiteral("PING")}, {}});
    if (!result.ok())
        return fail(error, result.message());
    return true;
}

bool RedisTickStore::loadStates(const QStringList &names, QList<SymbolState> *out,
                                QString *error) const
{
    QList<RedisClusterRouter::Command> commands;
    commands.reserve(names.size());
    for (const QString &name : names) {
        const QByteArray meta = m_keys.meta(name);
        commands.append({meta,
                         {QByteArrayLiteral("HMGET"), meta, QByteArrayLiteral("first_seq"),
                          QByteArrayLiteral("last_seq"), QByteArrayLiteral("last_t"),
                          QByteArrayLiteral("last_p")},
                         {}});
    }
    const std::vector<RedisClusterRouter::Result> results = m_router->execute(commands);
    out->clear();
    for (qsizetype i = 0; i < names.size(); ++i) {
        const RedisClusterRouter::Result &result = results[size_t(i)];
        if (!result.ok())
            return fail(error, u"cannot read symbol %1: %2"_qs.arg(names.at(i), result.message()));
        const redisReply *reply = result.reply.get();
        SymbolState state;
        state.symbol = names.at(i);
        if (!RedisReply::toInt64(RedisReply::element(reply, 1), &state.lastSeq) ||
            state.lastSeq <= 0) {
            continue; // registered, but its first append did not go through
        }
        RedisReply::toInt64(RedisReply::element(reply, 0), &state.firstSeq);
        RedisReply::toInt64(RedisReply::element(reply, 2), &state.lastTimeUs);
        parseDouble(RedisReply::bytes(RedisReply::element(reply, 3)), &state.lastPrice);
        out->append(state);
        m_states.insert(state.symbol, state);
    }
    std::sort(out->begin(), out->end(),
              [](const SymbolState &a, const SymbolState &b) { return a.symbol < b.symbol; });
    return true;
}

QList<SymbolState> RedisTickStore::symbols() const
{
    QList<SymbolState> out;
    if (m_open) {
        const RedisClusterRouter::Result members = m_router->execute(
            {m_keys.symbols(), {QByteArrayLiteral("SMEMBERS"), m_keys.symbols()}, {}});
        if (members.ok()) {
            QStringList names;
            for (qsizetype i = 0; i < RedisReply::size(members.reply.get()); ++i) {
                const QString name = QString::fromUtf8(
                    RedisReply::bytes(RedisReply::element(members.reply.get(), i)));
                if (Symbol::isValid(name))
                    names.append(name);
            }
            if (loadStates(names, &out, nullptr))
                return out;
        }
    }
    out = m_states.values();
    std::sort(out.begin(), out.end(),
              [](const SymbolState &a, const SymbolState &b) { return a.symbol < b.symbol; });
    return out;
}

std::optional<SymbolState> RedisTickStore::symbol(const QString &name) const
{
    if (!Symbol::isValid(name))
        return std::nullopt;
    if (m_open) {
        QList<SymbolState> states;
        if (loadStates({name}, &states, nullptr))
            return states.isEmpty() ? std::nullopt : std::optional<SymbolState>(states.first());
    }
    const auto it = m_states.constFind(name);
    return it == m_states.cend() ? std::nullopt : std::optional<SymbolState>(*it);
}

bool RedisTickStore::verifyEpoch(QString *error)
{
    if (!m_epochLost.isEmpty())
        return fail(error, m_epochLost);
    const RedisClusterRouter::Result result =
        m_router->execute({m_keys.epoch(), {QByteArrayLiteral("GET"), m_keys.epoch()}, {}});
    if (!result.ok())
        return fail(error, u"cannot read the epoch: %1"_qs.arg(result.message()));
    const QString now = QString::fromUtf8(result.reply.bytes());
    if (now == m_epoch) {
        m_checkedReconnects = m_router->stats().reconnects;
        return true;
    }
    // Redis restarted without its data, was flushed, or failed over to a replica that had
    // none. Handing out q now would give old numbers new meanings under the old epoch.
    m_epochLost = u"Redis lost its data: the epoch %1 is %2; the store must be reopened (close() "
                  "and open()), which starts a new epoch"_qs.arg(
                      m_epoch, result.reply.isNil() ? u"gone"_qs : u"now "_qs + now);
    return fail(error, m_epochLost);
}

bool RedisTickStore::append(TickList &ticks, QString *error)
{
    m_partial.clear();
    if (!m_open)
        return notOpen(error);
    // After a reconnect the Redis may be another one (restarted empty): check before writing.
    if ((!m_epochLost.isEmpty() || !m_router->isUp() ||
         m_router->stats().reconnects != m_checkedReconnects) &&
        !verifyEpoch(error)) {
        return false;
    }
    if (!StoreInput::checkTicks(ticks, error))
        return false;
    StoreInput::normalize(ticks);
    if (ticks.isEmpty())
        return true;

    // One script per symbol, in the order the symbols first appear.
    struct Group
    {
        QString symbol;
        QList<qsizetype> positions;
        QByteArrayList args;
    };
    std::vector<Group> groups;
    QHash<QString, size_t> groupOf;
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        const QString &name = ticks.at(i).symbol;
        auto it = groupOf.constFind(name);
        if (it == groupOf.cend()) {
            it = groupOf.insert(name, groups.size());
            groups.push_back(Group{name, {}, {}});
        }
        groups[*it].positions.append(i);
    }
    const QByteArray epoch = m_epoch.toUtf8();
    const QByteArray writer = m_writerId.toUtf8();
    size_t fingerprint = 0;
    for (Group &group : groups) {
        const qsizetype count = group.positions.size();
        const qsizetype entries = (count + TicksPerEntry - 1) / TicksPerEntry;
        group.args.reserve(8 + 3 * entries);
        const auto state = m_states.constFind(group.symbol);
        const bool known = state != m_states.cend() && state->lastSeq > 0;
        const Tick &lastTick = ticks.at(group.positions.constLast());
        QByteArray lastPrice;
        TickJson::appendNumber(lastPrice, lastTick.price);
        group.args << epoch << writer << QByteArray() << m_keys.notify(group.symbol)
                   << QByteArray(known ? "1" : "0") << QByteArray::number(lastTick.timeUs)
                   << lastPrice << QByteArray::number(entries);
        fingerprint = qHash(group.symbol, fingerprint);
        for (qsizetype start = 0; start < count; start += TicksPerEntry) {
            const qsizetype end = std::min(count, start + TicksPerEntry);
            QByteArray data;
            data.reserve(32 * (end - start));
            qint64 maxTime = std::numeric_limits<qint64>::min();
            qint64 previousTime = 0;
            for (qsizetype k = start; k < end; ++k) {
                const Tick &tick = ticks.at(group.positions.at(k));
                if (k > start)
                    data.append(' ');
                // The field e: every t but the first as the step from the one before.
                TickJson::appendInteger(data, tick.timeUs - previousTime);
                previousTime = tick.timeUs;
                data.append(' ');
                TickJson::appendNumber(data, tick.price);
                data.append(' ');
                TickJson::appendNumber(data, tick.size);
                maxTime = std::max(maxTime, tick.timeUs);
            }
            fingerprint = qHash(data, fingerprint);
            group.args << QByteArray::number(end - start) << QByteArray::number(maxTime)
                       << std::move(data);
        }
    }
    // A resend of the batch that failed last keeps its id: what was stored is not stored twice.
    if (m_pending.batchId.isEmpty() || m_pending.fingerprint != fingerprint)
        m_pending = Pending{QByteArray::number(++m_batchCounter, 16), fingerprint};

    QList<RedisClusterRouter::Command> commands;
    commands.reserve(qsizetype(groups.size()) + 1);
    QByteArrayList sadd{QByteArrayLiteral("SADD"), m_keys.symbols()};
    for (Group &group : groups) {
        group.args[2] = m_pending.batchId;
        const QByteArray metaKey = m_keys.meta(group.symbol);
        commands.append(RedisScript::append().command(
            {metaKey, m_keys.ticks(group.symbol), m_keys.writers(group.symbol)}, group.args));
        if (!m_registered.contains(group.symbol))
            sadd.append(group.symbol.toUtf8());
    }
    // After the scripts: a symbol is registered once it may have ticks (open() skips the ones
    // that have no meta, so a symbol whose script failed stays invisible).
    const bool registering = sadd.size() > 2;
    if (registering)
        commands.append({m_keys.symbols(), sadd, {}});

    const std::vector<RedisClusterRouter::Result> results = m_router->execute(commands);

    QList<StoredRange> stored;
    QStringList failures;
    std::vector<std::pair<qint64, qint64>> ranges(groups.size(), {0, 0});
    for (size_t g = 0; g < groups.size(); ++g) {
        const RedisClusterRouter::Result &result = results[g];
        const Group &group = groups[g];
        qint64 first = 0;
        qint64 last = 0;
        if (result.ok() &&
            RedisReply::toInt64(RedisReply::element(result.reply.get(), 0), &first) &&
            RedisReply::toInt64(RedisReply::element(result.reply.get(), 1), &last) &&
            last - first + 1 == group.positions.size()) {
            ranges[g] = {first, last};
            stored.append(StoredRange{group.symbol, first, last});
            continue;
        }
        QString message = result.message();
        if (message.isEmpty())
            message = u"unexpected reply to the append script"_qs;
        if (message.startsWith(u"LOST"_qs) && m_epochLost.isEmpty()) {
            m_epochLost = u"Redis lost the history of %1 (its keys are gone); the store must be "
                          "reopened (close() and open())"_qs.arg(group.symbol);
        }
        failures.append(u"%1: %2"_qs.arg(group.symbol, message));
    }

    if (!failures.isEmpty()) {
        m_partial = stored;
        if (stored.isEmpty()) {
            const QString more = failures.size() > 1
                                     ? u" (and %1 more symbols)"_qs.arg(failures.size() - 1)
                                     : QString();
            return fail(error,
                        u"append failed, nothing stored: %1%2"_qs.arg(failures.first(), more));
        }
        QStringList parts;
        for (const StoredRange &range : std::as_const(stored))
            parts.append(u"%1 q %2..%3"_qs.arg(range.symbol).arg(range.first).arg(range.last));
        return fail(error,
                    u"append stored only part of the batch (a Redis node failed): stored %1; "
                    "failed %2; the stored ticks are durable and visible to other servers; "
                    "append the same batch again to complete it without duplicates"_qs.arg(
                        parts.join(u", "_qs), failures.join(u"; "_qs)));
    }

    m_pending = {};
    if (registering && results.back().ok()) {
        for (const Group &group : groups)
            m_registered.insert(group.symbol);
    }
    for (size_t g = 0; g < groups.size(); ++g) {
        const Group &group = groups[g];
        qint64 q = ranges[g].first;
        for (const qsizetype position : group.positions)
            ticks[position].seq = q++;
        const Tick &lastTick = ticks.at(group.positions.constLast());
        SymbolState &state = m_states[group.symbol];
        state.symbol = group.symbol;
        if (state.firstSeq == 0)
            state.firstSeq = ranges[g].first;
        state.lastSeq = ranges[g].second;
        state.lastTimeUs = lastTick.timeUs;
        state.lastPrice = lastTick.price;
    }
    return true;
}

bool RedisTickStore::read(const QString &symbol, qint64 fromSeq, int limit, TickList *out,
                          QString *error)
{
    out->clear();
    if (!m_open)
        return notOpen(error);
    if (limit <= 0 || !Symbol::isValid(symbol))
        return true;
    const QByteArray meta = m_keys.meta(symbol);
    const QByteArray key = m_keys.ticks(symbol);
    const auto page = [&](qint64 from, qint64 count) {
        return RedisScript::read().command({meta, key},
                                           {QByteArray::number(from), QByteArray::number(count)});
    };
    const qint64 pageSize = std::min<qint64>(limit, m_options.readPageSize);
    qint64 from = std::max<qint64>(fromSeq, 1);
    out->reserve(int(pageSize));
    while (out->size() < limit) {
        const qint64 remaining = limit - out->size();
        const qint64 count = std::min<qint64>(remaining, m_options.readPageSize);
        const RedisClusterRouter::Command command = page(from, count);
        std::optional<RedisClusterRouter::Result> prefetched = m_router->takePrefetched(command);
        const RedisClusterRouter::Result result =
            prefetched ? std::move(*prefetched) : m_router->execute(command);
        qint64 start = 0;
        if (!result.ok() ||
            !RedisReply::toInt64(RedisReply::element(result.reply.get(), 0), &start)) {
            out->clear();
            return fail(error, u"read of %1 from q %2 failed: %3"_qs.arg(symbol).arg(from).arg(
                                   result.message()));
        }
        const redisReply *entries = RedisReply::element(result.reply.get(), 1);
        const qsizetype before = out->size();
        const qsizetype wanted = before + count;
        const qsizetype got = RedisReply::size(entries);
        qint64 topSeq = 0;
        if (got > 0 && count == remaining && m_options.prefetch &&
            parseEntryId(RedisReply::element(entries, got - 1), &topSeq) &&
            topSeq >= start + count - 1) {
            // A full page ends this read: a catch-up asks for the page after it next. Asked
            // now, Redis prepares it while this page is parsed.
            m_router->prefetch(page(start + count, pageSize));
        }
        for (qsizetype i = 0; i < got && out->size() < wanted; ++i) {
            const redisReply *entry = RedisReply::element(entries, i);
            if (!parseEntry(entry, symbol, start, wanted, out)) {
                out->clear();
                return fail(error,
                            u"entry %1 of %2 is not a tick entry"_qs.arg(
                                QString::fromUtf8(RedisReply::bytes(RedisReply::element(entry, 0))),
                                QString::fromUtf8(key)));
            }
        }
        if (out->size() < wanted)
            break;
        from = out->constLast().seq + 1;
    }
    return true;
}

qint64 RedisTickStore::trim(const RetentionPolicy &policy, qint64 nowUs, QString *error)
{
    if (!m_open) {
        notOpen(error);
        return -1;
    }
    if (!StoreInput::checkPolicy(policy, error))
        return -1;
    // Also how a FLUSHALL under a running server is noticed (the connection never broke).
    if (!verifyEpoch(error))
        return -1;
    if (policy.maxTicksPerSymbol == 0 && policy.maxAgeUs == 0)
        return 0;
    const RedisClusterRouter::Result members = m_router->execute(
        {m_keys.symbols(), {QByteArrayLiteral("SMEMBERS"), m_keys.symbols()}, {}});
    if (!members.ok()) {
        fail(error, u"trim cannot read the symbol registry: %1"_qs.arg(members.message()));
        return -1;
    }
    QStringList todo;
    for (qsizetype i = 0; i < RedisReply::size(members.reply.get()); ++i) {
        const QString name =
            QString::fromUtf8(RedisReply::bytes(RedisReply::element(members.reply.get(), i)));
        if (Symbol::isValid(name))
            todo.append(name);
    }
    const QByteArray maxTicks = QByteArray::number(policy.maxTicksPerSymbol);
    const QByteArray cutoff =
        policy.maxAgeUs > 0 ? QByteArray::number(nowUs - policy.maxAgeUs) : QByteArray();
    const QByteArray budget = QByteArray::number(m_options.trimScanBudget);
    qint64 removed = 0;
    // Symbols whose scan budget ran out go round again; each round removes at least a budget.
    while (!todo.isEmpty()) {
        QList<RedisClusterRouter::Command> commands;
        commands.reserve(todo.size());
        for (const QString &name : std::as_const(todo)) {
            commands.append(RedisScript::trim().command({m_keys.meta(name), m_keys.ticks(name)},
                                                        {maxTicks, cutoff, budget}));
        }
        const std::vector<RedisClusterRouter::Result> results = m_router->execute(commands);
        QStringList again;
        for (qsizetype i = 0; i < todo.size(); ++i) {
            const RedisClusterRouter::Result &result = results[size_t(i)];
            qint64 count = 0;
            qint64 more = 0;
            if (!result.ok() ||
                !RedisReply::toInt64(RedisReply::element(result.reply.get(), 0), &count) ||
                !RedisReply::toInt64(RedisReply::element(result.reply.get(), 1), &more)) {
                fail(error, u"trim of %1 failed: %2"_qs.arg(todo.at(i), result.message()));
                return -1;
            }
            removed += count;
            if (more)
                again.append(todo.at(i));
        }
        todo = again;
    }
    return removed;
}

} // namespace tickscope
