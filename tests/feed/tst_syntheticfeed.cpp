#include "core/Symbol.h"
#include "core/TickJson.h"
#include "feed/InstrumentProfile.h"
#include "feed/SyntheticFeed.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <cmath>

using tickscope::InstrumentProfile;
using tickscope::SyntheticFeed;
using tickscope::SyntheticFeedConfig;
using tickscope::Tick;
using tickscope::TickList;

namespace {

QStringList defaultSymbols()
{
    return {u"BTC-USD"_qs, u"ETH-USD"_qs, u"SOL-USD"_qs, u"AAPL"_qs,   u"MSFT"_qs,
            u"EURUSD"_qs,  u"USDJPY"_qs,  u"ES-FUT"_qs,  u"CL-FUT"_qs, u"ZN-FUT"_qs};
}

SyntheticFeedConfig makeConfig(QStringList symbols, double rate = 1000, quint64 seed = 42)
{
    SyntheticFeedConfig config;
    config.symbols = std::move(symbols);
    config.ticksPerSecond = rate;
    config.seed = seed;
    return config;
}

// The value is a whole number of steps units/scale, within double rounding.
bool onGrid(double value, qint64 units, qint64 scale)
{
    const double steps = value * double(scale) / double(units);
    return std::abs(steps - std::round(steps)) < 1e-6 * std::max(1.0, std::abs(steps));
}

// A manual clock for the rate accounting.
struct FakeClock
{
    qint64 ns = 1'000'000'000;
    qint64 wallUs = 1'763'790'000'000'000;
};

qint64 countTicks(const QSignalSpy &spy)
{
    qint64 total = 0;
    for (const QList<QVariant> &call : spy)
        total += call.at(0).value<TickList>().size();
    return total;
}

} // namespace

class tst_SyntheticFeed : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<TickList>(); }

    void validate_data()
    {
        QTest::addColumn<QStringList>("symbols");
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("intervalMs");
        QTest::addColumn<QString>("error"); // a fragment of the message, empty when valid
        QTest::newRow("valid") << defaultSymbols() << 200.0 << 2 << QString();
        QTest::newRow("idle is valid") << defaultSymbols() << 0.0 << 2 << QString();
        QTest::newRow("no symbols") << QStringList() << 200.0 << 2 << u"empty"_qs;
        QTest::newRow("bad symbol")
            << QStringList{u"BTC USD"_qs} << 200.0 << 2 << u"\"BTC USD\""_qs;
        QTest::newRow("twice") << QStringList{u"AAPL"_qs, u"AAPL"_qs} << 200.0 << 2 << u"twice"_qs;
        QTest::newRow("negative rate") << defaultSymbols() << -1.0 << 2 << u"-1"_qs;
        QTest::newRow("infinite rate") << defaultSymbols() << qInf() << 2 << u"rate"_qs;
        QTest::newRow("too fast") << defaultSymbols() << 2e7 << 2 << u"rate"_qs;
        QTest::newRow("interval 0") << defaultSymbols() << 200.0 << 0 << u"0 ms"_qs;
    }
    void validate()
    {
        QFETCH(QStringList, symbols);
        QFETCH(double, rate);
        QFETCH(int, intervalMs);
        QFETCH(QString, error);
        SyntheticFeedConfig config = makeConfig(symbols, rate);
        config.intervalMs = intervalMs;
        const QString message = config.validate();
        if (error.isEmpty())
            QVERIFY2(message.isEmpty(), qPrintable(message));
        else
            QVERIFY2(message.contains(error), qPrintable(message));
    }

    void describe()
    {
        SyntheticFeed feed(makeConfig(defaultSymbols(), 200));
        QCOMPARE(feed.describe(), u"synthetic 200 ticks/s, 10 symbols"_qs);
        SyntheticFeed one(makeConfig({u"AAPL"_qs}, 1e6));
        QCOMPARE(one.describe(), u"synthetic 1000000 ticks/s, 1 symbol"_qs);
    }

    void deterministicForASeed()
    {
        SyntheticFeed a(makeConfig(defaultSymbols(), 1000, 7));
        SyntheticFeed b(makeConfig(defaultSymbols(), 1000, 7));
        SyntheticFeed c(makeConfig(defaultSymbols(), 1000, 8));
        // Different batch sizes, same sequence.
        TickList fromA = a.generate(3000);
        fromA += a.generate(7000);
        TickList fromB;
        for (int i = 0; i < 100; ++i)
            fromB += b.generate(100);
        const TickList fromC = c.generate(10000);
        QCOMPARE(fromA.size(), 10000);
        QCOMPARE(fromB.size(), 10000);
        int differentFromC = 0;
        for (qsizetype i = 0; i < fromA.size(); ++i) {
            const Tick &x = fromA.at(i);
            const Tick &y = fromB.at(i);
            QCOMPARE(x.symbol, y.symbol);
            QCOMPARE(x.price, y.price);
            QCOMPARE(x.size, y.size);
            const Tick &z = fromC.at(i);
            if (x.symbol != z.symbol || x.price != z.price || x.size != z.size)
                ++differentFromC;
        }
        QVERIFY(differentFromC > 9000);
    }

    void ticksAreValid_data()
    {
        QTest::addColumn<QStringList>("symbols");
        QTest::newRow("known") << defaultSymbols();
        QTest::newRow("unknown") << QStringList{u"ACME"_qs,    u"FOO-USD"_qs, u"PEPE-USDT"_qs,
                                                u"SEKNOK"_qs,  u"CAD/JPY"_qs, u"ZZ-FUT"_qs,
                                                u"x.y:z/1"_qs, u"9"_qs};
        QTest::newRow("one symbol") << QStringList{u"DOGE-USD"_qs};
    }
    void ticksAreValid()
    {
        QFETCH(QStringList, symbols);
        SyntheticFeed feed(makeConfig(symbols, 1000, 3));
        const TickList ticks = feed.generate(50000);
        QCOMPARE(ticks.size(), 50000);
        QHash<QString, int> counts;
        for (const Tick &tick : ticks) {
            const qsizetype index = symbols.indexOf(tick.symbol);
            QVERIFY2(index >= 0, qPrintable(tick.symbol));
            const InstrumentProfile &profile = feed.profile(index);
            QCOMPARE(tick.seq, 0);
            QVERIFY(tick.timeUs > 0);
            QVERIFY2(tick.price > 0 && std::isfinite(tick.price), qPrintable(tick.symbol));
            QVERIFY2(onGrid(tick.price, profile.tickUnits, profile.tickScale),
                     qPrintable(u"%1 %2"_qs.arg(tick.symbol).arg(tick.price, 0, 'g', 17)));
            QVERIFY2(tick.size > 0 && onGrid(tick.size, profile.sizeUnits, profile.sizeScale),
                     qPrintable(u"%1 size %2"_qs.arg(tick.symbol).arg(tick.size, 0, 'g', 17)));
            QVERIFY(tick.size <=
                    double(profile.maxLots * profile.sizeUnits) / double(profile.sizeScale));
            ++counts[tick.symbol];
        }
        QCOMPARE(counts.size(), symbols.size());
    }

    // Prices print in their short decimal form: 64123.5, not 64123.500000000007.
    void pricesPrintShort()
    {
        SyntheticFeed feed(makeConfig({u"BTC-USD"_qs, u"EURUSD"_qs, u"ES-FUT"_qs}, 1000, 5));
        for (const Tick &tick : feed.generate(5000)) {
            QByteArray text;
            tickscope::TickJson::appendNumber(text, tick.price);
            QVERIFY2(text.size() <= 12, text.constData());
        }
    }

    void profiles_data()
    {
        QTest::addColumn<QString>("symbol");
        QTest::addColumn<double>("price");
        QTest::addColumn<double>("tickSize");
        QTest::addColumn<int>("kind");
        QTest::newRow("BTC-USD") << u"BTC-USD"_qs << 64000.0 << 0.5
                                 << int(InstrumentProfile::Kind::Crypto);
        QTest::newRow("ETH-USD") << u"ETH-USD"_qs << 3400.0 << 0.01
                                 << int(InstrumentProfile::Kind::Crypto);
        QTest::newRow("SOL-USD") << u"SOL-USD"_qs << 150.0 << 0.01
                                 << int(InstrumentProfile::Kind::Crypto);
        QTest::newRow("AAPL") << u"AAPL"_qs << 190.0 << 0.01 << int(InstrumentProfile::Kind::Stock);
        QTest::newRow("MSFT") << u"MSFT"_qs << 420.0 << 0.01 << int(InstrumentProfile::Kind::Stock);
        QTest::newRow("EURUSD") << u"EURUSD"_qs << 1.08 << 0.00001
                                << int(InstrumentProfile::Kind::Fx);
        QTest::newRow("EUR/USD") << u"EUR/USD"_qs << 1.08 << 0.00001
                                 << int(InstrumentProfile::Kind::Fx);
        QTest::newRow("USDJPY") << u"USDJPY"_qs << 150.0 << 0.001
                                << int(InstrumentProfile::Kind::Fx);
        QTest::newRow("ES-FUT") << u"ES-FUT"_qs << 5200.0 << 0.25
                                << int(InstrumentProfile::Kind::Future);
        QTest::newRow("CL-FUT") << u"CL-FUT"_qs << 78.0 << 0.01
                                << int(InstrumentProfile::Kind::Future);
    }
    void profiles()
    {
        QFETCH(QString, symbol);
        QFETCH(double, price);
        QFETCH(double, tickSize);
        QFETCH(int, kind);
        const InstrumentProfile profile = InstrumentProfile::forSymbol(symbol);
        QCOMPARE(profile.startPrice, price);
        QCOMPARE(profile.tickSize(), tickSize);
        QCOMPARE(int(profile.kind), kind);
        // The first ticks stay near the starting price.
        SyntheticFeed feed(makeConfig({symbol}));
        const Tick first = feed.generate(1).constFirst();
        QVERIFY2(std::abs(first.price / price - 1) < 0.01,
                 qPrintable(QString::number(first.price)));
    }

    void unknownSymbolsAreDeterministic_data()
    {
        QTest::addColumn<QString>("symbol");
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        QTest::newRow("stock") << u"ACME"_qs << int(InstrumentProfile::Kind::Stock) << 5.0 << 800.0;
        QTest::newRow("crypto") << u"FOO-USD"_qs << int(InstrumentProfile::Kind::Crypto) << 0.01
                                << 2000.0;
        QTest::newRow("fx") << u"SEKNOK"_qs << int(InstrumentProfile::Kind::Fx) << 0.5 << 2.0;
        QTest::newRow("fx jpy") << u"CAD/JPY"_qs << int(InstrumentProfile::Kind::Fx) << 80.0
                                << 200.0;
        QTest::newRow("future") << u"ZZ-FUT"_qs << int(InstrumentProfile::Kind::Future) << 20.0
                                << 5000.0;
    }
    void unknownSymbolsAreDeterministic()
    {
        QFETCH(QString, symbol);
        QFETCH(int, kind);
        QFETCH(double, low);
        QFETCH(double, high);
        QVERIFY(!InstrumentProfile::isKnown(symbol));
        const InstrumentProfile a = InstrumentProfile::forSymbol(symbol);
        const InstrumentProfile b = InstrumentProfile::forSymbol(QString(symbol)); // a copy
        QCOMPARE(a.startPrice, b.startPrice);
        QCOMPARE(int(a.kind), kind);
        QVERIFY2(a.startPrice >= low * 0.99 && a.startPrice <= high * 1.01,
                 qPrintable(QString::number(a.startPrice)));
        QVERIFY(onGrid(a.startPrice, a.tickUnits, a.tickScale));
        QVERIFY(a.startPrice > 0);
        // Another name, another price.
        QVERIFY(InstrumentProfile::forSymbol(symbol + u"X"_qs).startPrice != a.startPrice);
    }

    // The feed's output for 1,000,000 ticks: right count, all valid, shares as weighted. The
    // rate is printed, not asserted (the machine is shared).
    void generateOneMillion()
    {
        const QStringList symbols = defaultSymbols();
        SyntheticFeed feed(makeConfig(symbols, 1000, 11));
        QElapsedTimer timer;
        timer.start();
        const TickList ticks = feed.generate(1'000'000);
        const qint64 elapsedNs = std::max<qint64>(1, timer.nsecsElapsed());
        qInfo("generated 1000000 ticks in %.1f ms: %.0f ticks/s", double(elapsedNs) / 1e6,
              1e15 / double(elapsedNs));
        QCOMPARE(ticks.size(), 1'000'000);

        double totalWeight = 0;
        for (qsizetype i = 0; i < symbols.size(); ++i)
            totalWeight += feed.profile(i).weight;
        QHash<QString, qint64> counts;
        for (const Tick &tick : ticks) {
            const qsizetype index = symbols.indexOf(tick.symbol);
            if (index < 0)
                QFAIL(qPrintable(tick.symbol));
            const InstrumentProfile &profile = feed.profile(index);
            if (!(tick.price > 0) || !onGrid(tick.price, profile.tickUnits, profile.tickScale) ||
                !(tick.size > 0) || tick.seq != 0)
                QFAIL(qPrintable(u"%1 %2 %3"_qs.arg(tick.symbol).arg(tick.price).arg(tick.size)));
            ++counts[tick.symbol];
        }
        for (qsizetype i = 0; i < symbols.size(); ++i) {
            const double expected = 1e6 * feed.profile(i).weight / totalWeight;
            const double got = double(counts.value(symbols.at(i)));
            QVERIFY2(std::abs(got - expected) < 0.03 * expected,
                     qPrintable(u"%1: %2 ticks, expected about %3"_qs.arg(symbols.at(i))
                                    .arg(got)
                                    .arg(expected)));
        }
    }

    // Over simulated time the emitted count is exactly floor(rate * elapsed).
    void rateAccounting_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<qint64>("stepNs");
        QTest::addColumn<int>("steps");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("1000/s in 1.5 ms steps")
            << 1000.0 << qint64(1'500'000) << 1000 << qint64(1500);
        QTest::newRow("200/s in 2 ms steps for 10 s")
            << 200.0 << qint64(2'000'000) << 5000 << qint64(2000);
        QTest::newRow("0.5/s, 10 s") << 0.5 << qint64(100'000'000) << 100 << qint64(5);
        QTest::newRow("333/s in 3 ms steps, 3 s")
            << 333.0 << qint64(3'000'000) << 1000 << qint64(999);
        QTest::newRow("250000/s in 1 ms steps, 2 s")
            << 250000.0 << qint64(1'000'000) << 2000 << qint64(500000);
        QTest::newRow("idle") << 0.0 << qint64(1'000'000) << 100 << qint64(0);
    }
    void rateAccounting()
    {
        QFETCH(double, rate);
        QFETCH(qint64, stepNs);
        QFETCH(int, steps);
        QFETCH(qint64, expected);
        FakeClock clock;
        SyntheticFeed feed(makeConfig(defaultSymbols(), rate));
        feed.setClocks([&] { return clock.ns; }, [&] { return clock.wallUs; });
        QSignalSpy spy(&feed, &SyntheticFeed::ticks);
        feed.start();
        qint64 lastTime = 0;
        for (int i = 0; i < steps; ++i) {
            clock.ns += stepNs;
            clock.wallUs += stepNs / 1000;
            feed.poll();
        }
        feed.stop();
        QCOMPARE(countTicks(spy), expected);
        QCOMPARE(feed.emittedTicks(), expected);
        QCOMPARE(feed.droppedTicks(), 0);
        for (const QList<QVariant> &call : std::as_const(spy)) {
            for (const Tick &tick : call.at(0).value<TickList>()) {
                QVERIFY(tick.timeUs >= lastTime);
                QVERIFY(tick.timeUs <= clock.wallUs);
                lastTime = tick.timeUs;
            }
        }
    }

    // A stalled event loop gets at most maxBatch ticks, and the backlog is dropped.
    void stallDropsBacklog()
    {
        FakeClock clock;
        SyntheticFeedConfig config = makeConfig(defaultSymbols(), 100'000);
        config.maxBatch = 5000;
        SyntheticFeed feed(config);
        feed.setClocks([&] { return clock.ns; }, [&] { return clock.wallUs; });
        QSignalSpy spy(&feed, &SyntheticFeed::ticks);
        feed.start();
        clock.ns += 2'000'000'000; // 2 s stalled: 200,000 due
        feed.poll();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<TickList>().size(), 5000);
        QCOMPARE(feed.droppedTicks(), 195'000);
        clock.ns += 1'000'000; // then 1 ms: 100 ticks, no catching up
        feed.poll();
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(0).value<TickList>().size(), 100);
    }

    // While the server does not accept, nothing is generated and nothing piles up.
    void holdsBackWhenNotAccepting()
    {
        FakeClock clock;
        SyntheticFeed feed(makeConfig(defaultSymbols(), 1000));
        feed.setClocks([&] { return clock.ns; }, [&] { return clock.wallUs; });
        bool accepting = false;
        feed.setAccepting([&] { return accepting; });
        QSignalSpy spy(&feed, &SyntheticFeed::ticks);
        feed.start();
        for (int i = 0; i < 100; ++i) {
            clock.ns += 10'000'000;
            feed.poll();
        }
        QCOMPARE(spy.count(), 0);
        QCOMPARE(feed.droppedTicks(), 1000);
        accepting = true;
        clock.ns += 10'000'000;
        feed.poll();
        QCOMPARE(countTicks(spy), 10);

        feed.pause();
        clock.ns += 10'000'000;
        feed.poll();
        QCOMPARE(countTicks(spy), 10);
        feed.resume();
        clock.ns += 10'000'000;
        feed.poll();
        QCOMPARE(countTicks(spy), 20);
    }

    void setRateTakesEffect()
    {
        FakeClock clock;
        SyntheticFeed feed(makeConfig(defaultSymbols(), 1000));
        feed.setClocks([&] { return clock.ns; }, [&] { return clock.wallUs; });
        QSignalSpy spy(&feed, &SyntheticFeed::ticks);
        feed.start();
        clock.ns += 100'000'000;
        feed.setRate(0); // settles the 100 due at the old rate
        QCOMPARE(countTicks(spy), 100);
        QCOMPARE(feed.describe(), u"synthetic 0 ticks/s, 10 symbols"_qs);
        QVERIFY(feed.status().contains(u"idle"_qs));
        clock.ns += 100'000'000;
        feed.poll();
        QCOMPARE(countTicks(spy), 100);
        feed.setRate(50);
        clock.ns += 1'000'000'000;
        feed.poll();
        QCOMPARE(countTicks(spy), 150);
    }

    // With the real clock and timer: ticks flow, status and health follow start/stop.
    void runsWithRealTimer()
    {
        SyntheticFeed feed(makeConfig(defaultSymbols(), 2000));
        QSignalSpy spy(&feed, &SyntheticFeed::ticks);
        QSignalSpy health(&feed, &SyntheticFeed::healthChanged);
        QVERIFY(!feed.healthy());
        feed.start();
        QVERIFY(feed.isRunning());
        QVERIFY(feed.healthy());
        QVERIFY(feed.status().contains(u"running"_qs));
        QTRY_VERIFY_WITH_TIMEOUT(countTicks(spy) >= 50, 10000);
        feed.stop();
        QVERIFY(!feed.healthy());
        QCOMPARE(health.count(), 2);
        const qint64 count = countTicks(spy);
        QTest::qWait(20);
        QCOMPARE(countTicks(spy), count);
        QCOMPARE(feed.emittedTicks(), count);
    }
};

QTEST_GUILESS_MAIN(tst_SyntheticFeed)
#include "tst_syntheticfeed.moc"
