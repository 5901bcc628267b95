// The server panel's viewer list: rows in connection order, and the lag text a user reads.
#include "models/ViewerListModel.h"

#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace tickscope;

namespace {
StreamServer::ViewerInfo info(const QString &session, qint64 connectedAtMs, bool catchingUp = false,
                              qint64 queuedBytes = 0, qint64 lagTicks = 0)
{
    StreamServer::ViewerInfo v;
    v.session = session;
    v.subject = u"subject-"_qs + session;
    v.peer = u"127.0.0.1:5000"_qs;
    v.connectedAtMs = connectedAtMs;
    v.catchingUp = catchingUp;
    v.queuedBytes = queuedBytes;
    v.lagTicks = lagTicks;
    return v;
}
} // namespace

class tst_ViewerListModel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void lagText_data()
    {
        QTest::addColumn<bool>("catchingUp");
        QTest::addColumn<qint64>("queuedBytes");
        QTest::addColumn<qint64>("lagTicks");
        QTest::addColumn<QString>("expected");
        QTest::newRow("live, nothing queued") << false << qint64(0) << qint64(0) << u"live"_qs;
        QTest::newRow("live, one frame in flight")
            << false << qint64(40'000) << qint64(0) << u"live"_qs;
        QTest::newRow("live, backlog in KiB")
            << false << qint64(96 * 1024) << qint64(0) << u"live, 96.0 KiB queued"_qs;
        QTest::newRow("live, backlog in MiB") << false << qint64(3 * 1024 * 1024 + 512 * 1024)
                                              << qint64(0) << u"live, 3.5 MiB queued"_qs;
        QTest::newRow("catching up, behind")
            << true << qint64(0) << qint64(125'000) << u"catching up, 125,000 ticks behind"_qs;
        QTest::newRow("catching up, lag unknown")
            << true << qint64(0) << qint64(0) << u"catching up"_qs;
    }

    void lagText()
    {
        QFETCH(bool, catchingUp);
        QFETCH(qint64, queuedBytes);
        QFETCH(qint64, lagTicks);
        QFETCH(QString, expected);
        ViewerListModel model;
        model.setViewers({info(u"a"_qs, 1000, catchingUp, queuedBytes, lagTicks)}, 2000);
        const QModelIndex row = model.index(0);
        QCOMPARE(model.data(row, ViewerListModel::LagTextRole).toString(), expected);
        QCOMPARE(model.data(row, ViewerListModel::LagTicksRole).toLongLong(), lagTicks);
        QCOMPARE(model.data(row, ViewerListModel::QueuedBytesRole).toLongLong(), queuedBytes);
        QCOMPARE(model.data(row, ViewerListModel::StateRole).toString(),
                 catchingUp ? u"catching up"_qs : u"live"_qs);
    }

    void rowsFollowConnectionOrderAndUpdateInPlace()
    {
        ViewerListModel model;
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        model.setViewers({info(u"late"_qs, 3000), info(u"early"_qs, 1000)}, 5000);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0), ViewerListModel::SessionRole).toString(), u"early"_qs);
        QCOMPARE(resets.count(), 1);

        // Same viewers, new lag: the rows change in place, the view keeps its delegates.
        model.setViewers({info(u"early"_qs, 1000, true, 0, 10), info(u"late"_qs, 3000)}, 6000);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(model.data(model.index(0), ViewerListModel::LagTicksRole).toLongLong(), 10);

        model.setViewers({info(u"late"_qs, 3000)}, 7000);
        QCOMPARE(resets.count(), 2);
        QCOMPARE(model.rowCount(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_ViewerListModel)
#include "tst_viewerlistmodel.moc"
