#pragma once

#include <QObject>
#include <QTimer>

namespace tickscope {

// Bounds an asynchronous operation in the Qt event loop: start() arms a single-shot timer and
// expired() is emitted unless cancel() comes first. Restarting re-arms it; a cancelled or
// restarted timeout never emits for the earlier arming.
class Timeout : public QObject
{
    Q_OBJECT
public:
    explicit Timeout(QObject *parent = nullptr);

    // Arms (or re-arms) the timeout; a negative value is taken as 0 (expires on the next
    // event-loop pass).
    void start(int ms);
    void cancel();
    bool isActive() const { return m_timer.isActive(); }
    // Milliseconds left, or -1 when not armed.
    int remainingMs() const { return m_timer.isActive() ? m_timer.remainingTime() : -1; }

signals:
    void expired();

private:
    QTimer m_timer;
};

} // namespace tickscope
