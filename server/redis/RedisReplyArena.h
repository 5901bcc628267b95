#pragma once

struct redisContext;
struct redisReply;

namespace tickscope {

// Builds hiredis replies in one arena per top-level reply instead of two allocations per
// element. A page of 4,096 one-tick stream entries (the layout before entries held batches,
// still read) is ~37,000 reply objects; with hiredis's default functions, allocating and freeing
// them took about half the store thread's time in a replay from Redis. The replies keep hiredis's
// layout, so RedisReply reads them as before; only release() may free them.
class RedisReplyArena
{
public:
    // Makes the reader of `context` build its replies in arenas.
    static void install(redisContext *context);
    // Frees a top-level reply built by an installed reader, with all its elements.
    static void release(redisReply *reply);
};

} // namespace tickscope
