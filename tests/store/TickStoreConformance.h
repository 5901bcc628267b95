// The TickStore contract, run against every backend: each case runs once per backend that a
// derived test class names (tst_TickStore: memory, sqlite; tst_RedisTickStore: redis,
// redis-cluster), so they all accept, number and keep ticks alike. QTest::qExec runs these
// inherited private slots; the derived class supplies the stores and any per-test setup.
// Header-only (every member is inline) so both test targets can list it for AUTOMOC.
#pragma once

#include "store/TickStore.h"

#include <QObject>
#include <QStringList>
#include <QTest>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <tuple>

Q_DECLARE_METATYPE(tickscope::Tick)

namespace tickscope {
// Readable QCOMPARE failures.
inline char *toString(const Tick &t)
{
    return qstrdup(QStringLiteral("Tick(%1, q %2, t %3, p %4, v %5)")
                       .arg(t.symbol)
                       .arg(t.seq)
                       .arg(t.timeUs)
                       .arg(t.price, 0, 'g', 17)
                       .arg(t.size, 0, 'g', 17)
                       .toUtf8()
                       .constData());
}
inline char *toString(const SymbolState &s)
{
    return qstrdup(QStringLiteral("SymbolState(%1, first %2, last %3, t %4, p %5)")
                       .arg(s.symbol)
                       .arg(s.firstSeq)
                       .arg(s.lastSeq)
                       .arg(s.lastTimeUs)
                       .arg(s.lastPrice, 0, 'g', 17)
                       .toUtf8()
                       .constData());
}
} // namespace tickscope

class TickStoreConformance : public QObject
{
    Q_OBJECT

protected:
    using Tick = tickscope::Tick;
    using TickList = tickscope::TickList;
    using TickStore = tickscope::TickStore;
    using SymbolState = tickscope::SymbolState;
    using RetentionPolicy = tickscope::RetentionPolicy;

    // The backend names every case runs for; each is one data row.
    virtual QStringList backends() const = 0;
    // A store of `backend`, not opened yet.
    virtual std::unique_ptr<TickStore> make(const QString &backend) = 0;
    // Another store of `backend` that holds another history than make()'s.
    virtual std::unique_ptr<TickStore> makeOther(const QString &backend) = 0;
    // What kind() of a store of `backend` says.
    virtual QString expectedKind(const QString &backend) const = 0;

    std::unique_ptr<TickStore> opened(const QString &backend)
    {
        auto store = make(backend);
        QString error;
        if (!store->open(&error))
            qWarning("open failed: %s", qPrintable(error));
        return store;
    }

    void addBackends() const
    {
        QTest::addColumn<QString>("backend");
        for (const QString &backend : backends())
            QTest::newRow(qPrintable(backend)) << backend;
    }

    static Tick tick(const QString &symbol, qint64 timeUs, double price, double size = 1.0)
    {
        return Tick{symbol, 0, timeUs, price, size};
    }

    static TickList readAll(TickStore &store, const QString &symbol)
    {
        TickList out;
        QString error;
        if (!store.read(symbol, 0, std::numeric_limits<int>::max(), &out, &error))
            qWarning("read failed: %s", qPrintable(error));
        return out;
    }

    // Appends `count` ticks of `symbol` with times base, base+1, ...
    static bool appendSeries(TickStore &store, const QString &symbol, int count, qint64 base)
    {
        TickList ticks;
        for (int i = 0; i < count; ++i)
            ticks.append(tick(symbol, base + i, 100.0 + i));
        QString error;
        const bool ok = store.append(ticks, &error);
        if (!ok)
            qWarning("append failed: %s", qPrintable(error));
        return ok;
    }

private slots:
    void openGivesEpoch_data() { addBackends(); }
    void openGivesEpoch()
    {
        QFETCH(QString, backend);
        auto store = make(backend);
        QCOMPARE(store->kind(), expectedKind(backend));
        QVERIFY(!store->isAvailable());
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        QVERIFY(store->isAvailable());
        // A UUID without braces: 36 characters, 128 bits.
        QCOMPARE(store->epoch().size(), 36);
        QVERIFY(!store->epoch().startsWith(u'{'));
        QVERIFY(store->symbols().isEmpty());
        QVERIFY(!store->symbol(u"BTC-USD"_qs).has_value());
        // Opening twice is harmless.
        const QString epoch = store->epoch();
        QVERIFY(store->open(&error));
        QCOMPARE(store->epoch(), epoch);
    }

    void epochsDiffer_data() { addBackends(); }
    void epochsDiffer()
    {
        QFETCH(QString, backend);
        auto first = opened(backend);
        std::unique_ptr<TickStore> second = makeOther(backend);
        QVERIFY(second->open(nullptr));
        QVERIFY(first->epoch() != second->epoch());
    }

    void notOpen_data() { addBackends(); }
    void notOpen()
    {
        QFETCH(QString, backend);
        auto store = make(backend);
        TickList ticks{tick(u"A"_qs, 1, 1.0)};
        QString error;
        QVERIFY(!store->append(ticks, &error));
        QVERIFY2(error.contains(u"not open"_qs), qPrintable(error));
        QCOMPARE(ticks.first().seq, 0);
        TickList out{tick(u"junk"_qs, 1, 1.0)};
        QVERIFY(!store->read(u"A"_qs, 1, 10, &out, &error));
        QVERIFY(out.isEmpty());
        QCOMPARE(store->trim(RetentionPolicy{10, 0}, 0, &error), -1);
    }

    void appendAssignsContiguousQ_data() { addBackends(); }
    void appendAssignsContiguousQ()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        TickList ticks{tick(u"A"_qs, 10, 1.5), tick(u"B"_qs, 11, 2.5), tick(u"A"_qs, 12, 1.6),
                       tick(u"A"_qs, 13, 1.7), tick(u"B"_qs, 14, 2.6, 0.0)};
        QString error;
        QVERIFY2(store->append(ticks, &error), qPrintable(error));
        const QList<qint64> seqs{1, 1, 2, 3, 2};
        for (int i = 0; i < ticks.size(); ++i)
            QCOMPARE(ticks.at(i).seq, seqs.at(i));

        TickList more{tick(u"B"_qs, 20, 2.7), tick(u"A"_qs, 21, 1.8), tick(u"C"_qs, 22, 9.0)};
        QVERIFY2(store->append(more, &error), qPrintable(error));
        QCOMPARE(more.at(0).seq, 3);
        QCOMPARE(more.at(1).seq, 4);
        QCOMPARE(more.at(2).seq, 1);

        const QList<SymbolState> expected{
            SymbolState{u"A"_qs, 1, 4, 21, 1.8},
            SymbolState{u"B"_qs, 1, 3, 20, 2.7},
            SymbolState{u"C"_qs, 1, 1, 22, 9.0},
        };
        QCOMPARE(store->symbols(), expected); // sorted by symbol
        QCOMPARE(store->symbol(u"B"_qs), std::optional<SymbolState>(expected.at(1)));

        const TickList a = readAll(*store, u"A"_qs);
        const TickList expectedA{Tick{u"A"_qs, 1, 10, 1.5, 1.0}, Tick{u"A"_qs, 2, 12, 1.6, 1.0},
                                 Tick{u"A"_qs, 3, 13, 1.7, 1.0}, Tick{u"A"_qs, 4, 21, 1.8, 1.0}};
        QCOMPARE(a, expectedA);
        const TickList b = readAll(*store, u"B"_qs);
        QCOMPARE(b.size(), 3);
        QCOMPARE(b.at(1), (Tick{u"B"_qs, 2, 14, 2.6, 0.0}));
    }

    void appendEmpty_data() { addBackends(); }
    void appendEmpty()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        TickList none;
        QString error;
        QVERIFY2(store->append(none, &error), qPrintable(error));
        QVERIFY(store->symbols().isEmpty());
    }

    void appendRejectsBadTicks_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<Tick>("bad");
        QTest::addColumn<QString>("message");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        for (const QString &backend : backends()) {
            const QByteArray b = backend.toLatin1();
            QTest::addRow("%s: empty symbol", b.data())
                << backend << tick(QString(), 1, 1.0) << u"symbol ''"_qs;
            QTest::addRow("%s: bad symbol", b.data())
                << backend << tick(u"BTC USD"_qs, 1, 1.0) << u"symbol 'BTC USD'"_qs;
            QTest::addRow("%s: NaN price", b.data())
                << backend << tick(u"X"_qs, 1, nan) << u"price nan is not a finite"_qs;
            QTest::addRow("%s: infinite price", b.data())
                << backend << tick(u"X"_qs, 1, -inf) << u"price -inf is not a finite"_qs;
            QTest::addRow("%s: infinite size", b.data())
                << backend << tick(u"X"_qs, 1, 1.0, inf) << u"size inf is not a finite"_qs;
        }
    }
    void appendRejectsBadTicks()
    {
        QFETCH(QString, backend);
        QFETCH(Tick, bad);
        QFETCH(QString, message);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 2, 1));
        const QList<SymbolState> before = store->symbols();

        // The bad tick is the third: the two good ones before it must not get a q.
        TickList ticks{tick(u"X"_qs, 5, 1.0), tick(u"Y"_qs, 6, 1.0), bad, tick(u"X"_qs, 7, 1.0)};
        QString error;
        QVERIFY(!store->append(ticks, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(error.contains(u"tick 2"_qs), qPrintable(error));
        for (const Tick &t : ticks)
            QCOMPARE(t.seq, 0);
        QCOMPARE(store->symbols(), before);
        QVERIFY(store->isAvailable()); // bad input is not a store failure

        TickList good{tick(u"X"_qs, 8, 1.0)};
        QVERIFY(store->append(good, &error));
        QCOMPARE(good.first().seq, 3);
        QCOMPARE(readAll(*store, u"X"_qs).size(), 3);
        QCOMPARE(readAll(*store, u"Y"_qs).size(), 0);
    }

    void exactDoubles_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<double>("price");
        QTest::addColumn<double>("size");
        QTest::addColumn<qint64>("timeUs");
        const QList<std::tuple<const char *, double, double, qint64>> values{
            {"0.1+0.2", 0.1 + 0.2, 0.1, 1},
            {"tiny", 1e-300, 1e-300, 2},
            {"denormal", 5e-324, 4.9406564584124654e-324, 3},
            {"max", DBL_MAX, DBL_MAX, 4},
            {"lowest", -DBL_MAX, 0.0, 5},
            {"2^53+2", 9007199254740994.0, 9007199254740992.0, (qint64(1) << 53) - 1},
            {"integral", 123.0, 1e18, 0},
            {"above int64", 1e19, 9.3e18, 7},
            {"negative", -1.5, 2.5, 8},
            {"pi", 3.141592653589793, 2.718281828459045, 1'763'790'000'123'456},
        };
        for (const QString &backend : backends()) {
            for (const auto &[name, price, size, time] : values) {
                QTest::addRow("%s: %s", qPrintable(backend), name)
                    << backend << price << size << time;
            }
        }
    }
    void exactDoubles()
    {
        QFETCH(QString, backend);
        QFETCH(double, price);
        QFETCH(double, size);
        QFETCH(qint64, timeUs);
        auto store = opened(backend);
        TickList ticks{Tick{u"X"_qs, 0, timeUs, price, size}};
        QString error;
        QVERIFY2(store->append(ticks, &error), qPrintable(error));
        const TickList back = readAll(*store, u"X"_qs);
        QCOMPARE(back.size(), 1);
        // Bitwise: QCOMPARE on doubles is fuzzy.
        QVERIFY(std::memcmp(&back.first().price, &price, sizeof price) == 0);
        QVERIFY(std::memcmp(&back.first().size, &size, sizeof size) == 0);
        QCOMPARE(back.first().timeUs, timeUs);
        QVERIFY(std::memcmp(&store->symbol(u"X"_qs)->lastPrice, &price, sizeof price) == 0);

        // And after a reopen (the memory store keeps its content across close/open).
        store->close();
        QVERIFY2(store->open(&error), qPrintable(error));
        const TickList again = readAll(*store, u"X"_qs);
        QCOMPARE(again.size(), 1);
        QVERIFY(std::memcmp(&again.first().price, &price, sizeof price) == 0);
        QVERIFY(std::memcmp(&again.first().size, &size, sizeof size) == 0);
    }

    void negativeZeroIsZero_data() { addBackends(); }
    void negativeZeroIsZero()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        TickList ticks{tick(u"X"_qs, 1, -0.0, -0.0)};
        QVERIFY(store->append(ticks, nullptr));
        QVERIFY(!std::signbit(ticks.first().price)); // written back as stored
        QVERIFY(!std::signbit(ticks.first().size));
        const TickList back = readAll(*store, u"X"_qs);
        QCOMPARE(back.size(), 1);
        QVERIFY(!std::signbit(back.first().price));
        QVERIFY(!std::signbit(back.first().size));
    }

    void read_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<qint64>("from");
        QTest::addColumn<int>("limit");
        QTest::addColumn<qint64>("firstQ"); // of the result
        QTest::addColumn<int>("count");
        for (const QString &backend : backends()) {
            const QByteArray b = backend.toLatin1();
            // 10 ticks, q 1..10.
            QTest::addRow("%s: from 0", b.data()) << backend << qint64(0) << 100 << qint64(1) << 10;
            QTest::addRow("%s: negative from", b.data())
                << backend << qint64(-5) << 3 << qint64(1) << 3;
            QTest::addRow("%s: from 1 limit 1", b.data())
                << backend << qint64(1) << 1 << qint64(1) << 1;
            QTest::addRow("%s: middle", b.data()) << backend << qint64(4) << 3 << qint64(4) << 3;
            QTest::addRow("%s: to the end", b.data())
                << backend << qint64(8) << 100 << qint64(8) << 3;
            QTest::addRow("%s: last", b.data()) << backend << qint64(10) << 5 << qint64(10) << 1;
            QTest::addRow("%s: after last", b.data())
                << backend << qint64(11) << 5 << qint64(0) << 0;
            QTest::addRow("%s: far after", b.data())
                << backend << qint64(1'000'000) << 5 << qint64(0) << 0;
            QTest::addRow("%s: limit 0", b.data()) << backend << qint64(1) << 0 << qint64(0) << 0;
            QTest::addRow("%s: negative limit", b.data())
                << backend << qint64(1) << -1 << qint64(0) << 0;
        }
    }
    void read()
    {
        QFETCH(QString, backend);
        QFETCH(qint64, from);
        QFETCH(int, limit);
        QFETCH(qint64, firstQ);
        QFETCH(int, count);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 10, 1000));
        QVERIFY(appendSeries(*store, u"Y"_qs, 3, 5000));
        TickList out{tick(u"stale"_qs, 1, 1.0)}; // replaced, not appended to
        QString error;
        QVERIFY2(store->read(u"X"_qs, from, limit, &out, &error), qPrintable(error));
        QCOMPARE(out.size(), count);
        for (int i = 0; i < out.size(); ++i) {
            const qint64 q = firstQ + i;
            QCOMPARE(out.at(i), (Tick{u"X"_qs, q, 1000 + q - 1, 100.0 + double(q - 1), 1.0}));
        }
    }

    void readUnknownSymbol_data() { addBackends(); }
    void readUnknownSymbol()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 3, 1));
        TickList out{tick(u"stale"_qs, 1, 1.0)};
        QString error;
        QVERIFY(store->read(u"NOPE"_qs, 1, 10, &out, &error));
        QVERIFY(out.isEmpty());
    }

    void trimByCount_data() { addBackends(); }
    void trimByCount()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 10, 1));
        QVERIFY(appendSeries(*store, u"Y"_qs, 3, 1));
        QString error;
        QCOMPARE(store->trim(RetentionPolicy{4, 0}, 1'000'000, &error), 6);
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 7);
        QCOMPARE(store->symbol(u"X"_qs)->lastSeq, 10);
        QCOMPARE(store->symbol(u"Y"_qs)->firstSeq, 1); // under the limit
        // Reading from before the retained range starts at firstSeq.
        TickList out;
        QVERIFY(store->read(u"X"_qs, 1, 2, &out, &error));
        QCOMPARE(out.size(), 2);
        QCOMPARE(out.at(0).seq, 7);
        QCOMPARE(out.at(1).seq, 8);
        QCOMPARE(out.at(0).timeUs, 7);
        // Nothing more to drop.
        QCOMPARE(store->trim(RetentionPolicy{4, 0}, 1'000'000, &error), 0);
        // No limit at all.
        QCOMPARE(store->trim(RetentionPolicy{}, 1'000'000, &error), 0);
        // New ticks continue q; the count window slides.
        QVERIFY(appendSeries(*store, u"X"_qs, 2, 100));
        QCOMPARE(store->trim(RetentionPolicy{4, 0}, 1'000'000, &error), 2);
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 9);
        QCOMPARE(store->symbol(u"X"_qs)->lastSeq, 12);
        QCOMPARE(readAll(*store, u"X"_qs).size(), 4);
    }

    void trimByAge_data() { addBackends(); }
    void trimByAge()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 10, 100)); // t 100..109
        QString error;
        // now 110, max age 5: t < 105 goes.
        QCOMPARE(store->trim(RetentionPolicy{0, 5}, 110, &error), 5);
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 6);
        const TickList rest = readAll(*store, u"X"_qs);
        QCOMPARE(rest.size(), 5);
        QCOMPARE(rest.first().timeUs, 105);
        QCOMPARE(store->trim(RetentionPolicy{0, 5}, 110, &error), 0);
    }

    void trimByAgeKeepsHistoryContiguous_data() { addBackends(); }
    void trimByAgeKeepsHistoryContiguous()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        // An old tick after a young one stays until the young one expires: no holes.
        TickList ticks{tick(u"X"_qs, 1, 1.0), tick(u"X"_qs, 100, 1.0), tick(u"X"_qs, 2, 1.0),
                       tick(u"X"_qs, 200, 1.0)};
        QVERIFY(store->append(ticks, nullptr));
        QString error;
        QCOMPARE(store->trim(RetentionPolicy{0, 100}, 150, &error), 1); // cutoff 50
        const TickList rest = readAll(*store, u"X"_qs);
        QCOMPARE(rest.size(), 3);
        QCOMPARE(rest.at(0).seq, 2);
        QCOMPARE(rest.at(1).seq, 3);
        QCOMPARE(rest.at(1).timeUs, 2);
        QCOMPARE(store->trim(RetentionPolicy{0, 100}, 250, &error), 2); // cutoff 150
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 4);
    }

    void trimBothAxes_data() { addBackends(); }
    void trimBothAxes()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"A"_qs, 10, 100)); // count cuts more
        QVERIFY(appendSeries(*store, u"B"_qs, 10, 0));   // age cuts more
        QString error;
        // Keep at most 6 per symbol, and t >= 105.
        QCOMPARE(store->trim(RetentionPolicy{6, 5}, 110, &error), 5 + 10);
        QCOMPARE(store->symbol(u"A"_qs)->firstSeq, 6);
        QCOMPARE(store->symbol(u"B"_qs)->firstSeq, 0);
        QCOMPARE(store->symbol(u"B"_qs)->lastSeq, 10);
    }

    void trimEverything_data() { addBackends(); }
    void trimEverything()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 5, 1));
        QString error;
        QCOMPARE(store->trim(RetentionPolicy{0, 10}, 1000, &error), 5);
        const SymbolState emptied = *store->symbol(u"X"_qs);
        QCOMPARE(emptied.firstSeq, 0);
        QCOMPARE(emptied.lastSeq, 5); // q is never reused
        QCOMPARE(emptied.lastTimeUs, 5);
        QVERIFY(readAll(*store, u"X"_qs).isEmpty());
        QCOMPARE(store->trim(RetentionPolicy{0, 10}, 1000, &error), 0);

        store->close();
        QVERIFY2(store->open(&error), qPrintable(error));
        QCOMPARE(store->symbol(u"X"_qs), std::optional<SymbolState>(emptied));

        TickList next{tick(u"X"_qs, 2000, 7.0)};
        QVERIFY(store->append(next, &error));
        QCOMPARE(next.first().seq, 6);
        QCOMPARE(store->symbol(u"X"_qs)->firstSeq, 6);
        QCOMPARE(readAll(*store, u"X"_qs).size(), 1);
    }

    void trimRejectsNegativePolicy_data() { addBackends(); }
    void trimRejectsNegativePolicy()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 5, 1));
        QString error;
        QCOMPARE(store->trim(RetentionPolicy{-1, 0}, 1000, &error), -1);
        QVERIFY2(error.contains(u"-1"_qs), qPrintable(error));
        QCOMPARE(store->trim(RetentionPolicy{0, -7}, 1000, &error), -1);
        QVERIFY2(error.contains(u"-7"_qs), qPrintable(error));
        QCOMPARE(readAll(*store, u"X"_qs).size(), 5);
    }

    void reopenKeepsHistory_data() { addBackends(); }
    void reopenKeepsHistory()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        QVERIFY(appendSeries(*store, u"X"_qs, 5, 1));
        const QString epoch = store->epoch();
        const QList<SymbolState> symbols = store->symbols();
        store->close();
        QVERIFY(!store->isAvailable());
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        QCOMPARE(store->epoch(), epoch);
        QCOMPARE(store->symbols(), symbols);
        TickList next{tick(u"X"_qs, 9, 1.0)};
        QVERIFY(store->append(next, &error));
        QCOMPARE(next.first().seq, 6);
    }

    void manySymbols_data() { addBackends(); }
    void manySymbols()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        // 1000 symbols, 3 ticks each, interleaved in one batch.
        TickList ticks;
        for (int round = 0; round < 3; ++round) {
            for (int s = 0; s < 1000; ++s)
                ticks.append(tick(u"S%1"_qs.arg(s, 4, 10, QChar(u'0')), round, s + round / 10.0));
        }
        QString error;
        QVERIFY2(store->append(ticks, &error), qPrintable(error));
        for (int i = 0; i < ticks.size(); ++i)
            QCOMPARE(ticks.at(i).seq, i / 1000 + 1);
        const QList<SymbolState> symbols = store->symbols();
        QCOMPARE(symbols.size(), 1000);
        QCOMPARE(symbols.first().symbol, u"S0000"_qs);
        QCOMPARE(symbols.last().symbol, u"S0999"_qs);
        for (const SymbolState &state : symbols) {
            QCOMPARE(state.firstSeq, 1);
            QCOMPARE(state.lastSeq, 3);
            QCOMPARE(state.lastTimeUs, 2);
        }
        const TickList s500 = readAll(*store, u"S0500"_qs);
        QCOMPARE(s500.size(), 3);
        QCOMPARE(s500.at(2).price, 500.2);
    }

    void batchesOf5000_data() { addBackends(); }
    void batchesOf5000()
    {
        QFETCH(QString, backend);
        auto store = opened(backend);
        constexpr int Symbols = 20;
        constexpr int Batches = 10;
        constexpr int BatchSize = 5000;
        qint64 k = 0;
        for (int b = 0; b < Batches; ++b) {
            TickList ticks;
            ticks.reserve(BatchSize);
            for (int i = 0; i < BatchSize; ++i, ++k)
                ticks.append(tick(u"SYM-%1"_qs.arg(k % Symbols), k, double(k), 0.5));
            QString error;
            QVERIFY2(store->append(ticks, &error), qPrintable(error));
            QCOMPARE(ticks.last().seq, (k - 1) / Symbols + 1);
        }
        // Replay in pages: every q once, in order, with the values it was given.
        constexpr qint64 PerSymbol = qint64(Batches) * BatchSize / Symbols;
        for (int s = 0; s < Symbols; ++s) {
            const QString symbol = u"SYM-%1"_qs.arg(s);
            QCOMPARE(store->symbol(symbol)->lastSeq, PerSymbol);
            qint64 next = 1;
            TickList page;
            while (true) {
                QString error;
                QVERIFY2(store->read(symbol, next, 999, &page, &error), qPrintable(error));
                if (page.isEmpty())
                    break;
                for (const Tick &t : page) {
                    QCOMPARE(t.seq, next);
                    QCOMPARE(t.timeUs, (next - 1) * Symbols + s);
                    QCOMPARE(t.price, double(t.timeUs));
                    ++next;
                }
            }
            QCOMPARE(next, PerSymbol + 1);
        }
    }
};
