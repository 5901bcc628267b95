#include "RendererSelection.h"

#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QQuickWindow>
#include <QRegularExpression>

namespace tickscope {

bool RendererSelection::isSoftwareRasterizer(const QString &glRenderer)
{
    static const QRegularExpression software(
        u"\\b(llvmpipe|softpipe|swrast|software rasterizer)\\b"_qs,
        QRegularExpression::CaseInsensitiveOption);
    return software.match(glRenderer).hasMatch();
}

QString RendererSelection::apply()
{
#if defined(Q_OS_WIN) || defined(Q_OS_DARWIN)
    // Qt Quick draws with Direct3D or Metal there, not OpenGL (Direct3D falls back to WARP
    // by itself).
    return {};
#else
    if (!qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND") ||
        !qEnvironmentVariableIsEmpty("QSG_RHI_BACKEND"))
        return {};
    // Qt Quick draws with OpenGL on this platform by default; ask what would do the drawing.
    QOpenGLContext context;
    QOffscreenSurface surface;
    surface.create();
    if (!context.create() || !context.makeCurrent(&surface))
        return {};
    const auto *name = context.functions()->glGetString(GL_RENDERER);
    const QString renderer =
        name ? QString::fromLatin1(reinterpret_cast<const char *>(name)) : QString();
    context.doneCurrent();
    if (!isSoftwareRasterizer(renderer))
        return {};
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    return u"no GPU (OpenGL is %1, a software rasterizer): drawing with Qt Quick's software "
           "renderer; set QSG_RHI_BACKEND=opengl to draw with OpenGL anyway"_qs.arg(renderer);
#endif
}

} // namespace tickscope
