#pragma once

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>
#include <vector>

class QQuickWindow;

namespace prometheus {
class Gauge;
class Histogram;
class Registry;
} // namespace prometheus

namespace tickscope {

// The built-in frame-time counter: frames per second and frame intervals (from the window's
// frameSwapped), and how busy the GUI thread is per frame, measured as the GUI thread's CPU
// time (everything it does: QML bindings, models, polish, and with the basic render loop the
// rendering too) divided by the frames presented. Updated once a second for the
// debug overlay; also exported as tickscope_gui_* metrics on the embedded server's /metrics.
class FrameTimer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(double fps READ fps NOTIFY updated)
    Q_PROPERTY(double frameMsAvg READ frameMsAvg NOTIFY updated)
    Q_PROPERTY(double frameMsP95 READ frameMsP95 NOTIFY updated)
    Q_PROPERTY(double frameMsMax READ frameMsMax NOTIFY updated)
    Q_PROPERTY(double guiBusyMsPerFrame READ guiBusyMsPerFrame NOTIFY updated)
    Q_PROPERTY(double guiBusyPercent READ guiBusyPercent NOTIFY updated)
    Q_PROPERTY(double modelMsPerFrame READ modelMsPerFrame NOTIFY updated)
    Q_PROPERTY(qint64 frames READ frames NOTIFY updated)
    Q_PROPERTY(QString renderLoop READ renderLoop NOTIFY updated)
    Q_PROPERTY(QString renderer READ renderer NOTIFY updated)

public:
    explicit FrameTimer(QObject *parent = nullptr);
    ~FrameTimer() override;

    void attach(QQuickWindow *window);
    // Exports the figures on this registry (the embedded server's).
    void exportTo(const std::shared_ptr<prometheus::Registry> &registry);
    // Time spent in the models' commit per refresh, reported by the owner.
    void addModelTime(double ms);

    double fps() const { return m_fps; }
    double frameMsAvg() const { return m_frameAvg; }
    double frameMsP95() const { return m_frameP95; }
    double frameMsMax() const { return m_frameMax; }
    double guiBusyMsPerFrame() const { return m_busyPerFrame; }
    double guiBusyPercent() const { return m_busyPercent; }
    double modelMsPerFrame() const { return m_modelPerFrame; }
    qint64 frames() const { return m_frames; }
    QString renderLoop() const { return m_renderLoop; }
    // What draws the window: the OpenGL renderer string (a GPU's name, or e.g. "llvmpipe"
    // for Mesa's software rasterizer) or the graphics API; empty until the first frame.
    QString renderer() const { return m_renderer; }

    // A one-line summary, for logs and the smoke test.
    Q_INVOKABLE QString summary() const;

signals:
    void updated();

private:
    void onFrameSwapped();
    void onSceneGraphInitialized();
    void publish();

    QPointer<QQuickWindow> m_window;
    QElapsedTimer m_clock;
    QTimer m_publishTimer;
    QMutex m_mutex; // frame times come from the render thread
    std::vector<double> m_intervals;
    qint64 m_lastSwapNs = 0;
    qint64 m_cpuNs = -1;
    qint64 m_windowStartNs = 0;
    double m_modelMs = 0;
    int m_modelCommits = 0;

    double m_fps = 0;
    double m_frameAvg = 0;
    double m_frameP95 = 0;
    double m_frameMax = 0;
    double m_busyPerFrame = 0;
    double m_busyPercent = 0;
    double m_modelPerFrame = 0;
    qint64 m_frames = 0;
    QString m_renderLoop;
    QString m_renderer;
    QString m_rendererFromRenderThread; // guarded by m_mutex
    bool m_rendererExported = false;

    std::shared_ptr<prometheus::Registry> m_registry;
    prometheus::Gauge *m_fpsGauge = nullptr;
    prometheus::Gauge *m_busyGauge = nullptr;
    prometheus::Histogram *m_frameHistogram = nullptr;
};

} // namespace tickscope
