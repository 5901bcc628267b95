#pragma once

#include "SeriesStore.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QVariantMap>

class QXYSeries;

namespace tickscope {

struct DetailColumns;
struct StreamEvent;

// The line chart of the selected symbol. Ticks go into a SeriesStore as they arrive; the
// series on screen is rebuilt only by commit(), which the owner calls at a fixed refresh
// rate: the visible window is reduced to min/max per pixel column and handed to
// QXYSeries::replace() in one call. So the cost of a frame depends on the plot's width, not
// on the tick rate or on how much history the window holds.
//
// The axes move in steps with some room ahead (x) and hysteresis (y) rather than with every
// tick: Qt Charts repaints its whole scene (grid, labels) when an axis changes, while a new
// line alone is only the series' own redraw.
class ChartSeriesModel : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString symbol READ symbol NOTIFY symbolChanged)
    Q_PROPERTY(QObject *series READ series WRITE setSeries NOTIFY seriesChanged)
    Q_PROPERTY(int windowSeconds READ windowSeconds WRITE setWindowSeconds NOTIFY windowChanged)
    Q_PROPERTY(int plotWidth READ plotWidth WRITE setPlotWidth NOTIFY plotWidthChanged)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged)
    Q_PROPERTY(double xMin READ xMin NOTIFY axisChanged)
    Q_PROPERTY(double xMax READ xMax NOTIFY axisChanged)
    Q_PROPERTY(double yMin READ yMin NOTIFY axisChanged)
    Q_PROPERTY(double yMax READ yMax NOTIFY axisChanged)
    Q_PROPERTY(bool hasData READ hasData NOTIFY rangeChanged)
    Q_PROPERTY(double windowHigh READ windowHigh NOTIFY rangeChanged)
    Q_PROPERTY(double windowLow READ windowLow NOTIFY rangeChanged)
    Q_PROPERTY(double windowOpen READ windowOpen NOTIFY rangeChanged)
    Q_PROPERTY(double lastPrice READ lastPrice NOTIFY rangeChanged)
    Q_PROPERTY(qint64 ticksInWindow READ ticksInWindow NOTIFY rangeChanged)
    Q_PROPERTY(qint64 storedTicks READ storedTicks NOTIFY rangeChanged)
    Q_PROPERTY(int pointsDrawn READ pointsDrawn NOTIFY rangeChanged)
    Q_PROPERTY(double lastCommitMs READ lastCommitMs NOTIFY rangeChanged)
    Q_PROPERTY(QVariantList markers READ markers NOTIFY markersChanged)

public:
    explicit ChartSeriesModel(QObject *parent = nullptr);

    const SeriesStore &store() const { return m_store; }
    QString symbol() const { return m_symbol; }
    QObject *series() const;
    void setSeries(QObject *series);
    int windowSeconds() const { return m_windowSeconds; }
    void setWindowSeconds(int seconds);
    int plotWidth() const { return m_plotWidth; }
    void setPlotWidth(int width);
    bool isActive() const { return m_active; }
    void setActive(bool active);

    double xMin() const { return m_xMin; }
    double xMax() const { return m_xMax; }
    double yMin() const { return m_yMin; }
    double yMax() const { return m_yMax; }
    bool hasData() const { return !m_store.isEmpty(); }
    double windowHigh() const { return m_windowHigh; }
    double windowLow() const { return m_windowLow; }
    double windowOpen() const { return m_windowOpen; }
    double lastPrice() const { return m_store.isEmpty() ? 0 : m_store.price(m_store.size() - 1); }
    qint64 ticksInWindow() const { return m_ticksInWindow; }
    qint64 storedTicks() const { return m_store.size(); }
    int pointsDrawn() const { return m_pointsDrawn; }
    double lastCommitMs() const { return m_lastCommitMs; }
    QVariantList markers() const { return m_markers; }

    // A new symbol (or a new subscription of it): forgets everything.
    void reset(const QString &symbol);
    void append(const DetailColumns &columns);
    void addMarker(const StreamEvent &event);

    // Redraws if anything changed since the last commit. Returns true if it did.
    bool commit();

    // The tick nearest to `timeMs` (for the crosshair): {found, time, price, size}.
    Q_INVOKABLE QVariantMap sampleAt(double timeMs) const;

signals:
    void symbolChanged();
    void seriesChanged();
    void windowChanged();
    void plotWidthChanged();
    void activeChanged();
    void rangeChanged();
    void axisChanged();
    void markersChanged();

private:
    SeriesStore m_store;
    QPointer<QXYSeries> m_series;
    QString m_symbol;
    int m_windowSeconds = 300;
    int m_plotWidth = 800;
    bool m_active = true;
    bool m_dirty = true;
    double m_xMin = 0;
    double m_xMax = 1;
    int m_axisWindow = -1; // the window the x axis was laid out for
    double m_yMin = 0;
    double m_yMax = 1;
    double m_windowHigh = 0;
    double m_windowLow = 0;
    double m_windowOpen = 0;
    qint64 m_ticksInWindow = 0;
    int m_pointsDrawn = 0;
    double m_lastCommitMs = 0;
    QVariantList m_markers;
};

} // namespace tickscope
