#pragma once

#include "stream/StreamServer.h"

#include <QAbstractListModel>

namespace tickscope {

// The viewers connected to the embedded server, for the server panel: who (token subject),
// from where, since when, live or catching up. The desktop's own connection is marked.
class ViewerListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QString selfSession READ selfSession WRITE setSelfSession NOTIFY countChanged)

public:
    enum Role
    {
        SessionRole = Qt::UserRole + 1,
        SubjectRole,
        PeerRole,
        SinceRole,
        SinceTextRole,
        StateRole,
        SelfRole,
        QueuedBytesRole,
        LagTicksRole,
        LagTextRole,
    };

    explicit ViewerListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString selfSession() const { return m_self; }
    void setSelfSession(const QString &session);

    // Replaces the list; rows are kept in connection order (oldest first).
    void setViewers(QList<StreamServer::ViewerInfo> viewers, qint64 nowMs);

signals:
    void countChanged();

private:
    QList<StreamServer::ViewerInfo> m_viewers;
    QString m_self;
    qint64 m_nowMs = 0;
};

} // namespace tickscope
