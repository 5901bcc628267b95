#include "TickLedger.h"

namespace tickscope::test {

TickValues TickLedger::valuesOf(const QJsonObject &tick)
{
    return {tick.value(u"p").toDouble(), tick.value(u"v").toDouble(), tick.value(u"t").toInteger()};
}

QString TickLedger::record(const QJsonArray &sentTicks, const QJsonObject &seqRanges)
{
    // The ticks of one symbol get contiguous q in the order they were sent.
    QHash<QString, QList<TickValues>> bySymbol;
    for (const QJsonValue &value : sentTicks) {
        const QJsonObject tick = value.toObject();
        bySymbol[tick.value(u"s").toString()].append(valuesOf(tick));
    }
    if (bySymbol.size() != seqRanges.size())
        return u"published names %1 symbols, the command had %2"_qs.arg(seqRanges.size())
            .arg(bySymbol.size());
    for (auto it = bySymbol.cbegin(); it != bySymbol.cend(); ++it) {
        const QJsonArray range = seqRanges.value(it.key()).toArray();
        const qint64 first = range.at(0).toInteger();
        const qint64 last = range.at(1).toInteger();
        if (range.size() != 2 || first < 1 || last - first + 1 != it.value().size()) {
            return u"published range %1 [%2,%3] does not fit %4 ticks"_qs.arg(it.key())
                .arg(first)
                .arg(last)
                .arg(it.value().size());
        }
        QMap<qint64, TickValues> &acked = m_acked[it.key()];
        for (qint64 q = first; q <= last; ++q) {
            if (acked.contains(q))
                return u"%1 q %2 acknowledged twice"_qs.arg(it.key()).arg(q);
            acked.insert(q, it.value().at(q - first));
        }
    }
    return {};
}

QStringList TickLedger::symbols() const
{
    QStringList result = m_acked.keys();
    result.sort();
    return result;
}

qint64 TickLedger::last(const QString &symbol) const
{
    const auto it = m_acked.constFind(symbol);
    return it == m_acked.cend() || it->isEmpty() ? 0 : it->lastKey();
}

qint64 TickLedger::count(const QString &symbol) const
{
    return m_acked.value(symbol).size();
}

qint64 TickLedger::total() const
{
    qint64 sum = 0;
    for (const auto &acked : m_acked)
        sum += acked.size();
    return sum;
}

QString TickLedger::checkComplete(const QString &symbol) const
{
    const QMap<qint64, TickValues> acked = m_acked.value(symbol);
    qint64 expected = 1;
    for (auto it = acked.cbegin(); it != acked.cend(); ++it, ++expected) {
        if (it.key() != expected)
            return u"%1: q %2 was never acknowledged"_qs.arg(symbol).arg(expected);
    }
    return {};
}

QString TickLedger::check(const QString &symbol, const QList<QJsonObject> &ticks, qint64 first,
                          qint64 last, bool everyTickAcked) const
{
    const QMap<qint64, TickValues> acked = m_acked.value(symbol);
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        const QJsonObject &tick = ticks.at(i);
        const qint64 q = tick.value(u"q").toInteger();
        if (tick.value(u"s").toString() != symbol)
            return u"%1: tick #%2 is of symbol %3"_qs.arg(symbol).arg(i).arg(
                tick.value(u"s").toString());
        if (q != first + i)
            return u"%1: tick #%2 has q %3, expected %4"_qs.arg(symbol).arg(i).arg(q).arg(first +
                                                                                          i);
        const auto found = acked.constFind(q);
        if (found == acked.cend()) {
            if (everyTickAcked)
                return u"%1: q %2 was never acknowledged"_qs.arg(symbol).arg(q);
        } else if (!(*found == valuesOf(tick))) {
            return u"%1: q %2 carries p %3 v %4 t %5, acknowledged p %6 v %7 t %8"_qs.arg(symbol)
                .arg(q)
                .arg(tick.value(u"p").toDouble())
                .arg(tick.value(u"v").toDouble())
                .arg(tick.value(u"t").toInteger())
                .arg(found->p)
                .arg(found->v)
                .arg(found->t);
        }
    }
    if (ticks.size() != last - first + 1)
        return u"%1: %2 ticks, expected %3 (q %4..%5)"_qs.arg(symbol)
            .arg(ticks.size())
            .arg(last - first + 1)
            .arg(first)
            .arg(last);
    return {};
}

} // namespace tickscope::test
