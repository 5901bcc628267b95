#include "Wait.h"

#include <QDeadlineTimer>
#include <QTest>

namespace tickscope::test {

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return done();
        QTest::qWait(5);
    }
    return true;
}

void spin(int ms)
{
    QTest::qWait(ms);
}

} // namespace tickscope::test
