#pragma once

#include <QObject>

namespace tickscope {

// The system clipboard for QML (which has no API of its own for it).
class Clipboard : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    Q_INVOKABLE void setText(const QString &text);
    Q_INVOKABLE QString text() const;
};

} // namespace tickscope
