#include "SparklineItem.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace tickscope {

SparklineItem::SparklineItem(QQuickItem *parent) : QQuickPaintedItem(parent)
{
    setAntialiasing(true);
}

QVariantList SparklineItem::values() const
{
    QVariantList out;
    for (double v : m_values)
        out.append(v);
    return out;
}

void SparklineItem::setValues(const QVariantList &values)
{
    std::vector<double> next;
    next.reserve(size_t(values.size()));
    for (const QVariant &v : values) {
        const double d = v.toDouble();
        if (std::isfinite(d))
            next.push_back(d);
    }
    if (next == m_values)
        return;
    m_values = std::move(next);
    emit valuesChanged();
    update();
}

void SparklineItem::setColor(const QColor &color)
{
    if (color == m_color)
        return;
    m_color = color;
    emit colorChanged();
    update();
}

void SparklineItem::setBaselineColor(const QColor &color)
{
    if (color == m_baselineColor)
        return;
    m_baselineColor = color;
    emit colorChanged();
    update();
}

void SparklineItem::setReference(double value)
{
    if (value == m_reference)
        return;
    m_reference = value;
    emit valuesChanged();
    update();
}

void SparklineItem::paint(QPainter *painter)
{
    const size_t n = m_values.size();
    if (n < 2)
        return;
    const double w = width();
    const double h = height();
    double lo = *std::min_element(m_values.begin(), m_values.end());
    double hi = *std::max_element(m_values.begin(), m_values.end());
    if (std::isfinite(m_reference)) {
        lo = std::min(lo, m_reference);
        hi = std::max(hi, m_reference);
    }
    if (hi - lo < 1e-12) {
        lo -= 1;
        hi += 1;
    }
    const double pad = 2;
    auto yOf = [&](double v) { return pad + (h - 2 * pad) * (1 - (v - lo) / (hi - lo)); };

    painter->setRenderHint(QPainter::Antialiasing, true);
    if (std::isfinite(m_reference)) {
        QPen dotted(m_baselineColor, 1, Qt::DotLine);
        painter->setPen(dotted);
        painter->drawLine(QPointF(0, yOf(m_reference)), QPointF(w, yOf(m_reference)));
    }
    QPainterPath path;
    for (size_t i = 0; i < n; ++i) {
        const QPointF p(w * double(i) / double(n - 1), yOf(m_values[i]));
        if (i == 0)
            path.moveTo(p);
        else
            path.lineTo(p);
    }
    painter->setPen(QPen(m_color, 1.4));
    painter->drawPath(path);
}

} // namespace tickscope
