#pragma once

#include "ErrorCode.h"
#include "core/Tick.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>
#include <variant>

namespace tickscope {

// Limits of PROTOCOL.md sections 1 and 5.
struct ProtocolLimits
{
    static constexpr int MaxSymbolsPerCommand = 256;
    static constexpr int MaxSymbolsPerConnection = 1024;
    static constexpr int MaxHistoryLimit = 1000;
    static constexpr int DefaultHistoryLimit = 100;
    static constexpr qint64 MaxClientMessageBytes = 65536;
    static constexpr qint64 MaxServerMessageBytes = qint64{1024} * 1024;
    static constexpr qint64 MaxTimeUs = qint64(1) << 53;
};

struct SubscribeCommand
{
    QStringList symbols; // validated, without duplicates, in the order given
    struct Since
    {
        QString epoch;
        QHash<QString, qint64> seq;
    };
    std::optional<Since> since;
};

struct UnsubscribeCommand
{
    QStringList symbols;
};

struct HistoryCommand
{
    QString symbol;
    qint64 from = 1;
    int limit = ProtocolLimits::DefaultHistoryLimit;
};

struct PublishCommand
{
    TickList ticks; // seq == 0; timeUs == -1 when the server should stamp it
};

struct PingCommand
{
};

struct RefreshCommand
{
    QString token;
};

using CommandBody = std::variant<SubscribeCommand, UnsubscribeCommand, HistoryCommand,
                                 PublishCommand, PingCommand, RefreshCommand>;

struct CommandError
{
    ErrorCode code = ErrorCode::BadRequest;
    QString message;
};

struct Command
{
    std::optional<qint64> id;
    CommandBody body;
};

} // namespace tickscope
