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

    // Publish frames of the usual shape go through PublishFrameReader; every other frame, and
    // every error, through parseTree().
    static Result parse(QStringView frame);
    static Result parse(const QByteArray &frame);
    // The general path: the frame as a JSON tree (JsonReader), then the command's rules.
    static Result parseTree(QStringView frame);
};

} // namespace tickscope
