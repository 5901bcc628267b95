#include "EmbeddedRuntime.h"

#include "Wait.h"
#include "stream/StreamServer.h"

#include <QCoreApplication>

namespace tickscope::test {

QString EmbeddedRuntime::start(std::unique_ptr<ServerRuntime> &runtime, const ServerConfig &config)
{
    runtime = std::make_unique<ServerRuntime>(config);
    QString error = u"pending"_qs;
    runtime->start([&](const QString &e) { error = e; });
    if (!waitUntil([&] { return error != u"pending"; }))
        return u"the server did not start in time"_qs;
    return error;
}

bool EmbeddedRuntime::stop(std::unique_ptr<ServerRuntime> &runtime)
{
    bool done = false;
    runtime->shutdown([&] { done = true; });
    const bool finished = waitUntil([&] { return done; });
    waitUntil([&] { return runtime->server()->viewerCount() == 0; }, 3000);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    runtime.reset();
    return finished;
}

} // namespace tickscope::test
