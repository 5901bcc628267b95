#include "Clipboard.h"

#include <QClipboard>
#include <QGuiApplication>

namespace tickscope {

void Clipboard::setText(const QString &text)
{
    if (auto *clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}

QString Clipboard::text() const
{
    auto *clipboard = QGuiApplication::clipboard();
    return clipboard ? clipboard->text() : QString();
}

} // namespace tickscope
