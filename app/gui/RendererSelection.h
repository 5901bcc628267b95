#pragma once

#include <QString>

namespace tickscope {

// Where the only OpenGL is a software rasterizer (Mesa's llvmpipe, softpipe or swrast: virtual
// machines, remote desktops, Xvfb), Qt Quick's own software renderer draws the window with
// less CPU: it repaints what changed, where OpenGL on the CPU shades every pixel of every
// frame (docs/performance.md: 44 -> 106-120 frames/s, 171 -> 84-89 % of a core, with the
// line chart unantialiased there, see ChartPane.qml). A choice the user
// made with QT_QUICK_BACKEND or QSG_RHI_BACKEND is left alone. Linux and the BSDs only: on
// Windows and macOS Qt Quick draws with Direct3D or Metal.
class RendererSelection
{
public:
    // Call once the QGuiApplication exists and before the first window. Returns what was
    // chosen and why, for the log; empty when the default stays.
    static QString apply();
    static bool isSoftwareRasterizer(const QString &glRenderer);
};

} // namespace tickscope
