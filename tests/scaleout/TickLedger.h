#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace tickscope::test {

// What identifies a tick besides its q: the values a producer sent.
struct TickValues
{
    double p = 0;
    double v = 0;
    qint64 t = 0;
    friend bool operator==(const TickValues &, const TickValues &) = default;
};

// The ticks the servers acknowledged, per symbol and q, as the producers sent them: the
// reference every viewer and every stored history is compared with.
class TickLedger
{
public:
    static TickValues valuesOf(const QJsonObject &tick);

    // Records the ticks of one publish command (as sent, in order) under the ranges of its
    // `published` reply. Returns what is wrong (a count that does not match its range, a q
    // acknowledged twice), else empty.
    QString record(const QJsonArray &sentTicks, const QJsonObject &seqRanges);

    QStringList symbols() const;
    qint64 last(const QString &symbol) const; // highest acknowledged q, 0 when none
    qint64 count(const QString &symbol) const;
    qint64 total() const;
    QMap<qint64, TickValues> acked(const QString &symbol) const { return m_acked.value(symbol); }

    // Empty when the acknowledged q of `symbol` are exactly 1..last (nothing refused).
    QString checkComplete(const QString &symbol) const;

    // Empty when `ticks` (of one symbol, in the order they came) have q = first..last, each
    // once, and every acknowledged q among them carries the acknowledged values. With
    // `everyTickAcked`, a q that was never acknowledged is an error too (no faults, so no
    // tick may be stored without its acknowledgement).
    QString check(const QString &symbol, const QList<QJsonObject> &ticks, qint64 first, qint64 last,
                  bool everyTickAcked) const;

private:
    QHash<QString, QMap<qint64, TickValues>> m_acked;
};

} // namespace tickscope::test
