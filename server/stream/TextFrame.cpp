#include "TextFrame.h"

#include <QtEndian>
#include <algorithm>
#include <cstring>

namespace tickscope {

namespace {
constexpr unsigned char FinText = 0x81;
constexpr qsizetype MaxShortLength = 125;
constexpr unsigned char Length16 = 126;
constexpr unsigned char Length64 = 127;
} // namespace

qsizetype TextFrame::headerBytes(qsizetype payloadBytes)
{
    if (payloadBytes <= MaxShortLength)
        return 2;
    return payloadBytes <= 0xFFFF ? 4 : 10;
}

qsizetype TextFrame::writeHeader(char *out, qsizetype payloadBytes)
{
    auto *header = reinterpret_cast<unsigned char *>(out);
    header[0] = FinText;
    const qsizetype size = headerBytes(payloadBytes);
    switch (size) {
    case 2:
        header[1] = static_cast<unsigned char>(payloadBytes);
        break;
    case 4:
        header[1] = Length16;
        qToBigEndian(static_cast<quint16>(payloadBytes), header + 2);
        break;
    default:
        header[1] = Length64;
        qToBigEndian(static_cast<quint64>(payloadBytes), header + 2);
    }
    return size;
}

QByteArray TextFrame::encode(QByteArrayView payload)
{
    QByteArray frame(headerBytes(payload.size()) + payload.size(), Qt::Uninitialized);
    const qsizetype header = writeHeader(frame.data(), payload.size());
    if (!payload.isEmpty())
        memcpy(frame.data() + header, payload.data(), size_t(payload.size()));
    return frame;
}

QByteArrayView TextFrame::payload(const QByteArray &frame)
{
    if (frame.size() < 2)
        return {};
    const auto length = static_cast<unsigned char>(frame[1]);
    const qsizetype header = length == Length64 ? 10 : length == Length16 ? 4 : 2;
    return QByteArrayView(frame).sliced(std::min(header, frame.size()));
}

} // namespace tickscope
