#include "PublishFrameReader.h"

#include "JsonReader.h"
#include "core/Symbol.h"

#include <cmath>

namespace tickscope {

std::optional<CommandParser::Result> PublishFrameReader::read(QStringView frame)
{
    PublishFrameReader reader(frame);
    CommandParser::Result result;
    if (!reader.readFrame(&result))
        return std::nullopt;
    return result;
}

void PublishFrameReader::skipWhitespace()
{
    m_pos = JsonReader::skipWhitespace(m_text, m_pos);
}

bool PublishFrameReader::expect(char16_t c)
{
    skipWhitespace();
    if (m_pos >= m_text.size() || m_text[m_pos].unicode() != c)
        return false;
    ++m_pos;
    return true;
}

bool PublishFrameReader::readPlainString(QStringView *out)
{
    skipWhitespace();
    if (m_pos >= m_text.size() || m_text[m_pos].unicode() != u'"')
        return false;
    const qsizetype start = ++m_pos;
    while (m_pos < m_text.size()) {
        const char16_t c = m_text[m_pos].unicode();
        if (c == u'"') {
            *out = m_text.sliced(start, m_pos - start);
            ++m_pos;
            return true;
        }
        if (c == u'\\' || c < 0x20)
            return false;
        ++m_pos;
    }
    return false;
}

const QString *PublishFrameReader::symbol(QStringView text)
{
    const std::u16string_view key(text.utf16(), size_t(text.size()));
    if (const auto it = m_symbols.find(key); it != m_symbols.end())
        return &it->second;
    if (!Symbol::isValid(text))
        return nullptr;
    QString value = text.toString();
    const std::u16string_view own(reinterpret_cast<const char16_t *>(value.constData()),
                                  size_t(value.size()));
    return &m_symbols.emplace(own, std::move(value)).first->second;
}

bool PublishFrameReader::readKey(QStringView *key)
{
    return readPlainString(key) && expect(u':');
}

bool PublishFrameReader::readNumber(double *value, qint64 *integer, bool *isInteger)
{
    skipWhitespace();
    if (m_pos >= m_text.size())
        return false;
    const char16_t c = m_text[m_pos].unicode();
    if (c != u'-' && (c < u'0' || c > u'9'))
        return false;
    JsonReader::Number number;
    QString error;
    if (!JsonReader::readNumber(m_text, &m_pos, &number, &error))
        return false;
    *value = number.value;
    *integer = number.integer;
    *isInteger = number.isInteger;
    return true;
}

bool PublishFrameReader::readFrame(CommandParser::Result *result)
{
    if (!expect(u'{'))
        return false;
    bool haveOp = false;
    bool haveId = false;
    bool haveTicks = false;
    PublishCommand command;
    do {
        QStringView key;
        if (!readKey(&key))
            return false;
        if (key == u"op" && !haveOp) {
            QStringView op;
            if (!readPlainString(&op) || op != u"publish")
                return false;
            haveOp = true;
        } else if (key == u"id" && !haveId) {
            double value = 0;
            qint64 id = 0;
            bool isInteger = false;
            if (!readNumber(&value, &id, &isInteger) || !isInteger)
                return false;
            result->id = id;
            haveId = true;
        } else if (key == u"ticks" && !haveTicks) {
            if (!readTicks(&command.ticks))
                return false;
            haveTicks = true;
        } else {
            return false;
        }
    } while (expect(u','));
    if (!expect(u'}') || !haveOp || !haveTicks)
        return false;
    skipWhitespace();
    if (m_pos != m_text.size())
        return false;
    result->command = Command{result->id, CommandBody{std::move(command)}};
    return true;
}

bool PublishFrameReader::readTicks(TickList *ticks)
{
    if (!expect(u'['))
        return false;
    // The size of the first tick's text is a fair guess of every tick's.
    const qsizetype start = m_pos;
    do {
        Tick tick;
        if (!readTick(&tick))
            return false;
        if (ticks->isEmpty())
            ticks->reserve((m_text.size() - start) / std::max<qsizetype>(1, m_pos - start) + 1);
        ticks->append(std::move(tick));
    } while (expect(u','));
    return expect(u']');
}

bool PublishFrameReader::readTick(Tick *tick)
{
    if (!expect(u'{'))
        return false;
    bool haveS = false;
    bool haveP = false;
    bool haveV = false;
    bool haveT = false;
    do {
        QStringView key;
        if (!readKey(&key) || key.size() != 1)
            return false;
        double value = 0;
        qint64 integer = 0;
        bool isInteger = false;
        switch (key.front().unicode()) {
        case u's': {
            QStringView text;
            const QString *symbol = nullptr;
            if (haveS || !readPlainString(&text) || !(symbol = this->symbol(text)))
                return false;
            tick->symbol = *symbol;
            haveS = true;
            break;
        }
        case u'p':
            if (haveP || !readNumber(&value, &integer, &isInteger) || !std::isfinite(value))
                return false;
            tick->price = value;
            haveP = true;
            break;
        case u'v':
            if (haveV || !readNumber(&value, &integer, &isInteger) || !std::isfinite(value) ||
                value < 0) {
                return false;
            }
            tick->size = value;
            haveV = true;
            break;
        case u't':
            if (haveT || !readNumber(&value, &integer, &isInteger) || !isInteger || integer < 0 ||
                integer >= ProtocolLimits::MaxTimeUs) {
                return false;
            }
            tick->timeUs = integer;
            haveT = true;
            break;
        default:
            return false;
        }
    } while (expect(u','));
    if (!expect(u'}') || !haveS || !haveP)
        return false;
    if (!haveT)
        tick->timeUs = -1;
    return true;
}

} // namespace tickscope
