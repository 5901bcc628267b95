#pragma once

#include "KeyRing.h"

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

namespace tickscope {

// Picks up a rotation done by another process (`tickscope keys rotate`) without a
// restart: watches the keys file and replaces the stored keys of the ring when its
// content changes. A file that fails to load leaves the ring as it was (reloadFailed).
//
// The directory is watched as well as the file, because an atomic save renames a new
// file over the old one, which ends a watch on the file itself. Changes are coalesced
// for debounceMs, and a reload happens only when the bytes differ from the last ones
// loaded, so other files in the data directory (SQLite journals) cost a small read.
// Lives in the thread that uses the ring.
class KeyRingWatcher : public QObject
{
    Q_OBJECT
public:
    KeyRingWatcher(const QString &path, KeyRing &ring, QObject *parent = nullptr);

    QString path() const { return m_path; }
    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }

public slots:
    // Reads the file now (also for SIGHUP); returns true when the ring changed.
    bool reloadNow();

signals:
    void reloaded();
    void reloadFailed(const QString &error);

private:
    void scheduleReload();
    void watchFile();

    QString m_path;
    KeyRing &m_ring;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QByteArray m_lastContent;
};

} // namespace tickscope
