#include "FrameTimer.h"

#include <QAbstractEventDispatcher>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QQuickWindow>
#include <QThread>
#include <algorithm>
#include <ctime>
#include <numeric>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace tickscope {

namespace {
QString graphicsApiName(QSGRendererInterface::GraphicsApi api)
{
    switch (api) {
    case QSGRendererInterface::Software:
        return u"Qt Quick software"_qs;
    case QSGRendererInterface::OpenGL:
        return u"OpenGL"_qs;
    case QSGRendererInterface::Vulkan:
        return u"Vulkan"_qs;
    case QSGRendererInterface::Metal:
        return u"Metal"_qs;
    case QSGRendererInterface::Direct3D11:
        return u"Direct3D 11"_qs;
    default:
        return u"other"_qs;
    }
}

// CPU time of the calling thread, in ns; -1 where the platform has no per-thread clock.
qint64 threadCpuNs()
{
#if defined(CLOCK_THREAD_CPUTIME_ID)
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
        return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
#endif
    return -1;
}
} // namespace

FrameTimer::FrameTimer(QObject *parent) : QObject(parent)
{
    m_clock.start();
    m_windowStartNs = m_clock.nsecsElapsed();
    m_publishTimer.setInterval(1000);
    connect(&m_publishTimer, &QTimer::timeout, this, &FrameTimer::publish);
    m_publishTimer.start();
    m_cpuNs = threadCpuNs();
    m_renderLoop = qEnvironmentVariable("QSG_RENDER_LOOP");
}

FrameTimer::~FrameTimer() = default;

void FrameTimer::attach(QQuickWindow *window)
{
    m_window = window;
    // Direct: frameSwapped comes from the render thread with the threaded loop, and the
    // time of the swap is what matters, not when the GUI thread gets to hear of it.
    connect(window, &QQuickWindow::frameSwapped, this, &FrameTimer::onFrameSwapped,
            Qt::DirectConnection);
    // Direct too: the renderer can be asked only on the thread whose context is current.
    connect(window, &QQuickWindow::sceneGraphInitialized, this,
            &FrameTimer::onSceneGraphInitialized, Qt::DirectConnection);
}

void FrameTimer::onSceneGraphInitialized()
{
    // Only OpenGL names the device; the other APIs are named from publish().
    QOpenGLContext *context = QOpenGLContext::currentContext();
    if (QQuickWindow::graphicsApi() != QSGRendererInterface::OpenGL || !context)
        return;
    const auto *name = context->functions()->glGetString(GL_RENDERER);
    QMutexLocker lock(&m_mutex);
    m_rendererFromRenderThread =
        name ? QString::fromLatin1(reinterpret_cast<const char *>(name)) : u"OpenGL"_qs;
}

void FrameTimer::exportTo(const std::shared_ptr<prometheus::Registry> &registry)
{
    if (!registry || m_registry)
        return;
    m_registry = registry;
    m_fpsGauge = &prometheus::BuildGauge()
                      .Name("tickscope_gui_frames_per_second")
                      .Help("Frames the desktop window presented in the last second")
                      .Register(*registry)
                      .Add({});
    m_busyGauge = &prometheus::BuildGauge()
                       .Name("tickscope_gui_thread_busy_seconds_per_frame")
                       .Help("GUI-thread work per frame over the last second")
                       .Register(*registry)
                       .Add({});
    m_frameHistogram =
        &prometheus::BuildHistogram()
             .Name("tickscope_gui_frame_interval_seconds")
             .Help("Time between two presented frames of the desktop window")
             .Register(*registry)
             .Add({}, prometheus::Histogram::BucketBoundaries{0.008, 0.012, 0.017, 0.025, 0.034,
                                                              0.050, 0.100, 0.250, 1.0});
}

void FrameTimer::addModelTime(double ms)
{
    m_modelMs += ms;
    ++m_modelCommits;
}

void FrameTimer::onFrameSwapped()
{
    const qint64 now = m_clock.nsecsElapsed();
    QMutexLocker lock(&m_mutex);
    if (m_lastSwapNs > 0)
        m_intervals.push_back(double(now - m_lastSwapNs) / 1e6);
    m_lastSwapNs = now;
}

void FrameTimer::publish()
{
    std::vector<double> intervals;
    QString renderer;
    {
        QMutexLocker lock(&m_mutex);
        intervals.swap(m_intervals);
        renderer = m_rendererFromRenderThread;
    }
    const qint64 now = m_clock.nsecsElapsed();
    // publish() runs on the GUI thread, so this is the GUI thread's CPU time.
    const qint64 cpu = threadCpuNs();
    const qint64 busy = cpu >= 0 && m_cpuNs >= 0 ? cpu - m_cpuNs : 0;
    m_cpuNs = cpu;
    const double windowMs = std::max(1.0, double(now - m_windowStartNs) / 1e6);
    m_windowStartNs = now;

    const size_t n = intervals.size();
    m_frames += qint64(n);
    m_fps = double(n) * 1000.0 / windowMs;
    if (n > 0) {
        m_frameAvg = std::accumulate(intervals.begin(), intervals.end(), 0.0) / double(n);
        std::sort(intervals.begin(), intervals.end());
        m_frameP95 = intervals[std::min(n - 1, size_t(double(n) * 0.95))];
        m_frameMax = intervals.back();
    } else {
        m_frameAvg = m_frameP95 = m_frameMax = 0;
    }
    const double busyMs = double(busy) / 1e6;
    m_busyPercent = busyMs / windowMs * 100.0;
    m_busyPerFrame = busyMs / double(std::max<size_t>(n, 1));
    m_modelPerFrame = m_modelCommits > 0 ? m_modelMs / m_modelCommits : 0;
    m_modelMs = 0;
    m_modelCommits = 0;
    if (m_renderLoop.isEmpty() && m_window && m_window->rendererInterface())
        m_renderLoop =
            m_window->rendererInterface()->graphicsApi() == QSGRendererInterface::Software
                ? u"software"_qs
                : u"default"_qs;
    // The software backend sends no sceneGraphInitialized: name the API once frames come.
    // Once known, the renderer stays (an idle second with no frame does not forget it).
    if (!renderer.isEmpty())
        m_renderer = renderer;
    else if (m_renderer.isEmpty() && n > 0 && m_window && m_window->rendererInterface())
        m_renderer = graphicsApiName(m_window->rendererInterface()->graphicsApi());
    if (m_registry && !m_renderer.isEmpty() && !m_rendererExported) {
        m_rendererExported = true;
        prometheus::BuildGauge()
            .Name("tickscope_gui_renderer_info")
            .Help("What draws the desktop window (the OpenGL renderer or graphics API)")
            .Register(*m_registry)
            .Add({{"renderer", m_renderer.toStdString()}})
            .Set(1);
    }
    if (m_fpsGauge) {
        m_fpsGauge->Set(m_fps);
        m_busyGauge->Set(m_busyPerFrame / 1000.0);
        for (double ms : intervals)
            m_frameHistogram->Observe(ms / 1000.0);
    }
    emit updated();
}

QString FrameTimer::summary() const
{
    return u"fps %1, frame avg %2 ms p95 %3 ms max %4 ms, GUI thread %5 ms/frame (%6%), "
           "models %7 ms/refresh"_qs.arg(m_fps, 0, 'f', 1)
               .arg(m_frameAvg, 0, 'f', 2)
               .arg(m_frameP95, 0, 'f', 2)
               .arg(m_frameMax, 0, 'f', 2)
               .arg(m_busyPerFrame, 0, 'f', 2)
               .arg(m_busyPercent, 0, 'f', 1)
               .arg(m_modelPerFrame, 0, 'f', 2);
}

} // namespace tickscope
