#include "ServerRuntime.h"

#include "auth/JwtSigner.h"
#include "auth/JwtVerifier.h"
#include "auth/KeyRingFile.h"
#include "auth/KeyRingWatcher.h"
#include "feed/RelayCheckpoint.h"
#include "feed/RelayFeed.h"
#include "feed/SyntheticFeed.h"
#include "history/BatchWriter.h"
#include "history/StoreThread.h"
#include "history/TickHistory.h"
#include "metrics/ServerMetrics.h"
#include "redis/RedisNotifier.h"
#include "redis/RedisSharedLimits.h"
#include "redis/RedisTickStore.h"
#include "store/TickStoreFactory.h"
#include "stream/StreamServer.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>

namespace tickscope {

Q_LOGGING_CATEGORY(lcRuntime, "tickscope.server")

namespace {
QString storeKindName(StoreKind kind)
{
    switch (kind) {
    case StoreKind::Sqlite:
        return u"sqlite"_qs;
    case StoreKind::Memory:
        return u"memory"_qs;
    case StoreKind::Redis:
        return u"redis"_qs;
    }
    return u"sqlite"_qs;
}

// Ticks held in memory waiting for the store, across every producer: past this the
// writer refuses publishes (`unavailable`) and the feed holds back.
constexpr qint64 MaxPendingTicks = 2'000'000;
constexpr qint64 HistoryCacheBytes = qint64(256) << 20;
} // namespace

ServerRuntime::ServerRuntime(ServerConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_metrics(std::make_unique<ServerMetrics>())
{
    m_trimTimer.setInterval(int(std::max<qint64>(1000, m_config.trimInterval.count())));
    connect(&m_trimTimer, &QTimer::timeout, this, &ServerRuntime::trim);
}

ServerRuntime::~ServerRuntime()
{
    // Order matters: nothing may call into the store once its thread is gone.
    m_feed.reset();
    m_notifier.reset();
    m_server.reset();
    m_writer.reset();
    m_history.reset();
    m_store.reset();
}

QString ServerRuntime::url() const
{
    return m_server ? m_server->url() : QString();
}

QString ServerRuntime::keyFile() const
{
    return QDir(m_config.dataDir).filePath(KeyRingFile::defaultFileName());
}

QString ServerRuntime::prepareDataDir() const
{
    QDir dir(m_config.dataDir);
    if (!dir.exists() && !QDir().mkpath(m_config.dataDir))
        return u"cannot create the data directory %1"_qs.arg(m_config.dataDir);
    // History and keys are private to the owner.
    QFile::setPermissions(m_config.dataDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return {};
}

QString ServerRuntime::loadKeys()
{
    if (m_config.insecure)
        return {};
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QString error;
    QString warning;
    auto ring = KeyRingFile::loadOrCreate(keyFile(), now, &error, &warning);
    if (!ring)
        return error;
    if (!warning.isEmpty())
        qCWarning(lcRuntime).noquote() << warning;
    m_keys = *ring;
    if (!m_config.jwtSecret.isEmpty()) {
        m_keys.setEnvironmentSecret(m_config.jwtSecret);
        const QString weak = KeyRing::weakSecretWarning(m_config.jwtSecret);
        if (!weak.isEmpty())
            qCWarning(lcRuntime).noquote() << weak;
    }
    m_keyWatcher = std::make_unique<KeyRingWatcher>(keyFile(), m_keys);
    connect(m_keyWatcher.get(), &KeyRingWatcher::reloaded, this,
            [] { qCInfo(lcRuntime) << "signing keys reloaded"; });
    connect(m_keyWatcher.get(), &KeyRingWatcher::reloadFailed, this, [](const QString &why) {
        qCWarning(lcRuntime).noquote() << "signing keys not reloaded:" << why;
    });
    return {};
}

void ServerRuntime::start(std::function<void(const QString &)> done)
{
    if (QString error = prepareDataDir(); !error.isEmpty()) {
        done(error);
        return;
    }
    if (QString error = loadKeys(); !error.isEmpty()) {
        done(error);
        return;
    }
    m_verifier = std::make_unique<JwtVerifier>(m_keys, m_config.tokenLeeway.count());

    QString error;
    std::unique_ptr<TickStore> store;
    QString writerId;
    if (m_config.store == StoreKind::Redis) {
        auto redis = RedisTickStore::fromUrl(m_config.redisUrl, &error);
        if (redis)
            writerId = redis->writerId();
        store = std::move(redis);
    } else {
        store = TickStoreFactory::create(storeKindName(m_config.store), m_config.dataDir, &error);
    }
    if (!store) {
        done(error);
        return;
    }
    m_store = std::make_unique<StoreThread>(std::move(store));
    m_history = std::make_unique<TickHistory>(m_store.get(), HistoryCacheBytes);
    m_writer = std::make_unique<BatchWriter>(m_history.get(), int(m_config.flushWindow.count()),
                                             MaxPendingTicks);
    m_history->open([this, writerId, done = std::move(done)](bool ok, const QString &openError) {
        if (!ok) {
            done(openError);
            return;
        }
        if (m_config.store == StoreKind::Redis)
            startRedisSharing(writerId);
        startListening(done);
    });
}

void ServerRuntime::startListening(const std::function<void(const QString &)> &done)
{
    StreamServer::Options options;
    options.address = m_config.listenAddress;
    options.port = m_config.listenPort;
    options.maxConnections = m_config.maxConnections;
    options.viewerQueueCap = m_config.viewerQueueCap;
    options.heartbeatMs = int(m_config.heartbeat.count());
    options.leewaySeconds = m_config.tokenLeeway.count();
    options.tiers = m_config.tiers;
    options.gate.allowedOrigins = m_config.allowedOrigins;
    options.gate.handshakeLimit = m_config.handshakeLimit;
    options.gate.handshakeBurst = m_config.handshakeBurst;
    options.gate.insecure = m_config.insecure;
    m_server = std::make_unique<StreamServer>(options, m_history.get(), m_writer.get(),
                                              m_verifier.get(), m_metrics.get());
    if (m_config.store == StoreKind::Redis) {
        // Servers that share a history share its limits too (protocol section 7).
        m_sharedLimits = std::make_unique<RedisSharedLimits>(m_config.redis);
        m_server->shareLimits(m_sharedLimits.get());
    }
    QString error;
    if (!m_server->listen(&error)) {
        done(error);
        return;
    }
    if (QString feedError = startFeed(); !feedError.isEmpty()) {
        done(feedError);
        return;
    }
    m_trimTimer.start();
    trim();
    done({});
}

QString ServerRuntime::startFeed()
{
    if (m_config.feed == FeedKind::None)
        return {};
    if (m_config.feed == FeedKind::Synthetic) {
        SyntheticFeedConfig feedConfig;
        feedConfig.symbols = m_config.symbols;
        feedConfig.ticksPerSecond = m_config.rate;
        feedConfig.seed = m_config.seed;
        if (QString error = feedConfig.validate(); !error.isEmpty())
            return error;
        m_feed = std::make_unique<SyntheticFeed>(feedConfig);
    } else {
        RelayFeedConfig feedConfig;
        feedConfig.url = m_config.feedUrl;
        feedConfig.token = m_config.feedToken;
        feedConfig.symbols = m_config.symbols;
        // Positions only move once our store holds the ticks, and are saved then, so
        // a restart of either side resumes with `since` and loses nothing.
        feedConfig.awaitAcknowledgements = true;
        if (QString error = feedConfig.validate(); !error.isEmpty())
            return error;
        auto relay = std::make_unique<RelayFeed>(feedConfig);
        m_relayCheckpoint =
            std::make_unique<RelayCheckpoint>(QDir(m_config.dataDir).filePath(u"relay.json"_qs));
        QString error;
        const auto point = m_relayCheckpoint->load(&error);
        if (!point)
            return error;
        if (!point->isEmpty() && point->upstream == RelayFeed::describeUrl(feedConfig.url))
            relay->setResumePoint(point->epoch, point->positions);
        m_feed = std::move(relay);
    }
    TickFeed *feed = m_feed.get();
    BatchWriter *writer = m_writer.get();
    m_checkpointTimer.setSingleShot(true);
    m_checkpointTimer.setInterval(100);
    connect(&m_checkpointTimer, &QTimer::timeout, this, &ServerRuntime::saveRelayCheckpoint);
    feed->setAccepting([writer] { return !writer->isFull(); });
    connect(feed, &TickFeed::statusChanged, this, &ServerRuntime::feedStatusChanged);
    connect(feed, &TickFeed::ticks, this, [this, feed, writer](const TickList &ticks) {
        const bool queued =
            writer->submit(ticks, [this, feed](bool ok, const TickList &, const QString &) {
                feed->acknowledge(ok);
                // At most a few saves a second, not one per batch: after a crash the relay
                // resumes from a slightly older position, and the store gets those ticks
                // again rather than missing any.
                if (ok && m_relayCheckpoint && !m_checkpointTimer.isActive())
                    m_checkpointTimer.start();
            });
        if (!queued)
            feed->acknowledge(false);
    });
    qCInfo(lcRuntime).noquote() << "feed:" << feed->describe();
    feed->start();
    return {};
}

void ServerRuntime::saveRelayCheckpoint()
{
    if (!m_relayCheckpoint || !m_feed)
        return;
    auto *relay = static_cast<RelayFeed *>(m_feed.get());
    QString error;
    if (!m_relayCheckpoint->save(relay->checkpoint(), &error))
        qCWarning(lcRuntime).noquote() << "relay position not saved:" << error;
}

void ServerRuntime::trim()
{
    if (m_trimming || !m_store)
        return;
    RetentionPolicy policy;
    policy.maxTicksPerSymbol = m_config.retentionTicks;
    policy.maxAgeUs = m_config.retentionAge.count() * 1000;
    if (policy.maxTicksPerSymbol <= 0 && policy.maxAgeUs <= 0)
        return;
    m_trimming = true;
    m_store->trim(policy, this, [this](const StoreThread::TrimResult &result) {
        m_trimming = false;
        if (!result.ok) {
            qCWarning(lcRuntime).noquote() << "retention trim failed:" << result.error;
            return;
        }
        m_history->applyTrim(result.symbols);
    });
}

void ServerRuntime::startRedisSharing(const QString &writerId)
{
    m_metrics->setRedisUp(true);
    m_notifier = std::make_unique<RedisNotifier>(m_config.redis);
    m_notifier->setIgnoredWriter(writerId);
    connect(m_notifier.get(), &RedisNotifier::ticksAvailable, this,
            [this](const QString &symbol, qint64, qint64 last) { fetchRemote(symbol, last); });
    // Notices sent while we were not subscribed are lost: catch up on every symbol.
    connect(m_notifier.get(), &RedisNotifier::subscribed, this, &ServerRuntime::resyncRemote);
    m_notifier->start();
    m_probeTimer.setInterval(1000);
    connect(&m_probeTimer, &QTimer::timeout, this, &ServerRuntime::probeStore);
    m_probeTimer.start();
}

void ServerRuntime::fetchRemote(const QString &symbol, qint64 last)
{
    const qint64 have = m_history->state(symbol).value_or(SymbolState{}).lastSeq;
    if (last <= have)
        return;
    m_remoteWanted[symbol] = std::max(m_remoteWanted.value(symbol), last);
    if (m_remoteFetching.contains(symbol))
        return;
    m_remoteFetching.insert(symbol);
    constexpr int Page = 10000;
    m_store->readTicks(symbol, have + 1, Page, this,
                       [this, symbol](const StoreThread::TicksResult &r) {
                           m_remoteFetching.remove(symbol);
                           if (!r.ok) {
                               // Redis is away; the probe marks it, and the resync on reconnect
                               // catches up.
                               return;
                           }
                           if (!r.ticks.isEmpty())
                               m_writer->adoptCommitted(r.ticks);
                           const qint64 wanted = m_remoteWanted.value(symbol);
                           if (!r.ticks.isEmpty() && wanted > r.ticks.constLast().seq)
                               fetchRemote(symbol, wanted);
                           else
                               m_remoteWanted.remove(symbol);
                       });
}

void ServerRuntime::resyncRemote()
{
    m_store->run([this](TickStore *store) {
        const QList<SymbolState> symbols = store->symbols();
        QMetaObject::invokeMethod(
            this,
            [this, symbols] {
                for (const SymbolState &state : symbols)
                    fetchRemote(state.symbol, state.lastSeq);
            },
            Qt::QueuedConnection);
    });
}

void ServerRuntime::probeStore()
{
    if (m_probing)
        return;
    m_probing = true;
    m_store->run([this](TickStore *store) {
        auto *redis = static_cast<RedisTickStore *>(store);
        QString error;
        const bool up = redis->ping(&error) && redis->isAvailable();
        QMetaObject::invokeMethod(
            this,
            [this, up, error] {
                m_probing = false;
                const bool wasUp = m_history->unavailableReason().isEmpty();
                m_metrics->setRedisUp(up);
                m_history->setUnavailableReason(
                    up ? QString() : u"the history store is unavailable: %1"_qs.arg(error));
                if (up && !wasUp) {
                    m_writer->clearWriteFailure();
                    resyncRemote();
                } else if (up && m_notifier && !m_notifier->isSubscribed()) {
                    // Without the subscription we hear of no other server's ticks (Redis is
                    // up, pub/sub is not): poll the store until the subscription is back.
                    resyncRemote();
                }
            },
            Qt::QueuedConnection);
    });
}

void ServerRuntime::shutdown(std::function<void()> done)
{
    m_trimTimer.stop();
    m_probeTimer.stop();
    if (m_notifier)
        m_notifier->stop();
    if (m_feed)
        m_feed->stop();
    if (!m_server) {
        done();
        return;
    }
    m_server->shutdown([this, done = std::move(done)] {
        // Everything acknowledged is written: keep the relay's exact position.
        m_checkpointTimer.stop();
        saveRelayCheckpoint();
        m_store->shutdown();
        done();
    });
}

QString ServerRuntime::mintToken(const QString &subject, const QStringList &scopes,
                                 qint64 ttlSeconds, const std::optional<QStringList> &symbols,
                                 const QString &tier) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto key = m_keys.current(now);
    if (!key)
        return {};
    Claims claims;
    claims.sub = subject;
    claims.iat = now;
    claims.exp = now + ttlSeconds;
    claims.scopes = scopes;
    claims.symbols = symbols;
    if (!tier.isEmpty())
        claims.tier = tier;
    return JwtSigner::sign(claims, *key);
}

} // namespace tickscope
