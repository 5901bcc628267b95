#include "RedisNotifier.h"

#include <QSocketNotifier>
#include <charconv>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace tickscope {

// hiredis's event-loop hooks on Qt socket notifiers. (hiredis 0.14's own adapters/qt.h is not
// used: its destructor writes into the context after hiredis freed it on a disconnect, and it
// deletes notifiers from inside their own activation.) Notifiers are toggled, not recreated,
// as hiredis turns write interest on and off for every command, and are released with
// deleteLater() because cleanup may run inside a notifier's own signal.
struct RedisNotifier::Events
{
    redisAsyncContext *context = nullptr;
    QSocketNotifier *read = nullptr;
    QSocketNotifier *write = nullptr;

    static Events *of(void *data) { return static_cast<Events *>(data); }

    static void attach(redisAsyncContext *context)
    {
        auto *events = new Events;
        events->context = context;
        context->ev.data = events;
        context->ev.addRead = &Events::addRead;
        context->ev.delRead = &Events::delRead;
        context->ev.addWrite = &Events::addWrite;
        context->ev.delWrite = &Events::delWrite;
        context->ev.cleanup = &Events::cleanup;
    }

    static QSocketNotifier *make(redisAsyncContext *context, QSocketNotifier::Type type)
    {
        auto *notifier = new QSocketNotifier(context->c.fd, type);
        if (type == QSocketNotifier::Read) {
            QObject::connect(notifier, &QSocketNotifier::activated, notifier,
                             [context] { redisAsyncHandleRead(context); });
        } else {
            QObject::connect(notifier, &QSocketNotifier::activated, notifier,
                             [context] { redisAsyncHandleWrite(context); });
        }
        return notifier;
    }

    static void addRead(void *data)
    {
        Events *e = of(data);
        if (!e->read)
            e->read = make(e->context, QSocketNotifier::Read);
        e->read->setEnabled(true);
    }
    static void delRead(void *data)
    {
        if (Events *e = of(data); e->read)
            e->read->setEnabled(false);
    }
    static void addWrite(void *data)
    {
        Events *e = of(data);
        if (!e->write)
            e->write = make(e->context, QSocketNotifier::Write);
        e->write->setEnabled(true);
    }
    static void delWrite(void *data)
    {
        if (Events *e = of(data); e->write)
            e->write->setEnabled(false);
    }
    // Called once, as the context is freed: nothing may touch the context afterwards.
    static void cleanup(void *data)
    {
        Events *e = of(data);
        for (QSocketNotifier *notifier : {e->read, e->write}) {
            if (notifier) {
                notifier->setEnabled(false);
                notifier->disconnect();
                notifier->deleteLater();
            }
        }
        e->context->ev.data = nullptr;
        delete e;
    }
};

RedisNotifier::RedisNotifier(RedisUrl url, Options options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(std::move(options)),
      m_keys(m_options.keyPrefix), m_loop([this](RetryLoop *) { attempt(); }, m_options.retry, this)
{
    connect(&m_loop, &RetryLoop::attemptTimedOut, this, [this] {
        // The connect or the subscription did not complete in time: start over.
        dropContext();
        ++m_nodeIndex;
    });
}

RedisNotifier::~RedisNotifier()
{
    m_loop.stop();
    dropContext();
}

void RedisNotifier::start()
{
    m_loop.start();
}

void RedisNotifier::stop()
{
    m_loop.stop();
    dropContext();
    if (m_subscribed) {
        m_subscribed = false;
        emit unsubscribed(u"stopped"_qs);
    }
}

QString RedisNotifier::node() const
{
    if (!m_subscribed || m_url.nodes.isEmpty())
        return {};
    return m_url.nodes.at(m_nodeIndex % m_url.nodes.size()).key();
}

void RedisNotifier::dropContext()
{
    if (!m_context)
        return;
    redisAsyncContext *context = m_context;
    // Callbacks that run while it is freed see a context that is no longer theirs.
    m_context = nullptr;
    redisAsyncFree(context);
}

void RedisNotifier::attempt()
{
    dropContext();
    if (m_url.nodes.isEmpty()) {
        m_loop.failed(u"redis url names no node"_qs);
        return;
    }
    const RedisNodeAddress address = m_url.nodes.at(m_nodeIndex % m_url.nodes.size());
    redisAsyncContext *context = redisAsyncConnect(address.host.toUtf8().constData(), address.port);
    if (!context) {
        m_loop.failed(u"redis %1: out of memory"_qs.arg(address.key()));
        return;
    }
    if (context->err) {
        const QString reason =
            u"redis %1 unreachable: %2"_qs.arg(address.key(), QString::fromUtf8(context->errstr));
        redisAsyncFree(context);
        ++m_nodeIndex;
        m_loop.failed(reason);
        return;
    }
    context->data = this;
    Events::attach(context);
    m_context = context;
    redisAsyncSetConnectCallback(context, &RedisNotifier::onConnect);
    redisAsyncSetDisconnectCallback(context, &RedisNotifier::onDisconnect);
    // Subscription mode allows only (P)SUBSCRIBE-family commands and PING: AUTH goes first. The
    // commands are queued now and written once the connection is established.
    if (!m_url.password.isEmpty()) {
        QByteArrayList args{QByteArrayLiteral("AUTH")};
        if (!m_url.username.isEmpty())
            args.append(m_url.username.toUtf8());
        args.append(m_url.password.toUtf8());
        const char *argv[3];
        size_t lengths[3];
        for (qsizetype i = 0; i < args.size(); ++i) {
            argv[i] = args.at(i).constData();
            lengths[i] = size_t(args.at(i).size());
        }
        redisAsyncCommandArgv(context, &RedisNotifier::onAuth, nullptr, int(args.size()), argv,
                              lengths);
    }
    subscribe();
}

void RedisNotifier::subscribe()
{
    const QByteArray pattern = m_keys.notifyPattern();
    const char *argv[2] = {"PSUBSCRIBE", pattern.constData()};
    const size_t lengths[2] = {10, size_t(pattern.size())};
    redisAsyncCommandArgv(m_context, &RedisNotifier::onMessage, nullptr, 2, argv, lengths);
}

void RedisNotifier::lost(const QString &reason)
{
    const bool was = m_subscribed;
    m_subscribed = false;
    ++m_nodeIndex;
    if (was)
        emit unsubscribed(reason);
    m_loop.failed(reason);
}

void RedisNotifier::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisNotifier *>(context->data);
    if (!self || context != self->m_context || status == REDIS_OK)
        return;
    // hiredis frees the context after this callback.
    const QString reason =
        u"redis %1 unreachable: %2"_qs.arg(QString::fromUtf8(context->c.tcp.host))
            .arg(QString::fromUtf8(context->errstr));
    self->m_context = nullptr;
    self->lost(reason);
}

void RedisNotifier::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisNotifier *>(context->data);
    if (!self || context != self->m_context)
        return;
    const QString reason =
        status == REDIS_OK
            ? u"redis closed the connection"_qs
            : u"redis connection lost: %1"_qs.arg(QString::fromUtf8(context->errstr));
    self->m_context = nullptr;
    self->lost(reason);
}

void RedisNotifier::onAuth(redisAsyncContext *context, void *reply, void *)
{
    auto *self = static_cast<RedisNotifier *>(context->data);
    auto *r = static_cast<redisReply *>(reply);
    if (!self || context != self->m_context || !r || r->type != REDIS_REPLY_ERROR)
        return;
    // Refused credentials: the subscription after it fails too; count one failure and let the
    // attempt timeout or the disconnect restart it.
    self->m_loop.failed(
        u"redis refused the credentials: %1"_qs.arg(QString::fromUtf8(r->str, qsizetype(r->len))));
}

void RedisNotifier::onMessage(redisAsyncContext *context, void *reply, void *)
{
    auto *self = static_cast<RedisNotifier *>(context->data);
    if (!self || context != self->m_context || !reply)
        return;
    self->handleMessage(reply);
}

void RedisNotifier::handleMessage(const void *data)
{
    const auto *reply = static_cast<const redisReply *>(data);
    if (reply->type == REDIS_REPLY_ERROR) {
        m_loop.failed(u"redis refused PSUBSCRIBE: %1"_qs.arg(
            QString::fromUtf8(reply->str, qsizetype(reply->len))));
        return;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3)
        return;
    const QByteArrayView kind(reply->element[0]->str, qsizetype(reply->element[0]->len));
    if (kind == "psubscribe") {
        m_subscribed = true;
        m_loop.succeeded();
        emit subscribed();
        return;
    }
    if (kind != "pmessage" || reply->elements < 4)
        return;
    const redisReply *channel = reply->element[2];
    const redisReply *payload = reply->element[3];
    const QString symbol =
        m_keys.symbolOfChannel(QByteArrayView(channel->str, qsizetype(channel->len)));
    if (symbol.isEmpty() || payload->type != REDIS_REPLY_STRING)
        return;
    // "first last writer"
    const QByteArrayView text(payload->str, qsizetype(payload->len));
    const qsizetype space1 = text.indexOf(' ');
    const qsizetype space2 = space1 < 0 ? -1 : text.sliced(space1 + 1).indexOf(' ');
    if (space1 <= 0 || space2 <= 0)
        return;
    qint64 first = 0;
    qint64 last = 0;
    const char *begin = text.data();
    if (std::from_chars(begin, begin + space1, first).ec != std::errc() ||
        std::from_chars(begin + space1 + 1, begin + space1 + 1 + space2, last).ec != std::errc() ||
        first < 1 || last < first) {
        return;
    }
    ++m_received;
    const QByteArrayView writer = text.sliced(space1 + 1 + space2 + 1);
    if (!m_ignoredWriter.isEmpty() && writer == m_ignoredWriter)
        return;
    emit ticksAvailable(symbol, first, last);
}

} // namespace tickscope
