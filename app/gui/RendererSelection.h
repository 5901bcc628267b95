#pragma once

#include <QString>

namespace tickscope {

// Where the only OpenGL is a software rasterizer (Mesa's llvmpipe, softpipe or swrast: virtual
// machines, remote desktops, Xvfb), Qt Quick's own software renderer draws the window with
// less CPU: it repaints what changed, where OpenGL on the CPU shades every pixel of every
// frame (docs/performance.md: 45 -> 66 frames/s, 172 -> 110 % of a core). A choice the user
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
