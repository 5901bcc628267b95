#pragma once

#include <QtGlobal>

namespace tickscope::test {

// What the kernel holds for one TCP socket (Linux /proc/net/tcp): bytes sent but not yet
// acknowledged by the peer (tx) and bytes received but not yet read by the owner (rx).
struct TcpQueue
{
    bool found = false;
    qint64 tx = 0;
    qint64 rx = 0;
};

class TcpQueues
{
public:
    // The established IPv4 socket with this local and remote port (both on loopback).
    static TcpQueue find(quint16 localPort, quint16 remotePort);
};

} // namespace tickscope::test
