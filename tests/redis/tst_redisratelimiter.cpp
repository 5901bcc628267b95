// RedisRateLimiter: buckets shared by several limiters (several server processes), refilled by
// Redis's clock, and the three outage policies while Redis is down.
#include "RedisServerProcess.h"
#include "redis/RedisRateLimiter.h"

#include <QTest>

using namespace tickscope;

Q_DECLARE_METATYPE(tickscope::RedisRateLimitOutage)

class tst_RedisRateLimiter : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::RedisServerProcess> m_server;
    int m_testNumber = 0;
    QString m_prefix;

    std::unique_ptr<RedisRateLimiter> limiter(const QString &url,
                                              RedisRateLimiter::Options options = {})
    {
        options.keyPrefix = m_prefix;
        return std::make_unique<RedisRateLimiter>(*RedisUrl::parse(url, nullptr), options);
    }

private slots:
    void initTestCase()
    {
        if (!test::haveRedis())
            QSKIP("redis-server and redis-cli are not installed");
        m_server = std::make_unique<test::RedisServerProcess>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
    }
    void cleanupTestCase() { m_server.reset(); }
    void init() { m_prefix = u"r%1"_qs.arg(++m_testNumber); }

    void bucketIsShared()
    {
        auto a = limiter(m_server->url());
        auto b = limiter(m_server->url());
        // A rate so low that no token comes back during the test, however slow the machine.
        const double rate = 0.001;
        QVERIFY(a->check(u"sub:alice"_qs, rate, 3).allowed);
        QVERIFY(b->check(u"sub:alice"_qs, rate, 3).allowed);
        const RedisRateLimiter::Decision third = a->check(u"sub:alice"_qs, rate, 3);
        QVERIFY(third.allowed);
        QVERIFY(third.shared);
        QVERIFY(third.remaining < 0.01);
        const RedisRateLimiter::Decision refused = b->check(u"sub:alice"_qs, rate, 3);
        QVERIFY(!refused.allowed);
        QVERIFY(refused.shared);
        // One token at 0.001/s: about 1000 s.
        QVERIFY2(refused.retryAfterMs > 900'000 && refused.retryAfterMs <= 1'000'000,
                 qPrintable(QString::number(refused.retryAfterMs)));
        // Other keys have their own buckets.
        QVERIFY(b->check(u"sub:bob"_qs, rate, 3).allowed);
        QVERIFY(a->redisUp());
    }

    void refillsAtTheRate()
    {
        auto a = limiter(m_server->url());
        QVERIFY(a->check(u"ip:1"_qs, 50, 1).allowed);
        RedisRateLimiter::Decision next = a->check(u"ip:1"_qs, 50, 1);
        if (!next.allowed) // unless 20 ms passed in between
            QVERIFY2(next.retryAfterMs >= 1 && next.retryAfterMs <= 20,
                     qPrintable(QString::number(next.retryAfterMs)));
        // QTRY_VERIFY would check once more after success: a check takes a token.
        bool allowed = false;
        for (int i = 0; i < 100 && !allowed; ++i) {
            allowed = a->check(u"ip:1"_qs, 50, 1).allowed;
            if (!allowed)
                QTest::qWait(50);
        }
        QVERIFY(allowed);
    }

    void unlimitedNeedsNoRoundTrip()
    {
        auto a = limiter(m_server->url());
        for (int i = 0; i < 100; ++i)
            QVERIFY(a->check(u"k"_qs, 0, 0).allowed);
        QCOMPARE(m_server->cli({u"EXISTS"_qs, m_prefix + u":rl:{k}"_qs}).trimmed(), u"0"_qs);
    }

    void bucketExpiresWhenFull()
    {
        auto a = limiter(m_server->url());
        QVERIFY(a->check(u"k"_qs, 10, 5).allowed);
        // Full again after 5 / 10 s = 500 ms; kept 1 s longer.
        const int ttl = m_server->cli({u"PTTL"_qs, m_prefix + u":rl:{k}"_qs}).trimmed().toInt();
        QVERIFY2(ttl > 0 && ttl <= 1500, qPrintable(QString::number(ttl)));
    }

    void outage_data()
    {
        QTest::addColumn<RedisRateLimitOutage>("policy");
        QTest::newRow("local limits") << RedisRateLimitOutage::LocalLimits;
        QTest::newRow("fail open") << RedisRateLimitOutage::FailOpen;
        QTest::newRow("fail closed") << RedisRateLimitOutage::FailClosed;
    }
    void outage()
    {
        QFETCH(RedisRateLimitOutage, policy);
        test::RedisServerProcess server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        qint64 nowMs = 1'000'000;
        RedisRateLimiter::Options options;
        options.outage = policy;
        options.clockMs = [&nowMs] { return nowMs; };
        options.clockNs = [&nowMs] { return nowMs * 1'000'000; };
        auto a = limiter(server.url(), options);
        QVERIFY(a->check(u"k"_qs, 0.001, 2).shared);
        server.kill();

        QList<bool> allowed;
        for (int i = 0; i < 3; ++i) {
            const RedisRateLimiter::Decision d = a->check(u"k"_qs, 0.001, 2);
            QVERIFY(!d.shared);
            allowed.append(d.allowed);
            if (!d.allowed)
                QVERIFY(d.retryAfterMs >= 1);
        }
        QVERIFY(!a->redisUp());
        QVERIFY(!a->lastError().isEmpty());
        switch (policy) {
        case RedisRateLimitOutage::LocalLimits:
            QCOMPARE(allowed, (QList<bool>{true, true, false})); // this process's own bucket
            break;
        case RedisRateLimitOutage::FailOpen:
            QCOMPARE(allowed, (QList<bool>{true, true, true}));
            break;
        case RedisRateLimitOutage::FailClosed:
            QCOMPARE(allowed, (QList<bool>{false, false, false}));
            break;
        }

        // Back, once the breaker lets a call through.
        QVERIFY2(server.start(&error), qPrintable(error));
        nowMs += 60'000;
        const RedisRateLimiter::Decision back = a->check(u"k"_qs, 0.001, 2);
        QVERIFY(back.shared);
        QVERIFY(a->redisUp());
        QVERIFY(a->lastError().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_RedisRateLimiter)
#include "tst_redisratelimiter.moc"
