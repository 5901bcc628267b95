#include "TcpQueues.h"

#include <QFile>
#include <QList>

namespace tickscope::test {

TcpQueue TcpQueues::find(quint16 localPort, quint16 remotePort)
{
    TcpQueue result;
    QFile file(u"/proc/net/tcp"_qs);
    if (!file.open(QIODevice::ReadOnly))
        return result;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        // sl local_address rem_address st tx_queue:rx_queue ...
        const QList<QByteArray> fields = lines[i].simplified().split(' ');
        if (fields.size() < 5 || fields[3] != "01") // 01: ESTABLISHED
            continue;
        const auto port = [](const QByteArray &address) {
            return quint16(address.sliced(address.indexOf(':') + 1).toUInt(nullptr, 16));
        };
        if (port(fields[1]) != localPort || port(fields[2]) != remotePort)
            continue;
        const QList<QByteArray> queues = fields[4].split(':');
        result.found = true;
        result.tx = queues.value(0).toLongLong(nullptr, 16);
        result.rx = queues.value(1).toLongLong(nullptr, 16);
        return result;
    }
    return result;
}

} // namespace tickscope::test
