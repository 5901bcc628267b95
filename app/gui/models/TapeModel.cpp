#include "TapeModel.h"

#include "PriceFormat.h"
#include "TickBatch.h"

#include <QDateTime>

namespace tickscope {

TapeModel::TapeModel(int capacity, QObject *parent)
    : QAbstractListModel(parent), m_capacity(std::max(capacity, 1))
{}

int TapeModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_shownRows;
}

QVariant TapeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_shownRows)
        return {};
    const Row &r = m_rows[size_t(index.row())];
    switch (role) {
    case TimeRole:
        return r.timeMs;
    case PriceRole:
        return r.price;
    case SizeRole:
        return r.size;
    case DirectionRole:
        return r.direction;
    case SeqRole:
        return r.seq;
    case TimeTextRole:
        return QDateTime::fromMSecsSinceEpoch(qint64(r.timeMs)).toString(u"HH:mm:ss.zzz"_qs);
    case PriceTextRole:
        return PriceFormat::format(r.price, m_decimals);
    default:
        return {};
    }
}

QHash<int, QByteArray> TapeModel::roleNames() const
{
    return {{TimeRole, "time"},           {PriceRole, "price"}, {SizeRole, "size"},
            {DirectionRole, "direction"}, {SeqRole, "seq"},     {TimeTextRole, "timeText"},
            {PriceTextRole, "priceText"}};
}

void TapeModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_shownRows = 0;
    m_incoming.clear();
    m_havePrice = false;
    m_lastDirection = 0;
    m_decimals = 2;
    endResetModel();
    emit decimalsChanged();
}

void TapeModel::push(const DetailColumns &columns)
{
    const size_t n = columns.seq.size();
    // Only the newest `capacity` ticks can ever be shown; but every tick sets the direction.
    const size_t firstShown = n > size_t(m_capacity) ? n - size_t(m_capacity) : 0;
    for (size_t i = 0; i < n; ++i) {
        const double price = columns.price[i];
        if (m_havePrice && price != m_lastPrice)
            m_lastDirection = price > m_lastPrice ? 1 : -1;
        m_lastPrice = price;
        m_havePrice = true;
        if (i < firstShown)
            continue;
        m_incoming.push_back(
            Row{columns.timeMs[i], price, columns.size[i], columns.seq[i], m_lastDirection});
        const int decimals = PriceFormat::decimalsOf(price);
        if (decimals > m_decimals) {
            m_decimals = decimals;
            emit decimalsChanged();
        }
    }
    while (m_incoming.size() > size_t(m_capacity))
        m_incoming.pop_front();
}

bool TapeModel::commit()
{
    if (m_incoming.empty())
        return false;
    // The rows keep their places and change content (dataChanged), instead of inserting at
    // the top and removing at the bottom: at thousands of ticks a second every visible row
    // changes anyway, and this way the view re-reads its few visible delegates instead of
    // creating new ones.
    for (const Row &row : m_incoming)
        m_rows.push_front(row);
    m_incoming.clear();
    const int before = m_shownRows;
    const int after = int(std::min(m_rows.size(), size_t(m_capacity)));
    m_rows.resize(size_t(after));
    if (after > before) {
        beginInsertRows({}, before, after - 1);
        m_shownRows = after;
        endInsertRows();
    }
    if (before > 0)
        emit dataChanged(index(0), index(before - 1));
    return true;
}

} // namespace tickscope
