#include "Preferences.h"

#include "core/Symbol.h"

#include <QFile>
#include <QUrl>

namespace tickscope {

namespace {
const auto ThemeKey = u"ui/theme"_qs;
const auto WatchlistKey = u"watchlist/symbols"_qs;
const auto SelectedKey = u"watchlist/selected"_qs;
const auto WindowKey = u"chart/window"_qs;
const auto TypeKey = u"chart/type"_qs;
const auto IntervalKey = u"chart/candleInterval"_qs;
const auto GeometryKey = u"window/geometry"_qs;
const auto MaximizedKey = u"window/maximized"_qs;
const auto MainSplitKey = u"layout/main"_qs;
const auto CenterSplitKey = u"layout/center"_qs;
const auto SideSplitKey = u"layout/side"_qs;
const auto RemoteUrlKey = u"remote/lastUrl"_qs;
const auto RememberKey = u"remote/rememberToken"_qs;
const auto TokenKey = u"remote/token"_qs;
const auto FrameStatsKey = u"ui/frameStats"_qs;
} // namespace

QStringList Preferences::defaultWatchlist()
{
    // Symbols of the embedded server's default synthetic feed (ServerConfig::defaultSymbols).
    return {u"BTC-USD"_qs, u"ETH-USD"_qs, u"SOL-USD"_qs, u"AAPL"_qs,   u"MSFT"_qs,
            u"NVDA"_qs,    u"SPY"_qs,     u"QQQ"_qs,     u"EURUSD"_qs, u"ES-FUT"_qs};
}

const QList<int> &Preferences::chartWindows()
{
    static const QList<int> windows{60, 300, 900, 3600, 0};
    return windows;
}

const QList<int> &Preferences::candleIntervals()
{
    static const QList<int> intervals{1, 5, 15, 60, 300, 900, 3600};
    return intervals;
}

Preferences::Preferences(const QString &filePath, QObject *parent) : QObject(parent)
{
    if (filePath.isEmpty())
        m_settings = std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                                 u"tickscope"_qs, u"desktop"_qs);
    else
        m_settings = std::make_unique<QSettings>(filePath, QSettings::IniFormat);
}

Preferences::~Preferences()
{
    sync();
}

QString Preferences::fileName() const
{
    return m_settings->fileName();
}

void Preferences::write(const QString &key, const QVariant &value)
{
    if (m_settings->value(key) == value && m_settings->contains(key))
        return;
    m_settings->setValue(key, value);
    emit changed();
}

QVariant Preferences::read(const QString &key, const QVariant &fallback) const
{
    return m_settings->value(key, fallback);
}

void Preferences::sync()
{
    m_settings->sync();
    // The file may hold a token: owner only.
    if (QFile::exists(m_settings->fileName()))
        QFile::setPermissions(m_settings->fileName(),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

QString Preferences::theme() const
{
    const QString t = read(ThemeKey, u"dark"_qs).toString();
    return t == u"light" ? t : u"dark"_qs;
}

void Preferences::setTheme(const QString &theme)
{
    write(ThemeKey, theme == u"light" ? u"light"_qs : u"dark"_qs);
}

bool Preferences::hasWatchlist() const
{
    return m_settings->contains(WatchlistKey);
}

QStringList Preferences::watchlist() const
{
    if (!m_settings->contains(WatchlistKey))
        return defaultWatchlist();
    QStringList out;
    for (const QString &s : read(WatchlistKey).toStringList()) {
        if (Symbol::isValid(s) && !out.contains(s))
            out.append(s);
    }
    return out;
}

void Preferences::setWatchlist(const QStringList &symbols)
{
    write(WatchlistKey, symbols);
}

QString Preferences::selectedSymbol() const
{
    const QString s = read(SelectedKey).toString();
    return Symbol::isValid(s) ? s : QString();
}

void Preferences::setSelectedSymbol(const QString &symbol)
{
    write(SelectedKey, symbol);
}

int Preferences::chartWindow() const
{
    const int w = read(WindowKey, 300).toInt();
    return chartWindows().contains(w) ? w : 300;
}

void Preferences::setChartWindow(int seconds)
{
    if (chartWindows().contains(seconds))
        write(WindowKey, seconds);
}

QString Preferences::chartType() const
{
    return read(TypeKey).toString() == u"candles" ? u"candles"_qs : u"line"_qs;
}

void Preferences::setChartType(const QString &type)
{
    write(TypeKey, type == u"candles" ? u"candles"_qs : u"line"_qs);
}

int Preferences::candleInterval() const
{
    const int i = read(IntervalKey, 5).toInt();
    return candleIntervals().contains(i) ? i : 5;
}

void Preferences::setCandleInterval(int seconds)
{
    if (candleIntervals().contains(seconds))
        write(IntervalKey, seconds);
}

QRect Preferences::windowGeometry() const
{
    return read(GeometryKey).toRect();
}

void Preferences::setWindowGeometry(const QRect &rect)
{
    if (rect.width() >= 200 && rect.height() >= 150)
        write(GeometryKey, rect);
}

bool Preferences::windowMaximized() const
{
    return read(MaximizedKey, false).toBool();
}

void Preferences::setWindowMaximized(bool maximized)
{
    write(MaximizedKey, maximized);
}

QVariant Preferences::mainSplit() const
{
    return read(MainSplitKey);
}

void Preferences::setMainSplit(const QVariant &state)
{
    write(MainSplitKey, state);
}

QVariant Preferences::centerSplit() const
{
    return read(CenterSplitKey);
}

void Preferences::setCenterSplit(const QVariant &state)
{
    write(CenterSplitKey, state);
}

QVariant Preferences::sideSplit() const
{
    return read(SideSplitKey);
}

void Preferences::setSideSplit(const QVariant &state)
{
    write(SideSplitKey, state);
}

QString Preferences::lastRemoteUrl() const
{
    return read(RemoteUrlKey).toString();
}

void Preferences::setLastRemoteUrl(const QString &url)
{
    // Never keep a token that came inside the URL.
    QUrl clean(url);
    clean.setQuery(QString());
    clean.setUserInfo(QString());
    write(RemoteUrlKey, clean.toString());
}

bool Preferences::rememberToken() const
{
    return read(RememberKey, false).toBool();
}

void Preferences::setRememberToken(bool remember)
{
    write(RememberKey, remember);
    if (!remember && m_settings->contains(TokenKey)) {
        m_settings->remove(TokenKey);
        emit changed();
    }
}

QString Preferences::rememberedToken() const
{
    return rememberToken() ? read(TokenKey).toString() : QString();
}

void Preferences::storeToken(const QString &token)
{
    if (rememberToken() && !token.isEmpty())
        write(TokenKey, token);
    else if (m_settings->contains(TokenKey)) {
        m_settings->remove(TokenKey);
        emit changed();
    }
    sync();
}

bool Preferences::showFrameStats() const
{
    return read(FrameStatsKey, false).toBool();
}

void Preferences::setShowFrameStats(bool show)
{
    write(FrameStatsKey, show);
}

void Preferences::resetLayout()
{
    m_settings->remove(MainSplitKey);
    m_settings->remove(CenterSplitKey);
    m_settings->remove(SideSplitKey);
    emit changed();
    emit layoutReset();
}

} // namespace tickscope
