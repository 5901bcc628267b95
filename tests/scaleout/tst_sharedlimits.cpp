// Protocol section 7 across processes: with Redis configured, the token buckets (handshakes
// per address, HTTP API per subject) are shared by every server on it, so a client cannot
// get N times its limit by spreading requests over N servers. Real redis-server, two real
// tickscope processes; every request comes from 127.0.0.1.

#include "HttpClient.h"
#include "RedisServerProcess.h"
#include "Scaleout.h"
#include "ServerProcess.h"
#include "Wait.h"

#include <QTest>
#include <QThread>

using namespace tickscope;
using namespace tickscope::test;

namespace {

HttpReply handshake(const ServerProcess &server, const QString &token)
{
    return HttpClient::get(server.port(), "/v1/stream",
                           HttpClient::upgradeHeaders() + HttpClient::bearer(token));
}

} // namespace

class tst_SharedLimits : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(!ServerProcess::binary().isEmpty(), "TICKSCOPE_BINARY is not set");
        if (!haveRedis())
            QSKIP("redis-server and redis-cli are not installed");
    }

    // Burst 3 at 1/s per address: three handshakes on A use the shared bucket up, so B
    // (whose own bucket is still full) refuses the address too, after at most one request
    // that passes while Redis's answer is on its way.
    void handshakesPerAddressAreShared()
    {
        RedisServerProcess redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        const QStringList limits{u"--handshake-limit"_qs, u"1"_qs, u"--handshake-burst"_qs,
                                 u"3"_qs};
        ServerProcess a;
        ServerProcess b;
        QVERIFY2(Scaleout::start(a, redis.url(), &error, limits), qPrintable(error));
        QVERIFY2(Scaleout::start(b, redis.url(), &error, limits), qPrintable(error));
        const QString token = Scaleout::token(a);

        for (int i = 0; i < 3; ++i)
            QCOMPARE(handshake(a, token).status, 101);
        QThread::msleep(100); // A's takes reach Redis

        int passed = 0;
        int refused = 0;
        for (int i = 0; i < 4; ++i) {
            const HttpReply reply = handshake(b, token);
            if (reply.status == 101) {
                ++passed;
            } else {
                QCOMPARE(reply.status, 429);
                QVERIFY(reply.header("retry-after").has_value());
                ++refused;
            }
            QThread::msleep(50);
        }
        // Alone, B would let all four through (burst 3, plus the refill).
        QVERIFY2(passed <= 1, qPrintable(u"%1 of 4 passed on B"_qs.arg(passed)));
        QCOMPARE(refused, 4 - passed);
    }

    // The HTTP API bucket of one subject (default tier, burst 40) spent on A leaves little
    // for B. The tier refills at 1/s here, not the shipped 20/s, so that a slow run (an
    // instrumented build on a busy machine) cannot refill B's share while it asks.
    void httpApiPerSubjectIsShared()
    {
        RedisServerProcess redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        const QStringList limits{u"--handshake-limit"_qs, u"0"_qs};
        ServerProcess a;
        ServerProcess b;
        for (ServerProcess *server : {&a, &b}) {
            server->setEnvironment(u"TICKSCOPE_TIER_DEFAULT_HTTP_PER_SECOND"_qs, u"1"_qs);
            server->setEnvironment(u"TICKSCOPE_TIER_DEFAULT_HTTP_BURST"_qs, u"40"_qs);
        }
        QVERIFY2(Scaleout::start(a, redis.url(), &error, limits), qPrintable(error));
        QVERIFY2(Scaleout::start(b, redis.url(), &error, limits), qPrintable(error));
        // The default tier, not the unlimited one the other scale-out tests use.
        const QString token = a.mintToken(u"api-user"_qs, u"read"_qs, u"1h"_qs);
        QVERIFY(!token.isEmpty());

        int okOnA = 0;
        for (int i = 0; i < 40; ++i)
            okOnA +=
                HttpClient::get(a.port(), "/api/v1/symbols", HttpClient::bearer(token)).status ==
                200;
        QVERIFY2(okOnA >= 35, qPrintable(QString::number(okOnA)));
        QThread::msleep(100);

        int okOnB = 0;
        int limitedOnB = 0;
        for (int i = 0; i < 20; ++i) {
            const HttpReply reply =
                HttpClient::get(b.port(), "/api/v1/symbols", HttpClient::bearer(token));
            if (reply.status == 200) {
                ++okOnB;
            } else {
                QCOMPARE(reply.status, 429);
                QCOMPARE(reply.errorCode(), u"rate_limited"_qs);
                ++limitedOnB;
            }
        }
        // Alone, B would answer all 20 (its own bucket holds 40).
        QVERIFY2(limitedOnB >= 10, qPrintable(u"B answered %1 of 20"_qs.arg(okOnB)));
    }
};

QTEST_GUILESS_MAIN(tst_SharedLimits)
#include "tst_sharedlimits.moc"
