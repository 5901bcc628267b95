#include "ServerHost.h"

#include "core/Symbol.h"
#include "metrics/ServerMetrics.h"
#include "runtime/ServerRuntime.h"
#include "stream/StreamServer.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QPointer>
#include <QThread>
#include <QUrl>

namespace tickscope {

namespace {
QString shellQuote(const QString &text)
{
    QString out = text;
    out.replace(u'\'', u"'\\''"_qs);
    return u"'"_qs + out + u"'"_qs;
}
} // namespace

ServerHost::ServerHost(ServerConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config))
{
    m_feedStatus = m_config.feed == FeedKind::None ? u"none"_qs
                   : m_config.feed == FeedKind::Synthetic
                       ? u"synthetic, %1 ticks/s, %2 symbols"_qs.arg(m_config.rate)
                             .arg(m_config.symbols.size())
                       : u"relay from %1"_qs.arg(m_config.feedUrl.toDisplayString(
                             QUrl::RemoveUserInfo | QUrl::RemoveQuery));
    m_pollTimer.setInterval(1000);
    connect(&m_pollTimer, &QTimer::timeout, this, &ServerHost::poll);
}

ServerHost::~ServerHost()
{
    if (m_thread) {
        // Normally shutdown() ran first; this is the last resort on an abnormal exit.
        inServerThread([this] {
            delete m_runtime;
            m_runtime = nullptr;
        });
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
    }
}

template <typename F> void ServerHost::inServerThread(F &&function)
{
    QMetaObject::invokeMethod(m_context, std::forward<F>(function), Qt::QueuedConnection);
}

QString ServerHost::storeKind() const
{
    switch (m_config.store) {
    case StoreKind::Sqlite:
        return u"sqlite"_qs;
    case StoreKind::Memory:
        return u"memory"_qs;
    case StoreKind::Redis:
        return u"redis"_qs;
    }
    return {};
}

QString ServerHost::listenAddress() const
{
    const QUrl url(m_url);
    if (!url.isValid() || url.port() <= 0)
        return u"%1:%2"_qs.arg(m_config.listenHost).arg(m_config.listenPort);
    return u"%1:%2"_qs.arg(url.host()).arg(url.port());
}

bool ServerHost::loopbackOnly() const
{
    return m_config.listenAddress.isLoopback();
}

void ServerHost::start()
{
    if (m_thread)
        return;
    m_thread = new QThread;
    m_thread->setObjectName(u"server"_qs);
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start();

    QPointer<ServerHost> self(this);
    inServerThread([this, self] {
        m_runtime = new ServerRuntime(m_config);
        connect(m_runtime, &ServerRuntime::feedStatusChanged, this, [this](const QString &s) {
            m_feedStatus = s;
            emit statsChanged();
        });
        ServerMetrics *metrics = m_runtime->metrics();
        m_runtime->start([this, self, metrics](const QString &error) {
            QString url;
            QString token;
            if (error.isEmpty()) {
                url = m_runtime->url();
                if (!m_config.insecure)
                    token = m_runtime->mintToken(u"tickscope-desktop"_qs, {u"read"_qs}, qint64{30} * 86400,
                                                 std::nullopt, QString(TierLimits::UnlimitedTier));
            } else {
                delete m_runtime;
                m_runtime = nullptr;
            }
            QMetaObject::invokeMethod(
                self,
                [this, error, url, token, metrics] {
                    if (!error.isEmpty()) {
                        m_error = error;
                        emit stateChanged();
                        emit failed(error);
                        return;
                    }
                    m_running = true;
                    m_url = url;
                    m_metrics = metrics;
                    m_inTotal = metrics->ticksIngestedTotal();
                    m_outTotal = metrics->ticksSentTotal();
                    m_rateClock.start();
                    m_pollTimer.start();
                    emit stateChanged();
                    emit started(url, token);
                    poll();
                },
                Qt::QueuedConnection);
        });
    });
}

void ServerHost::shutdown(std::function<void()> done)
{
    m_pollTimer.stop();
    if (!m_thread) {
        done();
        return;
    }
    QPointer<ServerHost> self(this);
    auto finish = [this, self, done = std::move(done)] {
        if (!self)
            return;
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        m_running = false;
        m_metrics = nullptr;
        emit stateChanged();
        done();
    };
    inServerThread([this, self, finish = std::move(finish)]() mutable {
        if (!m_runtime) {
            QMetaObject::invokeMethod(self, std::move(finish), Qt::QueuedConnection);
            return;
        }
        m_runtime->shutdown([this, self, finish = std::move(finish)]() mutable {
            // Not deleted from inside shutdown's callback, and only once the closed viewer
            // sessions are gone: a session deleted after the server's hub crashes.
            auto release = std::make_shared<std::function<void(int)>>();
            *release = [this, self, finish = std::move(finish), release](int triesLeft) mutable {
                const bool viewersLeft =
                    m_runtime->server() && m_runtime->server()->viewerCount() > 0;
                if (viewersLeft && triesLeft > 0) {
                    QTimer::singleShot(20, m_context,
                                       [release, triesLeft] { (*release)(triesLeft - 1); });
                    return;
                }
                QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
                delete m_runtime;
                m_runtime = nullptr;
                QMetaObject::invokeMethod(self, std::move(finish), Qt::QueuedConnection);
                *release = nullptr; // breaks the cycle
            };
            QTimer::singleShot(0, m_context, [release] { (*release)(150); });
        });
    });
}

void ServerHost::poll()
{
    if (!m_running || m_polling)
        return;
    if (m_metrics) {
        const double seconds = std::max(0.001, double(m_rateClock.restart()) / 1000.0);
        const double in = m_metrics->ticksIngestedTotal();
        const double out = m_metrics->ticksSentTotal();
        m_inRate = std::max(0.0, in - m_inTotal) / seconds;
        m_outRate = std::max(0.0, out - m_outTotal) / seconds;
        m_inTotal = in;
        m_outTotal = out;
        m_redisUp = m_metrics->redisUp();
    }
    m_polling = true;
    QPointer<ServerHost> self(this);
    inServerThread([this, self] {
        QList<StreamServer::ViewerInfo> viewers;
        QString notReady = u"stopped"_qs;
        if (m_runtime && m_runtime->server()) {
            viewers = m_runtime->server()->viewers();
            notReady = m_runtime->server()->notReadyReason();
        }
        QMetaObject::invokeMethod(
            self,
            [this, viewers = std::move(viewers), notReady]() mutable {
                m_polling = false;
                m_viewerCount = int(viewers.size());
                m_storeStatus = notReady;
                m_viewers.setViewers(std::move(viewers), QDateTime::currentMSecsSinceEpoch());
                emit statsChanged();
            },
            Qt::QueuedConnection);
    });
}

void ServerHost::requestShare(int ttlSeconds, const QString &symbols, const QString &subject)
{
    if (!m_running) {
        emit shareFailed(u"The embedded server is not running."_qs);
        return;
    }
    if (m_config.insecure) {
        emit shareFailed(u"The server runs without authentication (insecure mode): "
                         "viewers need no token."_qs);
        return;
    }
    if (ttlSeconds < 60 || ttlSeconds > 90 * 86400) {
        emit shareFailed(
            u"A shared token lives between 1 minute and 90 days, not %1 s."_qs.arg(ttlSeconds));
        return;
    }
    std::optional<QStringList> allowed;
    const QStringList list = symbols.split(u',', Qt::SkipEmptyParts);
    if (!list.isEmpty()) {
        QStringList clean;
        for (const QString &raw : list) {
            const QString s = raw.trimmed();
            const QString bare = s.endsWith(u'*') ? s.chopped(1) : s;
            if (!bare.isEmpty() && !Symbol::isValid(bare)) {
                emit shareFailed(u"“%1” is not a valid symbol or prefix (a symbol, or a prefix "
                                 "ending in *)."_qs.arg(s));
                return;
            }
            clean.append(s);
        }
        allowed = clean;
    }
    QString who = subject.trimmed();
    if (who.isEmpty())
        who = u"shared-viewer"_qs;
    QPointer<ServerHost> self(this);
    inServerThread([this, self, ttlSeconds, allowed, who] {
        const QString token =
            m_runtime ? m_runtime->mintToken(who, {u"read"_qs}, ttlSeconds, allowed) : QString();
        QMetaObject::invokeMethod(
            self,
            [this, token, ttlSeconds, allowed, who] {
                if (token.isEmpty()) {
                    emit shareFailed(u"No signing key is available to mint a token."_qs);
                    return;
                }
                QUrl http(m_url);
                http.setScheme(http.scheme() == u"wss" ? u"https"_qs : u"http"_qs);
                http.setPath(u"/api/v1/symbols"_qs);
                QVariantMap share;
                share[u"token"_qs] = token;
                share[u"url"_qs] = m_url;
                share[u"link"_qs] = m_url + u"?access_token="_qs + token;
                share[u"tickscopeCommand"_qs] =
                    u"tickscope --connect %1 --token %2"_qs.arg(m_url, token);
                share[u"websocatCommand"_qs] = u"websocat -H %1 %2"_qs.arg(
                    shellQuote(u"Authorization: Bearer "_qs + token), m_url);
                share[u"curlCommand"_qs] = u"curl -H %1 %2"_qs.arg(
                    shellQuote(u"Authorization: Bearer "_qs + token), http.toString());
                share[u"subject"_qs] = who;
                share[u"expires"_qs] = QDateTime::currentDateTime()
                                           .addSecs(ttlSeconds)
                                           .toString(u"yyyy-MM-dd HH:mm"_qs);
                share[u"symbols"_qs] = allowed ? allowed->join(u", "_qs) : u"all symbols"_qs;
                share[u"loopbackOnly"_qs] = loopbackOnly();
                emit shareReady(share);
            },
            Qt::QueuedConnection);
    });
}

} // namespace tickscope
