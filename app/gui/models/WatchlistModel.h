#pragma once

#include "TickBatch.h"

#include <QAbstractListModel>
#include <QStringList>
#include <vector>

namespace tickscope {

// The watchlist: one row per symbol with the last price, the change since the session start
// (the first price this session saw), ticks per second and a sparkline of the last minutes.
// apply() takes the per-symbol summaries of a batch; commit(nowMs), at the owner's refresh
// rate, publishes what changed with one dataChanged per changed row. Rates and sparkline
// samples advance once a second so that the numbers can be read.
class WatchlistModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(QStringList symbols READ symbols NOTIFY symbolsChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY symbolsChanged)
    Q_PROPERTY(double totalRate READ totalRate NOTIFY totalRateChanged)

public:
    static constexpr int MaxSymbols = 200;
    static constexpr int SparkSamples = 300; // one a second: five minutes
    static constexpr qint64 SampleMs = 1000;

    enum Role
    {
        SymbolRole = Qt::UserRole + 1,
        LastRole,
        LastTextRole,
        ChangeRole,
        ChangePctRole,
        RateRole,
        SparkRole,
        DirectionRole,
        HasPriceRole,
        ErrorRole,
        DecimalsRole,
        ReferenceRole,
    };

    explicit WatchlistModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QStringList symbols() const;
    Q_INVOKABLE void setSymbols(const QStringList &symbols);
    double totalRate() const { return m_totalRate; }

    // Empty when `text` can be added, else why not (for the dialog, as the user types).
    Q_INVOKABLE QString validate(const QString &text) const;
    // Adds the symbol; returns the same message as validate() when it cannot.
    Q_INVOKABLE QString add(const QString &text);
    Q_INVOKABLE void remove(const QString &symbol);
    Q_INVOKABLE int indexOf(const QString &symbol) const;
    Q_INVOKABLE QString symbolAt(int row) const;
    Q_INVOKABLE int decimalsFor(const QString &symbol) const;

    void apply(const QList<SymbolUpdate> &updates);
    void setError(const QString &symbol, const QString &message);
    bool commit(qint64 nowMs);

signals:
    void symbolsChanged();
    void totalRateChanged();

private:
    struct Row
    {
        QString symbol;
        bool hasPrice = false;
        double last = 0;
        double previous = 0;
        double reference = 0;
        int direction = 0;
        int decimals = 2;
        qint64 lastSeq = 0;
        qint64 ticksThisSample = 0;
        double rate = 0;
        std::vector<double> spark;
        QString error;
        bool dirty = false;
    };

    Row *find(const QString &symbol);

    std::vector<Row> m_rows;
    qint64 m_lastSampleMs = 0;
    double m_totalRate = 0;
};

} // namespace tickscope
