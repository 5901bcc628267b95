#pragma once

#include <QString>
#include <QStringView>

namespace tickscope {

// Puts untrusted text (a kid, a scope word from a token) into an error message: quoted,
// cut to a maximum length, every character outside printable ASCII shown as '?', so
// that a client cannot inject control characters into logs or replies.
class SafeText
{
public:
    static QString quote(QStringView text, qsizetype maxChars = 32);
};

} // namespace tickscope
