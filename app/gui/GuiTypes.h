#pragma once

namespace tickscope {

// Registers the C++ types the QML module uses under the import `Tickscope.Backend 1.0`.
// Called once before the first engine loads anything (by DesktopApp and the QML tests).
class GuiTypes
{
public:
    static void registerTypes();
};

} // namespace tickscope
