#include "RedisScript.h"

#include <QCryptographicHash>

namespace tickscope {

// Conventions of the scripts: numbers travel as decimal text; a q is formatted with '%d'
// (Lua 5.1's tostring would switch to exponent notation above 1e14); prices and sizes are
// passed through as the text the server wrote (the shortest round-trip form), never converted.

namespace {

// Stream layout. An entry holds the ticks of one symbol from one batch, at most
// RedisTickStore::TicksPerEntry of them; its id is "L-0", L the q of its last tick, so the
// entry holding q is the first one with id >= "q-0" (XRANGE from q is still a direct seek).
// Fields: n (ticks), b (running maximum of t before the entry; absent for the first entry of
// a history), x (largest t in the entry), m (running maximum of t through the entry), and e:
// "t p v t p v ..." for q = L - n + 1 .. L, each value as the text the server wrote, except
// that every t but the first is the difference from the t before it (ticks of a batch are
// microseconds apart: a few digits instead of sixteen; docs/redis.md has what that saves in
// memory and in the AOF). Older entries of batches have d instead of e, with every t whole;
// before entries held batches, an entry held one tick: fields t, p, v and m (only where m
// differs from t). Every script reads all three.
//
// Entries are never rewritten (stream ids only grow), so a trim that cuts inside an entry
// keeps the entry and moves the meta's first_seq: first_seq, not the stream, says where the
// history starts, and reads go through ReadLua, which starts at it.

// Lua helpers shared by the scripts (prepended to each).
const char EntryLua[] = R"lua(
local function qid(q) return string.format('%d-0', q) end
local function idq(id) return tonumber(string.match(id, '^%d+')) end
-- {last, n, b, x, m, e or d} of an entry (old one-tick entries: e and d nil, p/v unused).
local function fields(e)
  local r = {last = idq(e[1]), n = 1}
  local f = e[2]
  local t
  for k = 1, #f, 2 do
    local name, value = f[k], f[k + 1]
    if name == 'n' then r.n = tonumber(value)
    elseif name == 'b' then r.b = tonumber(value)
    elseif name == 'x' then r.x = tonumber(value)
    elseif name == 'm' then r.m = tonumber(value)
    elseif name == 'e' then r.e = value
    elseif name == 'd' then r.d = value
    elseif name == 't' then t = tonumber(value) end
  end
  if not r.e and not r.d then
    if t == nil then error('entry ' .. e[1] .. ' holds no tick') end
    r.x = t
    r.m = r.m or t
    r.t = t
  end
  r.first = r.last - r.n + 1
  return r
end
-- The times of an entry's ticks, in q order.
local function times(r)
  if r.t then return {r.t} end
  local out = {}
  if r.e then
    local t = 0
    for dt in string.gmatch(r.e, '(%S+) %S+ %S+') do
      t = t + tonumber(dt)
      out[#out + 1] = t
    end
  else
    for t in string.gmatch(r.d, '(%S+) %S+ %S+') do out[#out + 1] = tonumber(t) end
  end
  if #out ~= r.n then error('entry ' .. qid(r.last) .. ' holds ' .. #out .. ' ticks, not ' .. r.n) end
  return out
end
-- The entry holding q (it must exist).
local function holding(ticks, q)
  local e = redis.call('XRANGE', ticks, qid(q), '+', 'COUNT', 1)[1]
  local r = e and fields(e)
  if not r or r.first > q then error('tick ' .. q .. ' missing in ' .. ticks) end
  return r
end
-- The running maximum of t through q (q inside the entry r).
local function maxThrough(r, q)
  if q == r.last then return r.m end
  local m = r.b
  local ts = times(r)
  for i = 1, q - r.first + 1 do
    if m == nil or ts[i] > m then m = ts[i] end
  end
  return m
end
)lua";

// KEYS: meta hash, ticks stream, writers hash (all under the symbol's {hash tag}).
// ARGV: epoch, writer id, batch id, notify channel, known ('1': the writer saw this symbol
// with ticks, so a missing meta means Redis lost it), t and p of the last tick, the number of
// entries, then n, x (largest t) and e for each entry (see the layout above).
// Returns {first q, last q, 1 if this batch was applied before (a retry), else 0}.
//
// Idempotent per (writer, batch): the writers hash keeps, per writer, the last batch applied
// and its range; a writer's batches are sequential, so a resend of the batch it applied last
// (its reply was lost, or another symbol of the batch failed) gets the same range back.
const char AppendLua[] = R"lua(
local meta, ticks, writers = KEYS[1], KEYS[2], KEYS[3]
local epoch, writer, batch, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local known = ARGV[5] == '1'
local lastT, lastP = ARGV[6], ARGV[7]
local entries = tonumber(ARGV[8])
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
local i = 9
for _ = 1, entries do
  local n, x = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local before = maxT
  if maxT == nil or x > maxT then maxT = x end
  last = last + n
  if before == nil then
    redis.call('XADD', ticks, qid(last), 'n', ARGV[i], 'x', ARGV[i + 1],
               'm', string.format('%d', maxT), 'e', ARGV[i + 2])
  else
    redis.call('XADD', ticks, qid(last), 'n', ARGV[i], 'b', string.format('%d', before),
               'x', ARGV[i + 1], 'm', string.format('%d', maxT), 'e', ARGV[i + 2])
  end
  i = i + 3
end
if (tonumber(st[2]) or 0) == 0 then
  redis.call('HSET', meta, 'first_seq', string.format('%d', first))
end
redis.call('HSET', meta, 'last_seq', string.format('%d', last), 'last_t', lastT,
           'last_p', lastP, 'max_t', string.format('%d', maxT), 'epoch', epoch)
local range = string.format('%d %d', first, last)
redis.call('HSET', writers, writer, batch .. ' ' .. range)
redis.call('PUBLISH', channel, range .. ' ' .. writer)
return {first, last, 0}
)lua";

// KEYS: meta hash, ticks stream. ARGV: first q wanted, ticks wanted.
// Returns {the first q given (first_seq if the history starts later), entries}: the entries
// holding q .. q + count - 1 of the history, to be cut by the reader. Through a script because
// first_seq and the stream must be read together (a trim may have cut inside the first entry).
const char ReadLua[] = R"lua(
local meta, ticks = KEYS[1], KEYS[2]
local lo = math.max(tonumber(ARGV[1]), tonumber(redis.call('HGET', meta, 'first_seq')) or 0)
local hi = lo + tonumber(ARGV[2]) - 1
local page = redis.call('XRANGE', ticks, qid(lo), qid(hi))
local top = page[#page]
if not top or idq(top[1]) < hi then
  local after = redis.call('XRANGE', ticks, '(' .. qid(hi), '+', 'COUNT', 1)[1]
  if after then page[#page + 1] = after end
end
return {string.format('%d', lo), page}
)lua";

// KEYS: meta hash, ticks stream. ARGV: max ticks (0: no limit), age cutoff in us ('': none),
// scan budget (ticks). Returns {ticks removed, 1 if the scan budget ran out (call again), else 0}.
//
// The history stays contiguous: only a prefix goes. By age, the cut is before the first tick
// (from the count cut on) with t >= cutoff. The running maximum is non-decreasing, so when no
// tick before the count cut reached the cutoff, the cut is the first tick whose running
// maximum reaches it: a binary search over entries (by m), then a look inside one entry.
// Otherwise (a young tick before the cut, only with times that go backwards) the entries are
// scanned, skipping those whose largest t (x) is below the cutoff, at most `budget` ticks per
// call. Entries wholly before the new first q are deleted; the meta's first_seq is exact.
const char TrimLua[] = R"lua(
local meta, ticks = KEYS[1], KEYS[2]
local maxTicks = tonumber(ARGV[1])
local cutoff = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local st = redis.call('HMGET', meta, 'first_seq', 'last_seq', 'trim_m')
local first = tonumber(st[1]) or 0
local last = tonumber(st[2]) or 0
if first == 0 or last < first then return {0, 0} end
local newFirst = first
if maxTicks > 0 and last - first + 1 > maxTicks then newFirst = last - maxTicks + 1 end
local more = 0
if cutoff then
  local before
  if newFirst == first then
    before = tonumber(st[3])
  else
    before = maxThrough(holding(ticks, newFirst - 1), newFirst - 1)
  end
  local function firstYoung(r, from, useMax)
    local ts = times(r)
    local m = r.b
    for i = 1, r.n do
      local q = r.first + i - 1
      if m == nil or ts[i] > m then m = ts[i] end
      local probe = useMax and m or ts[i]
      if q >= from and probe >= cutoff then return q end
    end
    return nil
  end
  if before == nil or before < cutoff then
    -- The first entry (from newFirst's) whose running maximum reaches the cutoff.
    local lo, hi = newFirst, last + 1
    local found
    while lo < hi do
      local r = holding(ticks, math.floor((lo + hi) / 2))
      if r.m >= cutoff then
        found = r
        hi = math.max(r.first, newFirst)
      else
        lo = r.last + 1
      end
    end
    if found and lo <= last then
      if found.first > lo or found.last < lo then found = holding(ticks, lo) end
      newFirst = firstYoung(found, lo, true) or (found.last + 1)
    else
      newFirst = last + 1
    end
  else
    local q, scanned, found = newFirst, 0, false
    while not found and q <= last and scanned < budget do
      local page = redis.call('XRANGE', ticks, qid(q), '+', 'COUNT', 64)
      if #page == 0 then q = last + 1 break end
      for _, e in ipairs(page) do
        local r = fields(e)
        if r.x >= cutoff then
          local young = firstYoung(r, q, false)
          if young then q = young found = true break end
        end
        q = r.last + 1
        scanned = scanned + r.n
      end
    end
    if not found and q <= last then more = 1 end
    newFirst = q
  end
end
if newFirst <= first then return {0, more} end
local lastM = maxThrough(holding(ticks, newFirst - 1), newFirst - 1)
redis.call('XTRIM', ticks, 'MINID', qid(newFirst))
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
    static const RedisScript script{QByteArray(EntryLua) + AppendLua};
    return script;
}

const RedisScript &RedisScript::read()
{
    static const RedisScript script{QByteArray(EntryLua) + ReadLua};
    return script;
}

const RedisScript &RedisScript::trim()
{
    static const RedisScript script{QByteArray(EntryLua) + TrimLua};
    return script;
}

const RedisScript &RedisScript::tokenBucket()
{
    static const RedisScript script{QByteArray(TokenBucketLua)};
    return script;
}

} // namespace tickscope
