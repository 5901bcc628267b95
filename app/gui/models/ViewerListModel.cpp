#include "ViewerListModel.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>

namespace tickscope {

namespace {
QString durationText(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    if (s < 60)
        return u"%1 s"_qs.arg(s);
    if (s < 3600)
        return u"%1 min"_qs.arg(s / 60);
    if (s < 86400)
        return u"%1 h %2 min"_qs.arg(s / 3600).arg((s % 3600) / 60);
    return u"%1 d %2 h"_qs.arg(s / 86400).arg((s % 86400) / 3600);
}
constexpr qint64 KiB = 1024;
constexpr qint64 MiB = KiB * KiB;

QString bytesText(qint64 bytes)
{
    if (bytes < KiB)
        return u"%1 B"_qs.arg(bytes);
    if (bytes < MiB)
        return u"%1 KiB"_qs.arg(double(bytes) / KiB, 0, 'f', 1);
    return u"%1 MiB"_qs.arg(double(bytes) / MiB, 0, 'f', 1);
}

// Below this a live viewer's queue is one frame in flight, not lag worth showing.
constexpr qint64 QueueShownFromBytes = 64 * KiB;
} // namespace

ViewerListModel::ViewerListModel(QObject *parent) : QAbstractListModel(parent) {}

int ViewerListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_viewers.size());
}

QVariant ViewerListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_viewers.size())
        return {};
    const StreamServer::ViewerInfo &v = m_viewers.at(index.row());
    switch (role) {
    case SessionRole:
        return v.session;
    case SubjectRole:
        return v.subject;
    case PeerRole:
        return v.peer;
    case SinceRole:
        return v.connectedAtMs;
    case SinceTextRole:
        return u"%1 (%2)"_qs.arg(
            QDateTime::fromMSecsSinceEpoch(v.connectedAtMs).toString(u"HH:mm:ss"_qs),
            durationText(m_nowMs - v.connectedAtMs));
    case StateRole:
        return v.catchingUp ? u"catching up"_qs : u"live"_qs;
    case SelfRole:
        return !m_self.isEmpty() && v.session == m_self;
    case QueuedBytesRole:
        return v.queuedBytes;
    case LagTicksRole:
        return v.lagTicks;
    case LagTextRole:
        if (v.catchingUp) {
            return v.lagTicks > 0
                       ? u"catching up, %1 ticks behind"_qs.arg(QLocale().toString(v.lagTicks))
                       : u"catching up"_qs;
        }
        return v.queuedBytes >= QueueShownFromBytes
                   ? u"live, %1 queued"_qs.arg(bytesText(v.queuedBytes))
                   : u"live"_qs;
    default:
        return {};
    }
}

QHash<int, QByteArray> ViewerListModel::roleNames() const
{
    return {{SessionRole, "session"}, {SubjectRole, "subject"},         {PeerRole, "peer"},
            {SinceRole, "since"},     {SinceTextRole, "sinceText"},     {StateRole, "state"},
            {SelfRole, "self"},       {QueuedBytesRole, "queuedBytes"}, {LagTicksRole, "lagTicks"},
            {LagTextRole, "lagText"}};
}

void ViewerListModel::setSelfSession(const QString &session)
{
    if (session == m_self)
        return;
    m_self = session;
    if (!m_viewers.isEmpty())
        emit dataChanged(index(0), index(int(m_viewers.size()) - 1), {SelfRole});
    emit countChanged();
}

void ViewerListModel::setViewers(QList<StreamServer::ViewerInfo> viewers, qint64 nowMs)
{
    std::sort(viewers.begin(), viewers.end(), [](const auto &a, const auto &b) {
        return a.connectedAtMs != b.connectedAtMs ? a.connectedAtMs < b.connectedAtMs
                                                  : a.session < b.session;
    });
    m_nowMs = nowMs;
    bool sameRows = viewers.size() == m_viewers.size();
    for (qsizetype i = 0; sameRows && i < viewers.size(); ++i)
        sameRows = viewers[i].session == m_viewers[i].session;
    if (sameRows) {
        m_viewers = std::move(viewers);
        if (!m_viewers.isEmpty())
            emit dataChanged(index(0), index(int(m_viewers.size()) - 1));
        return;
    }
    beginResetModel();
    m_viewers = std::move(viewers);
    endResetModel();
    emit countChanged();
}

} // namespace tickscope
