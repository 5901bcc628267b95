#include "core/TickJson.h"
#include "history/TickCache.h"

#include <QTest>

using namespace tickscope;

namespace {
// A chunk of `symbol` holding q = first..last.
TickChunkPtr chunk(const QString &symbol, qint64 first, qint64 last)
{
    auto created = std::make_shared<TickChunk>();
    created->symbol = symbol;
    created->firstSeq = first;
    created->lastSeq = last;
    for (qint64 q = first; q <= last; ++q) {
        if (q != first)
            created->json.append(',');
        created->offsets.push_back(int(created->json.size()));
        TickJson::append(created->json, Tick{symbol, q, q * 10, double(q), 1.0});
    }
    return created;
}

QList<qint64> seqs(const QByteArray &json)
{
    QList<qint64> result;
    qsizetype pos = 0;
    while ((pos = json.indexOf("\"q\":", pos)) >= 0) {
        pos += 4;
        const qsizetype end = json.indexOf(',', pos);
        result.append(json.mid(pos, end - pos).toLongLong());
    }
    return result;
}

QList<qint64> range(qint64 first, qint64 last)
{
    QList<qint64> result;
    for (qint64 q = first; q <= last; ++q)
        result.append(q);
    return result;
}
} // namespace

class tst_TickCache : public QObject
{
    Q_OBJECT
private slots:
    void readAcrossChunks_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("maxTicks");
        QTest::addColumn<QList<qint64>>("expected");
        QTest::newRow("all") << qint64(1) << qint64(100) << range(1, 30);
        QTest::newRow("mid chunk") << qint64(5) << qint64(100) << range(5, 30);
        QTest::newRow("chunk boundary") << qint64(11) << qint64(100) << range(11, 30);
        QTest::newRow("limited") << qint64(8) << qint64(5) << range(8, 12);
        QTest::newRow("last tick") << qint64(30) << qint64(100) << range(30, 30);
        QTest::newRow("past the end") << qint64(31) << qint64(100) << QList<qint64>();
        QTest::newRow("before the start") << qint64(0) << qint64(100) << QList<qint64>();
    }
    void readAcrossChunks()
    {
        QFETCH(qint64, from);
        QFETCH(qint64, maxTicks);
        QFETCH(QList<qint64>, expected);
        TickCache cache(1 << 20);
        cache.add(chunk(u"A"_qs, 1, 10));
        cache.add(chunk(u"B"_qs, 1, 3));
        cache.add(chunk(u"A"_qs, 11, 20));
        cache.add(chunk(u"A"_qs, 21, 30));
        QByteArray out;
        const qint64 count = cache.read(u"A"_qs, from, maxTicks, 1 << 20, out);
        QCOMPARE(count, expected.size());
        QCOMPARE(seqs(out), expected);
    }

    void byteBudgetMakesProgress()
    {
        TickCache cache(1 << 20);
        cache.add(chunk(u"A"_qs, 1, 100));
        QByteArray out;
        // A budget smaller than one tick still returns one tick.
        QCOMPARE(cache.read(u"A"_qs, 1, 100, 10, out), 1);
        QCOMPARE(seqs(out), range(1, 1));
        out.clear();
        const qint64 tickBytes = TickJson::toJson(Tick{u"A"_qs, 50, 500, 50.0, 1.0}).size();
        const qint64 n = cache.read(u"A"_qs, 50, 100, tickBytes * 5 + 4, out);
        QVERIFY2(n >= 4 && n <= 5, qPrintable(QString::number(n)));
        QVERIFY(out.size() <= tickBytes * 5 + 4);
        QCOMPARE(seqs(out), range(50, 50 + n - 1));
    }

    void appendsWithComma()
    {
        TickCache cache(1 << 20);
        cache.add(chunk(u"A"_qs, 1, 2));
        QByteArray out = "X";
        QCOMPARE(cache.read(u"A"_qs, 1, 10, 1 << 20, out), 2);
        QVERIFY(out.startsWith("X,{"));
    }

    void evictsOldestWithinBudget()
    {
        const auto size = [](const TickChunkPtr &c) {
            return c->json.size() + qint64(c->offsets.size() * sizeof(int));
        };
        const auto b = chunk(u"B"_qs, 1, 10);
        const auto a2 = chunk(u"A"_qs, 11, 20);
        const qint64 budget = size(b) + size(a2);
        TickCache cache(budget);
        cache.add(chunk(u"A"_qs, 1, 10));
        cache.add(b);
        cache.add(a2);
        QCOMPARE(cache.bytes(), budget);
        QCOMPARE(cache.oldestSeq(u"A"_qs), 11);
        QCOMPARE(cache.oldestSeq(u"B"_qs), 1);
        QByteArray out;
        QCOMPARE(cache.read(u"A"_qs, 5, 10, 1 << 20, out), 0);
    }

    void dropBefore()
    {
        TickCache cache(1 << 20);
        cache.add(chunk(u"A"_qs, 1, 10));
        cache.add(chunk(u"A"_qs, 11, 20));
        const qint64 before = cache.bytes();
        cache.dropBefore(u"A"_qs, 15);
        QCOMPARE(cache.oldestSeq(u"A"_qs), 11); // a chunk is kept while it holds q >= 15
        QVERIFY(cache.bytes() < before);
        cache.dropBefore(u"A"_qs, 21);
        QCOMPARE(cache.oldestSeq(u"A"_qs), 0);
        QCOMPARE(cache.bytes(), 0);
        // Dropped chunks are not evicted twice.
        cache.add(chunk(u"A"_qs, 21, 30));
        QVERIFY(cache.bytes() > 0);
    }
};

QTEST_GUILESS_MAIN(tst_TickCache)
#include "tst_tickcache.moc"
