#include "WatchlistModel.h"

#include "PriceFormat.h"
#include "core/Symbol.h"

#include <QVariantList>

namespace tickscope {

WatchlistModel::WatchlistModel(QObject *parent) : QAbstractListModel(parent) {}

int WatchlistModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant WatchlistModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    const bool canChange = r.hasPrice && r.reference != 0;
    switch (role) {
    case SymbolRole:
        return r.symbol;
    case LastRole:
        return r.last;
    case LastTextRole:
        return r.hasPrice ? PriceFormat::format(r.last, r.decimals) : QString();
    case ChangeRole:
        return canChange ? r.last - r.reference : 0.0;
    case ChangePctRole:
        return canChange ? (r.last - r.reference) / r.reference * 100.0 : 0.0;
    case RateRole:
        return r.rate;
    case SparkRole: {
        QVariantList out;
        out.reserve(qsizetype(r.spark.size()));
        for (double v : r.spark)
            out.append(v);
        return out;
    }
    case DirectionRole:
        return r.direction;
    case HasPriceRole:
        return r.hasPrice;
    case ErrorRole:
        return r.error;
    case DecimalsRole:
        return r.decimals;
    case ReferenceRole:
        return r.reference;
    default:
        return {};
    }
}

QHash<int, QByteArray> WatchlistModel::roleNames() const
{
    return {{SymbolRole, "symbol"}, {LastRole, "last"},           {LastTextRole, "lastText"},
            {ChangeRole, "change"}, {ChangePctRole, "changePct"}, {RateRole, "rate"},
            {SparkRole, "spark"},   {DirectionRole, "direction"}, {HasPriceRole, "hasPrice"},
            {ErrorRole, "error"},   {DecimalsRole, "decimals"},   {ReferenceRole, "reference"}};
}

QStringList WatchlistModel::symbols() const
{
    QStringList out;
    for (const Row &r : m_rows)
        out.append(r.symbol);
    return out;
}

void WatchlistModel::setSymbols(const QStringList &symbols)
{
    beginResetModel();
    m_rows.clear();
    for (const QString &symbol : symbols) {
        if (Symbol::isValid(symbol) && !find(symbol) && int(m_rows.size()) < MaxSymbols) {
            Row row;
            row.symbol = symbol;
            m_rows.push_back(std::move(row));
        }
    }
    endResetModel();
    emit symbolsChanged();
}

QString WatchlistModel::validate(const QString &text) const
{
    const QString symbol = text.trimmed();
    if (symbol.isEmpty())
        return u"Type a symbol, for example BTC-USD."_qs;
    if (symbol.size() > Symbol::MaxLength)
        return u"“%1” is too long: a symbol has at most %2 characters."_qs.arg(symbol).arg(
            Symbol::MaxLength);
    if (!Symbol::isValid(symbol))
        return u"“%1” is not a valid symbol: use letters, digits and . _ : / - and start with "
               "a letter or a digit."_qs.arg(symbol);
    for (const Row &r : m_rows) {
        if (r.symbol == symbol)
            return u"%1 is already in the watchlist."_qs.arg(symbol);
    }
    if (int(m_rows.size()) >= MaxSymbols)
        return u"The watchlist is full (%1 symbols): remove one first."_qs.arg(MaxSymbols);
    return {};
}

QString WatchlistModel::add(const QString &text)
{
    QString error = validate(text);
    if (!error.isEmpty())
        return error;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    Row added;
    added.symbol = text.trimmed();
    m_rows.push_back(std::move(added));
    endInsertRows();
    emit symbolsChanged();
    return {};
}

void WatchlistModel::remove(const QString &symbol)
{
    const int row = indexOf(symbol);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
    emit symbolsChanged();
}

int WatchlistModel::indexOf(const QString &symbol) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].symbol == symbol)
            return int(i);
    }
    return -1;
}

QString WatchlistModel::symbolAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].symbol : QString();
}

int WatchlistModel::decimalsFor(const QString &symbol) const
{
    const int row = indexOf(symbol);
    return row < 0 ? 2 : m_rows[size_t(row)].decimals;
}

WatchlistModel::Row *WatchlistModel::find(const QString &symbol)
{
    for (Row &r : m_rows) {
        if (r.symbol == symbol)
            return &r;
    }
    return nullptr;
}

void WatchlistModel::apply(const QList<SymbolUpdate> &updates)
{
    for (const SymbolUpdate &u : updates) {
        Row *r = find(u.symbol);
        if (!r || u.lastSeq < r->lastSeq)
            continue;
        if (r->hasPrice && u.lastPrice != r->last)
            r->direction = u.lastPrice > r->last ? 1 : -1;
        if (!r->hasPrice)
            r->reference = u.lastPrice;
        r->previous = r->last;
        r->last = u.lastPrice;
        r->lastSeq = u.lastSeq;
        r->hasPrice = true;
        r->ticksThisSample += u.newTicks;
        r->decimals = std::max(r->decimals, PriceFormat::decimalsOf(u.lastPrice));
        if (!r->error.isEmpty() && u.newTicks > 0)
            r->error.clear();
        r->dirty = true;
    }
}

void WatchlistModel::setError(const QString &symbol, const QString &message)
{
    if (Row *r = find(symbol)) {
        r->error = message;
        r->dirty = true;
    }
}

bool WatchlistModel::commit(qint64 nowMs)
{
    bool sampled = false;
    if (m_lastSampleMs == 0)
        m_lastSampleMs = nowMs;
    const qint64 elapsed = nowMs - m_lastSampleMs;
    if (elapsed >= SampleMs) {
        sampled = true;
        double total = 0;
        for (Row &r : m_rows) {
            r.rate = double(r.ticksThisSample) * 1000.0 / double(elapsed);
            r.ticksThisSample = 0;
            total += r.rate;
            if (r.hasPrice) {
                r.spark.push_back(r.last);
                if (r.spark.size() > size_t(SparkSamples))
                    r.spark.erase(r.spark.begin());
            }
            r.dirty = true;
        }
        m_lastSampleMs = nowMs;
        if (total != m_totalRate) {
            m_totalRate = total;
            emit totalRateChanged();
        }
    }
    bool any = false;
    static const QList<int> quickRoles{LastRole,      LastTextRole,  ChangeRole,
                                       ChangePctRole, DirectionRole, HasPriceRole,
                                       ErrorRole,     DecimalsRole,  ReferenceRole};
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (!m_rows[i].dirty)
            continue;
        m_rows[i].dirty = false;
        any = true;
        const QModelIndex index = this->index(int(i));
        emit dataChanged(index, index, sampled ? QList<int>{} : quickRoles);
    }
    return any;
}

} // namespace tickscope
