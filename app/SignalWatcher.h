#pragma once

#include <QObject>

class QSocketNotifier;

namespace tickscope {

// Turns SIGTERM and SIGINT into a Qt signal (through a self-pipe), so that shutdown
// runs in the event loop instead of inside a signal handler.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace tickscope
