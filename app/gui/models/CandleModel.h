#pragma once

#include "CandleBuilder.h"

#include <QList>
#include <QObject>
#include <QPointer>

class QCandlestickSeries;
class QCandlestickSet;

namespace tickscope {

class SeriesStore;
struct DetailColumns;

// The candle chart of the selected symbol: bars built from the ticks as they arrive, and a
// QCandlestickSeries brought up to date by commit() at the owner's fixed refresh rate. Only
// what changed is touched: sets that scrolled out are removed, new bars appended, and the
// values of the bars that moved (in practice the last one) updated in place.
class CandleModel : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QObject *series READ series WRITE setSeries NOTIFY seriesChanged)
    Q_PROPERTY(
        int intervalSeconds READ intervalSeconds WRITE setIntervalSeconds NOTIFY intervalChanged)
    Q_PROPERTY(int windowSeconds READ windowSeconds WRITE setWindowSeconds NOTIFY windowChanged)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged)
    Q_PROPERTY(int maxVisible READ maxVisible WRITE setMaxVisible NOTIFY rangeChanged)
    Q_PROPERTY(double xMin READ xMin NOTIFY rangeChanged)
    Q_PROPERTY(double xMax READ xMax NOTIFY rangeChanged)
    Q_PROPERTY(double yMin READ yMin NOTIFY rangeChanged)
    Q_PROPERTY(double yMax READ yMax NOTIFY rangeChanged)
    Q_PROPERTY(int visibleCount READ visibleCount NOTIFY rangeChanged)
    Q_PROPERTY(bool truncated READ truncated NOTIFY rangeChanged)

public:
    explicit CandleModel(const SeriesStore *store, QObject *parent = nullptr);

    QObject *series() const;
    void setSeries(QObject *series);
    int intervalSeconds() const { return int(m_builder.intervalMs() / 1000); }
    void setIntervalSeconds(int seconds);
    int windowSeconds() const { return m_windowSeconds; }
    void setWindowSeconds(int seconds);
    bool isActive() const { return m_active; }
    void setActive(bool active);
    int maxVisible() const { return m_maxVisible; }
    void setMaxVisible(int count);

    double xMin() const { return m_xMin; }
    double xMax() const { return m_xMax; }
    double yMin() const { return m_yMin; }
    double yMax() const { return m_yMax; }
    int visibleCount() const { return int(m_shown.size()); }
    bool truncated() const { return m_truncated; }

    const CandleBuilder &builder() const { return m_builder; }

    void reset();
    void append(const DetailColumns &columns);
    // Builds the bars again from every tick of the store (after an interval change).
    void rebuild();
    bool commit();

    // The bars commit() would show now, oldest first.
    std::vector<Candle> visibleCandles() const;

signals:
    void seriesChanged();
    void intervalChanged();
    void windowChanged();
    void activeChanged();
    void rangeChanged();

private:
    const SeriesStore *m_store;
    CandleBuilder m_builder;
    QPointer<QCandlestickSeries> m_series;
    QList<QCandlestickSet *> m_sets; // owned by the series
    std::vector<Candle> m_shown;
    int m_windowSeconds = 300;
    int m_maxVisible = 240;
    bool m_active = false;
    bool m_dirty = true;
    bool m_needsRebuild = false;
    bool m_truncated = false;
    double m_xMin = 0;
    double m_xMax = 1;
    double m_yMin = 0;
    double m_yMax = 1;
};

} // namespace tickscope
