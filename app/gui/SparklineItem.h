#pragma once

#include <QColor>
#include <QQuickPaintedItem>
#include <QVariantList>
#include <vector>

namespace tickscope {

// A small line of recent prices with a dotted reference level (the session start price).
// Painted with QPainter into the item's texture, so it looks the same with the OpenGL and the
// software scene graph; it changes once a second, which keeps the painting cheap.
class SparklineItem : public QQuickPaintedItem
{
    Q_OBJECT
    Q_PROPERTY(QVariantList values READ values WRITE setValues NOTIFY valuesChanged)
    Q_PROPERTY(QColor color READ color WRITE setColor NOTIFY colorChanged)
    Q_PROPERTY(QColor baselineColor READ baselineColor WRITE setBaselineColor NOTIFY colorChanged)
    Q_PROPERTY(double reference READ reference WRITE setReference NOTIFY valuesChanged)

public:
    explicit SparklineItem(QQuickItem *parent = nullptr);

    QVariantList values() const;
    void setValues(const QVariantList &values);
    QColor color() const { return m_color; }
    void setColor(const QColor &color);
    QColor baselineColor() const { return m_baselineColor; }
    void setBaselineColor(const QColor &color);
    double reference() const { return m_reference; }
    void setReference(double value);

    void paint(QPainter *painter) override;

signals:
    void valuesChanged();
    void colorChanged();

private:
    std::vector<double> m_values;
    QColor m_color{0x4c, 0xaf, 0x50};
    QColor m_baselineColor{0x80, 0x80, 0x80, 0x60};
    double m_reference = qQNaN();
};

} // namespace tickscope
