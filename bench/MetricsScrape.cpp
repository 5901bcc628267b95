#include "MetricsScrape.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

namespace tickscope::bench {

std::optional<MetricsScrape> MetricsScrape::fetch(const QUrl &streamUrl, int timeoutMs,
                                                  QString *error)
{
    QUrl url;
    url.setScheme(u"http"_qs);
    url.setHost(streamUrl.host());
    url.setPort(streamUrl.port(80));
    url.setPath(u"/metrics"_qs);
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
        *error = u"GET %1: %2"_qs.arg(url.toString(), reply->errorString());
        return std::nullopt;
    }
    return parse(reply->readAll());
}

MetricsScrape MetricsScrape::parse(const QByteArray &text)
{
    MetricsScrape scrape;
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        // The value follows the last space; label values may hold spaces.
        const qsizetype space = line.lastIndexOf(' ');
        if (space <= 0)
            continue;
        bool ok = false;
        const double value = line.mid(space + 1).toDouble(&ok);
        if (ok)
            scrape.m_samples.insert(QString::fromUtf8(line.left(space)), value);
    }
    return scrape;
}

std::optional<double> MetricsScrape::value(const QString &sample) const
{
    const auto it = m_samples.constFind(sample);
    if (it == m_samples.constEnd())
        return std::nullopt;
    return *it;
}

QString MetricsScrape::label(const QString &name, const QString &label) const
{
    const QRegularExpression pattern(u"^%1\\{(?:.*,)?%2=\"((?:[^\"\\\\]|\\\\.)*)\""_qs.arg(
        QRegularExpression::escape(name), QRegularExpression::escape(label)));
    for (auto it = m_samples.constBegin(); it != m_samples.constEnd(); ++it) {
        const auto match = pattern.match(it.key());
        if (match.hasMatch())
            return match.captured(1);
    }
    return {};
}

} // namespace tickscope::bench
