#include "RedisScript.h"

#include <QCryptographicHash>

namespace tickscope {

// Conventions of the scripts: numbers travel as decimal text; a q is formatted with '%d'
// (Lua 5.1's tostring would switch to exponent notation above 1e14); prices and sizes are
// passed through as the text the server wrote (the shortest round-trip form), never converted.

namespace {

// KEYS: meta hash, ticks stream, writers hash (all under the symbol's {hash tag}).
// ARGV: epoch, writer id, batch id, notify channel, known ('1': the writer saw this symbol
// with ticks, so a missing meta means Redis lost it), n, then t p v for each tick.
// Returns {first q, last q, 1 if this batch was applied before (a retry), else 0}.
//
// Idempotent per (writer, batch): the writers hash keeps, per writer, the last batch applied
// and its range; a writer's batches are sequential, so a resend of the batch it applied last
// (its reply was lost, or another symbol of the batch failed) gets the same range back.
// Stream ids are "q-0": XRANGE by q is a direct seek. Field m (the running maximum of t) is
// written only where it differs from t; trim uses it to binary-search the age cutoff.
const char AppendLua[] = R"lua(
local meta, ticks, writers = KEYS[1], KEYS[2], KEYS[3]
local epoch, writer, batch, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local known = ARGV[5] == '1'
local n = tonumber(ARGV[6])
local done = redis.call('HGET', writers, writer)
if done then
  local id, f, l = string.match(done, '^(%S+) (%d+) (%d+)$')
  if id == batch then return {tonumber(f), tonumber(l), 1} end
end
local st = redis.call('HMGET', meta, 'last_seq', 'first_seq', 'max_t', 'epoch')
if st[4] and st[4] ~= epoch then
  return redis.error_reply('EPOCH this history belongs to epoch ' .. st[4] .. ', not ' .. epoch)
end
if known and not st[1] then
  return redis.error_reply('LOST the history of ' .. meta .. ' is gone (Redis lost its data)')
end
local last = tonumber(st[1]) or 0
local maxT = tonumber(st[3])
local first = last + 1
local i = 7
for q = first, last + n do
  local t = tonumber(ARGV[i])
  local id = string.format('%d-0', q)
  if maxT == nil or t >= maxT then
    maxT = t
    redis.call('XADD', ticks, id, 't', ARGV[i], 'p', ARGV[i + 1], 'v', ARGV[i + 2])
  else
    redis.call('XADD', ticks, id, 't', ARGV[i], 'p', ARGV[i + 1], 'v', ARGV[i + 2],
               'm', string.format('%d', maxT))
  end
  i = i + 3
end
last = last + n
if (tonumber(st[2]) or 0) == 0 then
  redis.call('HSET', meta, 'first_seq', string.format('%d', first))
end
redis.call('HSET', meta, 'last_seq', string.format('%d', last), 'last_t', ARGV[i - 3],
           'last_p', ARGV[i - 2], 'max_t', string.format('%d', maxT), 'epoch', epoch)
local range = string.format('%d %d', first, last)
redis.call('HSET', writers, writer, batch .. ' ' .. range)
redis.call('PUBLISH', channel, range .. ' ' .. writer)
return {first, last, 0}
)lua";

// KEYS: meta hash, ticks stream. ARGV: max ticks (0: no limit), age cutoff in us ('': none),
// scan budget. Returns {ticks removed, 1 if the scan budget ran out (call again), else 0}.
//
// The history stays contiguous: only a prefix goes. By age, the cut is before the first tick
// (from the count cut on) with t >= cutoff. The running maximum m is non-decreasing, so when no
// tick before the count cut reached the cutoff, the first m >= cutoff is that tick: a binary
// search of O(log n) point lookups. Otherwise (a young tick before the cut, only with times
// that go backwards) t is scanned, at most `budget` entries per call.
const char TrimLua[] = R"lua(
local meta, ticks = KEYS[1], KEYS[2]
local maxTicks = tonumber(ARGV[1])
local cutoff = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local st = redis.call('HMGET', meta, 'first_seq', 'last_seq', 'trim_m')
local first = tonumber(st[1]) or 0
local last = tonumber(st[2]) or 0
if first == 0 or last < first then return {0, 0} end
local function id(q) return string.format('%d-0', q) end
local function entry(q)
  local e = redis.call('XRANGE', ticks, id(q), id(q))[1]
  if not e then error('entry ' .. id(q) .. ' missing in ' .. ticks) end
  local f, t, m = e[2], nil, nil
  for k = 1, #f, 2 do
    if f[k] == 't' then t = tonumber(f[k + 1]) elseif f[k] == 'm' then m = tonumber(f[k + 1]) end
  end
  return t, m or t
end
local newFirst = first
if maxTicks > 0 and last - first + 1 > maxTicks then newFirst = last - maxTicks + 1 end
local more = 0
if cutoff then
  local before
  if newFirst == first then
    before = tonumber(st[3])
  else
    local _, m = entry(newFirst - 1)
    before = m
  end
  if before == nil or before < cutoff then
    local lo, hi = newFirst, last + 1
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      local _, m = entry(mid)
      if m >= cutoff then hi = mid else lo = mid + 1 end
    end
    newFirst = lo
  else
    local q, scanned, found = newFirst, 0, false
    while not found and q <= last and scanned < budget do
      local page = redis.call('XRANGE', ticks, id(q), id(last), 'COUNT', 256)
      if #page == 0 then q = last + 1 break end
      for _, e in ipairs(page) do
        local f, t = e[2], nil
        for k = 1, #f, 2 do if f[k] == 't' then t = tonumber(f[k + 1]) end end
        q = tonumber(string.match(e[1], '^%d+'))
        if t >= cutoff then found = true break end
        q = q + 1
      end
      scanned = scanned + #page
    end
    if not found and q <= last then more = 1 end
    newFirst = q
  end
end
if newFirst <= first then return {0, more} end
local _, lastM = entry(newFirst - 1)
redis.call('XTRIM', ticks, 'MINID', id(newFirst))
local keep = '0'
if newFirst <= last then keep = string.format('%d', newFirst) end
redis.call('HSET', meta, 'first_seq', keep, 'trim_m', string.format('%d', lastM))
return {newFirst - first, more}
)lua";

// KEYS: the bucket hash. ARGV: rate (tokens per second, > 0), burst (>= 1), cost.
// Returns {1 allowed / 0 refused, retry after ms, tokens left as text}.
// The time is the Redis server's (TIME), so every server process agrees on it. Scripts are
// replicated by their effects (Redis >= 5 default, always in 7), so TIME is allowed here.
const char TokenBucketLua[] = R"lua(
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = redis.call('TIME')
local nowUs = tonumber(now[1]) * 1000000 + tonumber(now[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or nowUs
if nowUs > ts then
  tokens = math.min(burst, tokens + (nowUs - ts) * rate / 1000000)
  ts = nowUs
end
local allowed, retry = 0, 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.max(1, math.ceil((cost - tokens) * 1000 / rate))
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%d', ts))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, retry, string.format('%.6f', tokens)}
)lua";

} // namespace

RedisScript::RedisScript(QByteArray body)
    : m_body(std::move(body)),
      m_sha1(QCryptographicHash::hash(m_body, QCryptographicHash::Sha1).toHex())
{}

RedisClusterRouter::Command RedisScript::command(const QByteArrayList &keys,
                                                 const QByteArrayList &args) const
{
    RedisClusterRouter::Command command;
    command.key = keys.value(0);
    const QByteArray numKeys = QByteArray::number(keys.size());
    command.args.reserve(3 + keys.size() + args.size());
    command.args << QByteArrayLiteral("EVALSHA") << m_sha1 << numKeys;
    command.args += keys;
    command.args += args;
    command.fallback = command.args;
    command.fallback[0] = QByteArrayLiteral("EVAL");
    command.fallback[1] = m_body;
    return command;
}

const RedisScript &RedisScript::append()
{
    static const RedisScript script{QByteArray(AppendLua)};
    return script;
}

const RedisScript &RedisScript::trim()
{
    static const RedisScript script{QByteArray(TrimLua)};
    return script;
}

const RedisScript &RedisScript::tokenBucket()
{
    static const RedisScript script{QByteArray(TokenBucketLua)};
    return script;
}

} // namespace tickscope
