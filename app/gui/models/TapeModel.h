#pragma once

#include <QAbstractListModel>
#include <deque>

namespace tickscope {

struct DetailColumns;

// Time and sales of the selected symbol: the newest ticks first, at most `capacity` rows.
// push() only buffers; commit(), at the owner's refresh rate, shows the new rows at the top
// in one step and drops the oldest, so the view changes once per refresh, not once per tick.
class TapeModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int capacity READ capacity CONSTANT)
    Q_PROPERTY(int decimals READ decimals NOTIFY decimalsChanged)

public:
    enum Role
    {
        TimeRole = Qt::UserRole + 1,
        PriceRole,
        SizeRole,
        DirectionRole, // 1 uptick, -1 downtick, 0 unchanged from an unknown direction
        SeqRole,
        TimeTextRole,
        PriceTextRole,
    };

    struct Row
    {
        double timeMs = 0;
        double price = 0;
        double size = 0;
        qint64 seq = 0;
        int direction = 0;
    };

    explicit TapeModel(int capacity = 400, QObject *parent = nullptr);

    int capacity() const { return m_capacity; }
    int decimals() const { return m_decimals; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void clear();
    void push(const DetailColumns &columns);
    bool commit();

    const Row &row(int i) const { return m_rows[size_t(i)]; }
    qsizetype buffered() const { return qsizetype(m_incoming.size()); }

signals:
    void decimalsChanged();

private:
    int m_capacity;
    int m_decimals = 2;
    double m_lastPrice = 0;
    int m_lastDirection = 0;
    bool m_havePrice = false;
    std::deque<Row> m_rows;     // newest first
    int m_shownRows = 0;        // what the view was told
    std::deque<Row> m_incoming; // oldest first, at most m_capacity
};

} // namespace tickscope
