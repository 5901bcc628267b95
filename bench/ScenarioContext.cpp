#include "ScenarioContext.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

namespace tickscope::bench {

ScenarioContext::ScenarioContext(const BenchOptions &options) : m_options(options) {}

ScenarioContext::~ScenarioContext()
{
    QString ignored;
    end(&ignored);
}

bool ScenarioContext::begin(QString *error)
{
    if (!m_options.spawnsServer()) {
        m_url = m_options.url;
        m_token = m_options.token;
        m_pid = m_options.serverPid;
        return true;
    }
    m_server = std::make_unique<ServerProcess>();
    if (!m_server->start(m_options.serverBinary, m_options.store, m_options.serverArguments, 30000,
                         error))
        return false;
    m_token = m_server->mintToken(u"read publish"_qs, error);
    if (m_token.isEmpty())
        return false;
    m_url = m_server->url();
    m_pid = m_server->pid();
    return true;
}

bool ScenarioContext::end(QString *error)
{
    if (!m_server)
        return true;
    const int code = m_server->stop();
    const QString tail = m_server->logTail();
    m_server.reset();
    if (code != 0) {
        *error =
            u"the server did not exit cleanly after SIGTERM (code %1):\n%2"_qs.arg(code).arg(tail);
        return false;
    }
    return true;
}

QJsonObject ScenarioContext::serverJson() const
{
    QJsonObject server{{u"url"_qs, m_url.toString()},
                       {u"spawned"_qs, m_server != nullptr},
                       {u"store"_qs, m_server ? m_options.store : u"unknown"_qs}};
    if (m_server) {
        server.insert(u"binary"_qs, QFileInfo(m_options.serverBinary).absoluteFilePath());
        server.insert(u"extra_arguments"_qs, QJsonValue::fromVariant(m_options.serverArguments));
    }
    return server;
}

bool ScenarioContext::waitUntil(const std::function<bool()> &done, double timeoutSeconds,
                                int pollMs)
{
    QElapsedTimer elapsed;
    elapsed.start();
    const auto timeoutMs = qint64(timeoutSeconds * 1000);
    while (!done()) {
        const qint64 left = timeoutMs - elapsed.elapsed();
        if (left <= 0)
            return false;
        QEventLoop loop;
        QTimer::singleShot(int(std::min<qint64>(pollMs, left)), &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

void ScenarioContext::sleep(double seconds)
{
    QEventLoop loop;
    QTimer::singleShot(int(seconds * 1000), Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace tickscope::bench
