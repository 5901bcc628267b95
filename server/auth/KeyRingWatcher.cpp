#include "KeyRingWatcher.h"

#include "KeyRingFile.h"

#include <QFile>
#include <QFileInfo>

namespace tickscope {

KeyRingWatcher::KeyRingWatcher(const QString &path, KeyRing &ring, QObject *parent)
    : QObject(parent), m_path(QFileInfo(path).absoluteFilePath()), m_ring(ring)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(200);
    connect(&m_debounce, &QTimer::timeout, this, &KeyRingWatcher::reloadNow);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &KeyRingWatcher::scheduleReload);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this,
            &KeyRingWatcher::scheduleReload);
    m_watcher.addPath(QFileInfo(m_path).absolutePath());
    watchFile();
    QFile file(m_path);
    if (file.open(QIODevice::ReadOnly))
        m_lastContent = file.readAll();
}

void KeyRingWatcher::watchFile()
{
    if (!m_watcher.files().contains(m_path) && QFileInfo::exists(m_path))
        m_watcher.addPath(m_path);
}

void KeyRingWatcher::scheduleReload()
{
    m_debounce.start();
}

bool KeyRingWatcher::reloadNow()
{
    m_debounce.stop();
    watchFile();
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        // Between the removal and the rename of an atomic save; the rename reports again.
        if (!file.exists())
            return false;
        emit reloadFailed(u"keys file %1: cannot read: %2"_qs.arg(m_path, file.errorString()));
        return false;
    }
    const QByteArray content = file.readAll();
    if (content == m_lastContent)
        return false;
    m_lastContent = content;
    QString error;
    const auto loaded = KeyRingFile::parse(content, m_path, &error);
    if (!loaded) {
        emit reloadFailed(error);
        return false;
    }
    if (loaded->keys() == m_ring.keys())
        return false;
    m_ring.setKeys(loaded->keys());
    emit reloaded();
    return true;
}

} // namespace tickscope
