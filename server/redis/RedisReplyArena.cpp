#include "RedisReplyArena.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <hiredis/hiredis.h>
#include <vector>

namespace tickscope {

namespace {

// Small replies (OK, an integer, a short string) fit in the top-level allocation; larger
// ones take blocks of BlockBytes (or one of their own for a value larger than that).
constexpr size_t InlineBytes = 256;
constexpr size_t BlockBytes = size_t{256} * 1024;
// Freed blocks stay with the thread, up to this many: a replay reads page after page of
// about 2 MB of replies, and fresh memory each time cost page faults and cache misses.
constexpr size_t PooledBlocks = 16;

// Every reply object is preceded by a tag, so that release() can refuse an element: only
// a top-level reply owns memory.
constexpr std::uint64_t RootTag = 0x746f6f7279616c70;    // "plyroot"
constexpr std::uint64_t ElementTag = 0x6d656c6579616c70; // "plyelem"

struct Block
{
    Block *next;
    size_t size;
};

struct Arena
{
    char *cursor;
    char *end;
    Block *blocks; // newest first
};

class BlockPool
{
public:
    BlockPool() = default;
    BlockPool(const BlockPool &) = delete;
    BlockPool &operator=(const BlockPool &) = delete;
    ~BlockPool()
    {
        for (Block *block : m_blocks)
            std::free(block);
    }

    Block *take(size_t size)
    {
        if (size == BlockBytes && !m_blocks.empty()) {
            Block *block = m_blocks.back();
            m_blocks.pop_back();
            return block;
        }
        auto *block = static_cast<Block *>(std::malloc(sizeof(Block) + size));
        if (block)
            block->size = size;
        return block;
    }
    void give(Block *block)
    {
        if (block->size == BlockBytes && m_blocks.size() < PooledBlocks)
            m_blocks.push_back(block);
        else
            std::free(block);
    }

private:
    std::vector<Block *> m_blocks;
};

BlockPool &pool()
{
    thread_local BlockPool blocks;
    return blocks;
}

struct Tagged
{
    std::uint64_t tag;
    redisReply reply;
};

struct Root
{
    Arena arena;
    Tagged tagged;
};

static_assert(offsetof(Tagged, reply) == sizeof(std::uint64_t));
static_assert(sizeof(Block) % alignof(std::max_align_t) == 0);
static_assert(sizeof(Root) % alignof(redisReply *) == 0 &&
              sizeof(Tagged) % alignof(redisReply *) == 0);

std::uint64_t tagOf(const redisReply *reply)
{
    std::uint64_t tag;
    std::memcpy(&tag, reinterpret_cast<const char *>(reply) - sizeof tag, sizeof tag);
    return tag;
}

Root *rootOf(redisReply *reply)
{
    return reinterpret_cast<Root *>(reinterpret_cast<char *>(reply) - offsetof(Root, tagged) -
                                    offsetof(Tagged, reply));
}

void *allocate(Arena *arena, size_t bytes)
{
    bytes = (bytes + alignof(redisReply *) - 1) & ~(alignof(redisReply *) - 1);
    if (size_t(arena->end - arena->cursor) < bytes) {
        const size_t size = std::max(BlockBytes, bytes);
        Block *block = pool().take(size);
        if (!block)
            return nullptr;
        block->next = arena->blocks;
        arena->blocks = block;
        arena->cursor = reinterpret_cast<char *>(block + 1);
        arena->end = arena->cursor + size;
    }
    void *memory = arena->cursor;
    arena->cursor += bytes;
    return memory;
}

// A reply object of `type` with `payload` bytes after it (a string or an element vector)
// at *tail, hooked into its parent array.
redisReply *create(const redisReadTask *task, int type, size_t payload, char **tail)
{
    redisReply *reply = nullptr;
    if (!task->parent) {
        auto *root = static_cast<Root *>(std::malloc(sizeof(Root) + InlineBytes));
        if (!root)
            return nullptr;
        char *inlineBytes = reinterpret_cast<char *>(root + 1);
        root->arena = {inlineBytes, inlineBytes + InlineBytes, nullptr};
        root->tagged.tag = RootTag;
        reply = &root->tagged.reply;
        *tail = payload > 0 ? static_cast<char *>(allocate(&root->arena, payload)) : nullptr;
        if (payload > 0 && !*tail) {
            std::free(root);
            return nullptr;
        }
    } else {
        const redisReadTask *top = task;
        while (top->parent)
            top = top->parent;
        Arena *arena = &rootOf(static_cast<redisReply *>(top->obj))->arena;
        auto *tagged = static_cast<Tagged *>(allocate(arena, sizeof(Tagged) + payload));
        if (!tagged)
            return nullptr;
        tagged->tag = ElementTag;
        reply = &tagged->reply;
        *tail = reinterpret_cast<char *>(tagged + 1);
        static_cast<redisReply *>(task->parent->obj)->element[task->idx] = reply;
    }
    std::memset(reply, 0, sizeof *reply);
    reply->type = type;
    return reply;
}

void *createString(const redisReadTask *task, char *text, size_t length)
{
    char *tail = nullptr;
    redisReply *reply = create(task, task->type, length + 1, &tail);
    if (!reply)
        return nullptr;
    std::memcpy(tail, text, length);
    tail[length] = '\0';
    reply->str = tail;
    reply->len = length;
    return reply;
}

void *createArray(const redisReadTask *task, int elements)
{
    const size_t count = elements > 0 ? size_t(elements) : 0;
    char *tail = nullptr;
    redisReply *reply = create(task, REDIS_REPLY_ARRAY, count * sizeof(redisReply *), &tail);
    if (!reply)
        return nullptr;
    if (count > 0) {
        reply->element = reinterpret_cast<redisReply **>(tail);
        std::fill_n(reply->element, count, nullptr);
    }
    reply->elements = count;
    return reply;
}

void *createInteger(const redisReadTask *task, long long value)
{
    char *tail = nullptr;
    redisReply *reply = create(task, REDIS_REPLY_INTEGER, 0, &tail);
    if (reply)
        reply->integer = value;
    return reply;
}

void *createNil(const redisReadTask *task)
{
    char *tail = nullptr;
    return create(task, REDIS_REPLY_NIL, 0, &tail);
}

void freeObject(void *reply)
{
    RedisReplyArena::release(static_cast<redisReply *>(reply));
}

redisReplyObjectFunctions arenaFunctions = {createString, createArray, createInteger, createNil,
                                            freeObject};

} // namespace

void RedisReplyArena::install(redisContext *context)
{
    if (context && context->reader)
        context->reader->fn = &arenaFunctions;
}

void RedisReplyArena::release(redisReply *reply)
{
    if (!reply || tagOf(reply) != RootTag)
        return;
    Root *root = rootOf(reply);
    root->tagged.tag = 0;
    for (Block *block = root->arena.blocks; block;) {
        Block *next = block->next;
        pool().give(block);
        block = next;
    }
    std::free(root);
}

} // namespace tickscope
