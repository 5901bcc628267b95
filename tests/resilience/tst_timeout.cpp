#include "resilience/Timeout.h"

#include <QSignalSpy>
#include <QTest>

using tickscope::Timeout;

class tst_Timeout : public QObject
{
    Q_OBJECT
private slots:
    void expires()
    {
        Timeout timeout;
        QSignalSpy expired(&timeout, &Timeout::expired);
        QVERIFY(!timeout.isActive());
        QCOMPARE(timeout.remainingMs(), -1);
        timeout.start(5);
        QVERIFY(timeout.isActive());
        QVERIFY(timeout.remainingMs() >= 0 && timeout.remainingMs() <= 5);
        QTRY_COMPARE_WITH_TIMEOUT(expired.count(), 1, 10000);
        QVERIFY(!timeout.isActive());
        QTest::qWait(20);
        QCOMPARE(expired.count(), 1); // single shot
    }

    void cancelPreventsExpiry()
    {
        Timeout timeout;
        QSignalSpy expired(&timeout, &Timeout::expired);
        timeout.start(0);
        timeout.cancel();
        QVERIFY(!timeout.isActive());
        QTest::qWait(20);
        QCOMPARE(expired.count(), 0);
    }

    void restartReArms()
    {
        Timeout timeout;
        QSignalSpy expired(&timeout, &Timeout::expired);
        timeout.start(0);
        timeout.start(60000); // the first arming is replaced, not added to
        QTest::qWait(20);
        QCOMPARE(expired.count(), 0);
        timeout.start(-5); // taken as 0
        QTRY_COMPARE_WITH_TIMEOUT(expired.count(), 1, 10000);
    }
};

QTEST_GUILESS_MAIN(tst_Timeout)
#include "tst_timeout.moc"
