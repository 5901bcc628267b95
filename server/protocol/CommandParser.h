#pragma once

#include "Command.h"

#include <QByteArray>

namespace tickscope {

// Turns one client text frame into a Command, or an error that names the field and
// the rule. All-or-nothing: one bad symbol fails the whole command.
class CommandParser
{
public:
    struct Result
    {
        std::optional<Command> command;
        std::optional<qint64> id; // echoed in the error when the frame had a usable id
        CommandError error;
        // A frame that is not even a command (not JSON, not an object, no op) counts
        // towards the bad-frame limit; a well-formed command with a bad field does too.
        bool ok() const { return command.has_value(); }
    };

    static Result parse(QStringView frame);
    static Result parse(const QByteArray &frame);
};

} // namespace tickscope
