#pragma once

#include <QStringList>

namespace tickscope {

// `tickscope token --sub NAME [--scope "read publish"] [--ttl 1h] [--symbols A,B*]
// [--tier T]`: prints a token signed with the server's current key.
class TokenCommand
{
public:
    static int run(const QStringList &arguments);
};

// `tickscope keys rotate [--grace 24h]` and `tickscope keys list`: signing-key rotation
// without a restart (running servers reload the key file).
class KeysCommand
{
public:
    static int run(const QStringList &arguments);
};

} // namespace tickscope
