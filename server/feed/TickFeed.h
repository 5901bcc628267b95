#pragma once

#include "core/Tick.h"

#include <QObject>
#include <QString>
#include <functional>

namespace tickscope {

// A source of ticks for the server: emits batches of ticks with seq == 0, which the server
// submits to its BatchWriter (which assigns q). Lives in one thread, like the writer.
//
// Back-pressure: before emitting, a feed asks isAccepting(); while it is false the feed holds
// back (the synthetic feed skips, the relay buffers a bounded amount and then lets upstream
// keep the rest) instead of growing memory. The server either installs a hook that reports
// whether its writer can take a batch now, or calls pause()/resume().
//
// Durability feedback (optional): a feed that has to know which of its ticks became durable
// (the relay, to persist its upstream position) is told through acknowledge(), once per
// ticks() emission and in emission order.
class TickFeed : public QObject
{
    Q_OBJECT
public:
    using AcceptingHook = std::function<bool()>;

    explicit TickFeed(QObject *parent = nullptr);

    virtual void start() = 0;
    virtual void stop() = 0;
    // For logs and the status bar, never with credentials: "synthetic 200 ticks/s, 20 symbols".
    virtual QString describe() const = 0;

    // Called before each batch in the feed's thread; false holds the feed back.
    void setAccepting(AcceptingHook hook);
    // No pause() in effect and the hook (if any) says yes.
    bool isAccepting() const;

    // Whether a batch emitted by ticks() became durable (true) or was refused (false).
    // The default ignores it; see RelayFeed.
    virtual void acknowledge(bool durable);

    bool healthy() const { return m_healthy; }
    QString status() const { return m_status; }

public slots:
    void pause();
    void resume();

signals:
    void ticks(const tickscope::TickList &ticks);
    void statusChanged(const QString &status);
    void healthChanged(bool healthy);

protected:
    void setStatus(const QString &status, bool healthy);
    void setStatus(const QString &status) { setStatus(status, m_healthy); }
    // Called by resume(): a feed holding ticks back may hand them on now.
    virtual void resumed() {}

private:
    AcceptingHook m_accepting;
    bool m_paused = false;
    bool m_healthy = false;
    QString m_status;
};

} // namespace tickscope
