#include "auth/Base64Url.h"

#include <QRandomGenerator>
#include <QTest>

using tickscope::Base64Url;

class tst_Base64Url : public QObject
{
    Q_OBJECT
private slots:
    void vectors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("text");
        // RFC 4648 section 10, without padding.
        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("f") << QByteArray("f") << QByteArray("Zg");
        QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8");
        QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
        QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg");
        QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE");
        QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
        // The two characters where base64url differs from base64 (+/ -> -_).
        QTest::newRow("url alphabet") << QByteArray("\xfb\xff\xbf", 3) << QByteArray("-_-_");
        QTest::newRow("zero bytes") << QByteArray(4, '\0') << QByteArray("AAAAAA");
    }
    void vectors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, text);
        QCOMPARE(Base64Url::encode(bytes), text);
        QCOMPARE(Base64Url::encodeToString(bytes), QString::fromLatin1(text));
        const auto decoded = Base64Url::decode(text);
        QVERIFY(decoded.has_value());
        QCOMPARE(*decoded, bytes);
        const auto decodedString = Base64Url::decode(QStringView(QString::fromLatin1(text)));
        QVERIFY(decodedString.has_value());
        QCOMPARE(*decodedString, bytes);
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("padding ==") << u"Zg=="_qs;
        QTest::newRow("padding =") << u"Zm8="_qs;
        QTest::newRow("plus") << u"+_8"_qs;
        QTest::newRow("slash") << u"-/8"_qs;
        QTest::newRow("space inside") << u"Zm9v Yg"_qs;
        QTest::newRow("leading space") << u" Zm9v"_qs;
        QTest::newRow("trailing newline") << u"Zm9v\n"_qs;
        QTest::newRow("tab") << u"Zm\t9v"_qs;
        QTest::newRow("length 1 mod 4") << u"Z"_qs;
        QTest::newRow("length 5") << u"Zm9vY"_qs;
        QTest::newRow("dot") << u"Zm9v.g"_qs;
        QTest::newRow("non-ascii") << u"Zm9v\u00e9A"_qs;
        QTest::newRow("fullwidth Z") << u"\uff3am9v"_qs;
        QTest::newRow("nul") << u"Zm"_qs + QChar(u'\0') + u"9v"_qs;
        // "Zh" and "Zm9" decode to the same bytes as "Zg" and "Zm8" if the unused low
        // bits of the last character were ignored.
        QTest::newRow("non-canonical 2 chars") << u"Zh"_qs;
        QTest::newRow("non-canonical 3 chars") << u"Zm9"_qs;
        QTest::newRow("non-canonical last of 6") << u"Zm9vYh"_qs;
        QTest::newRow("non-canonical last of 7") << u"Zm9vYmF"_qs;
    }
    void rejects()
    {
        QFETCH(QString, text);
        QVERIFY(!Base64Url::decode(QStringView(text)).has_value());
        // Characters outside Latin-1 have no byte form; the rest must agree.
        if (text == QString::fromLatin1(text.toLatin1()))
            QVERIFY(!Base64Url::decode(QByteArrayView(text.toLatin1())).has_value());
    }

    void everyLastCharacterIsCanonicalOrRejected()
    {
        // For each 2- and 3-character text, decode succeeds exactly when re-encoding
        // gives the same text back.
        const QByteArray alphabet =
            QByteArrayLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
        int accepted = 0;
        for (const char a : alphabet) {
            for (const char b : alphabet) {
                const QByteArray text{QByteArray(1, a) + b};
                const auto decoded = Base64Url::decode(text);
                if (decoded) {
                    ++accepted;
                    QCOMPARE(Base64Url::encode(*decoded), text);
                }
            }
        }
        QCOMPARE(accepted, 256); // one text per byte value
    }

    void roundTripRandom()
    {
        QRandomGenerator random(20240607);
        for (int size = 0; size < 200; ++size) {
            QByteArray bytes(size, Qt::Uninitialized);
            for (char &c : bytes)
                c = static_cast<char>(random.bounded(256));
            const QByteArray text = Base64Url::encode(bytes);
            QCOMPARE(text, bytes.toBase64(QByteArray::Base64UrlEncoding |
                                          QByteArray::OmitTrailingEquals));
            const auto decoded = Base64Url::decode(text);
            QVERIFY(decoded.has_value());
            QCOMPARE(*decoded, bytes);
        }
    }
};

QTEST_GUILESS_MAIN(tst_Base64Url)
#include "tst_base64url.moc"
