// Which OpenGL renderer strings name a software rasterizer (RendererSelection then draws with
// Qt Quick's software renderer) and which a GPU. Strings as drivers report them.
#include "RendererSelection.h"

#include <QTest>

using namespace tickscope;

class tst_RendererSelection : public QObject
{
    Q_OBJECT
private slots:
    void isSoftwareRasterizer_data()
    {
        QTest::addColumn<QString>("renderer");
        QTest::addColumn<bool>("software");
        QTest::newRow("llvmpipe") << u"llvmpipe (LLVM 15.0.6, 256 bits)"_qs << true;
        QTest::newRow("softpipe") << u"softpipe"_qs << true;
        QTest::newRow("swrast") << u"Mesa X11 swrast"_qs << true;
        QTest::newRow("gdi generic") << u"Software Rasterizer"_qs << true;
        QTest::newRow("upper case") << u"LLVMPIPE (LLVM 12.0.0, 128 bits)"_qs << true;
        QTest::newRow("intel") << u"Mesa Intel(R) UHD Graphics 620 (KBL GT2)"_qs << false;
        QTest::newRow("nvidia") << u"NVIDIA GeForce RTX 3060/PCIe/SSE2"_qs << false;
        QTest::newRow("amd") << u"AMD Radeon RX 6600 (navi23, LLVM 15.0.6, DRM 3.49)"_qs << false;
        QTest::newRow("virgl") << u"virgl (NVIDIA GeForce GTX 1080)"_qs << false;
        QTest::newRow("apple") << u"Apple M1"_qs << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("word inside another") << u"notllvmpipes"_qs << false;
    }
    void isSoftwareRasterizer()
    {
        QFETCH(QString, renderer);
        QFETCH(bool, software);
        QCOMPARE(RendererSelection::isSoftwareRasterizer(renderer), software);
    }
};

QTEST_GUILESS_MAIN(tst_RendererSelection)
#include "tst_rendererselection.moc"
