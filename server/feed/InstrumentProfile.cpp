#include "feed/InstrumentProfile.h"

#include <QStringList>
#include <algorithm>
#include <array>
#include <cmath>

namespace tickscope {

namespace {

using Kind = InstrumentProfile::Kind;

struct Known
{
    QStringView symbol;
    Kind kind;
    double price;
    qint64 tickUnits;
    qint64 tickScale;
    qint64 sizeUnits;
    qint64 sizeScale;
    qint64 maxLots;
    double volatility;
    double weight;
};

// Rough levels of 2024; the feed is synthetic, what matters is that the numbers look right.
constexpr std::array knownSymbols{
    // Crypto: fractional sizes.
    Known{u"BTC-USD", Kind::Crypto, 64000, 5, 10, 1, 10000, 20000, 1.5e-4, 3.0},
    Known{u"ETH-USD", Kind::Crypto, 3400, 1, 100, 1, 10000, 300000, 2e-4, 2.5},
    Known{u"SOL-USD", Kind::Crypto, 150, 1, 100, 1, 1000, 500000, 3e-4, 1.5},
    Known{u"XRP-USD", Kind::Crypto, 0.52, 1, 10000, 1, 1, 50000, 3e-4, 1.0},
    Known{u"DOGE-USD", Kind::Crypto, 0.15, 1, 100000, 1, 1, 200000, 4e-4, 1.0},
    Known{u"ADA-USD", Kind::Crypto, 0.45, 1, 10000, 1, 1, 50000, 3e-4, 0.8},
    Known{u"AVAX-USD", Kind::Crypto, 35, 1, 100, 1, 100, 50000, 3e-4, 0.8},
    Known{u"LINK-USD", Kind::Crypto, 15, 1, 1000, 1, 100, 100000, 3e-4, 0.8},
    Known{u"LTC-USD", Kind::Crypto, 85, 1, 100, 1, 1000, 100000, 2.5e-4, 0.8},
    Known{u"BTC-EUR", Kind::Crypto, 59000, 5, 10, 1, 10000, 20000, 1.5e-4, 1.0},
    Known{u"ETH-EUR", Kind::Crypto, 3150, 1, 100, 1, 10000, 300000, 2e-4, 0.8},
    Known{u"ETH-BTC", Kind::Crypto, 0.053, 1, 100000, 1, 10000, 300000, 1e-4, 0.5},
    // Stocks: cents, whole shares.
    Known{u"AAPL", Kind::Stock, 190, 1, 100, 1, 1, 500, 1e-4, 2.0},
    Known{u"MSFT", Kind::Stock, 420, 1, 100, 1, 1, 500, 1e-4, 2.0},
    Known{u"NVDA", Kind::Stock, 900, 1, 100, 1, 1, 500, 2e-4, 2.0},
    Known{u"AMZN", Kind::Stock, 180, 1, 100, 1, 1, 500, 1.2e-4, 1.5},
    Known{u"GOOGL", Kind::Stock, 170, 1, 100, 1, 1, 500, 1.2e-4, 1.5},
    Known{u"GOOG", Kind::Stock, 172, 1, 100, 1, 1, 500, 1.2e-4, 1.0},
    Known{u"META", Kind::Stock, 500, 1, 100, 1, 1, 500, 1.5e-4, 1.5},
    Known{u"TSLA", Kind::Stock, 180, 1, 100, 1, 1, 500, 2.5e-4, 2.0},
    Known{u"AMD", Kind::Stock, 160, 1, 100, 1, 1, 500, 2e-4, 1.0},
    Known{u"INTC", Kind::Stock, 35, 1, 100, 1, 1, 500, 1.2e-4, 0.8},
    Known{u"IBM", Kind::Stock, 185, 1, 100, 1, 1, 500, 8e-5, 0.5},
    Known{u"NFLX", Kind::Stock, 620, 1, 100, 1, 1, 500, 1.5e-4, 0.8},
    Known{u"JPM", Kind::Stock, 195, 1, 100, 1, 1, 500, 8e-5, 0.8},
    Known{u"BRK.B", Kind::Stock, 410, 1, 100, 1, 1, 500, 6e-5, 0.5},
    Known{u"V", Kind::Stock, 275, 1, 100, 1, 1, 500, 7e-5, 0.5},
    Known{u"WMT", Kind::Stock, 60, 1, 100, 1, 1, 500, 7e-5, 0.5},
    Known{u"XOM", Kind::Stock, 115, 1, 100, 1, 1, 500, 8e-5, 0.5},
    Known{u"KO", Kind::Stock, 60, 1, 100, 1, 1, 500, 6e-5, 0.5},
    Known{u"SPY", Kind::Stock, 520, 1, 100, 1, 1, 500, 5e-5, 3.0},
    Known{u"QQQ", Kind::Stock, 440, 1, 100, 1, 1, 500, 7e-5, 2.0},
    // FX: fifth decimal (third for JPY), sizes in thousands of the base currency.
    Known{u"EURUSD", Kind::Fx, 1.08, 1, 100000, 1000, 1, 5000, 3e-5, 2.0},
    Known{u"GBPUSD", Kind::Fx, 1.27, 1, 100000, 1000, 1, 5000, 3.5e-5, 1.5},
    Known{u"AUDUSD", Kind::Fx, 0.66, 1, 100000, 1000, 1, 5000, 4e-5, 1.0},
    Known{u"NZDUSD", Kind::Fx, 0.61, 1, 100000, 1000, 1, 5000, 4e-5, 0.5},
    Known{u"USDCHF", Kind::Fx, 0.90, 1, 100000, 1000, 1, 5000, 3e-5, 0.8},
    Known{u"USDCAD", Kind::Fx, 1.36, 1, 100000, 1000, 1, 5000, 3e-5, 0.8},
    Known{u"EURGBP", Kind::Fx, 0.85, 1, 100000, 1000, 1, 5000, 2.5e-5, 0.5},
    Known{u"USDJPY", Kind::Fx, 150, 1, 1000, 1000, 1, 5000, 3e-5, 1.5},
    Known{u"EURJPY", Kind::Fx, 163, 1, 1000, 1000, 1, 5000, 3.5e-5, 0.8},
    Known{u"GBPJPY", Kind::Fx, 190, 1, 1000, 1000, 1, 5000, 4e-5, 0.5},
    // Futures: exchange tick sizes, whole contracts.
    Known{u"ES-FUT", Kind::Future, 5200, 25, 100, 1, 1, 20, 6e-5, 2.0},
    Known{u"NQ-FUT", Kind::Future, 18000, 25, 100, 1, 1, 20, 8e-5, 1.5},
    Known{u"YM-FUT", Kind::Future, 39000, 1, 1, 1, 1, 20, 6e-5, 0.8},
    Known{u"RTY-FUT", Kind::Future, 2050, 1, 10, 1, 1, 20, 9e-5, 0.8},
    Known{u"CL-FUT", Kind::Future, 78, 1, 100, 1, 1, 20, 1.5e-4, 1.5},
    Known{u"NG-FUT", Kind::Future, 2.2, 1, 1000, 1, 1, 20, 3e-4, 0.8},
    Known{u"GC-FUT", Kind::Future, 2300, 1, 10, 1, 1, 20, 7e-5, 1.0},
    Known{u"SI-FUT", Kind::Future, 27, 5, 1000, 1, 1, 20, 1.2e-4, 0.5},
    Known{u"ZN-FUT", Kind::Future, 110, 15625, 1000000, 1, 1, 20, 3e-5, 0.8},
    Known{u"6E-FUT", Kind::Future, 1.08, 5, 100000, 1, 1, 20, 3e-5, 0.5},
};

const Known *findKnown(QStringView symbol)
{
    for (const Known &known : knownSymbols) {
        if (known.symbol == symbol)
            return &known;
    }
    return nullptr;
}

// FNV-1a over the UTF-16 code units: stable across runs and platforms (qHash is seeded).
quint64 stableHash(QStringView text)
{
    quint64 hash = 14695981039346656037ull;
    for (const QChar c : text) {
        hash ^= c.unicode();
        hash *= 1099511628211ull;
    }
    return hash;
}

// A point in [lo, hi], uniform on a log scale, chosen by the hash.
double hashedPrice(quint64 hash, double lo, double hi)
{
    const double u = double(hash >> 11) * 0x1.0p-53;
    return lo * std::pow(hi / lo, u);
}

qint64 powerOfTen(int exponent)
{
    qint64 value = 1;
    for (int i = 0; i < exponent; ++i)
        value *= 10;
    return value;
}

bool isCurrency(QStringView code)
{
    static const QStringList currencies = {u"USD"_qs, u"EUR"_qs, u"JPY"_qs, u"GBP"_qs, u"CHF"_qs,
                                           u"CAD"_qs, u"AUD"_qs, u"NZD"_qs, u"SEK"_qs, u"NOK"_qs,
                                           u"DKK"_qs, u"SGD"_qs, u"HKD"_qs, u"MXN"_qs, u"ZAR"_qs,
                                           u"CNH"_qs, u"TRY"_qs, u"PLN"_qs};
    return currencies.contains(code);
}

Kind guessKind(QStringView symbol, QString *fxQuoteOut)
{
    if (symbol.endsWith(u"-FUT") || symbol.endsWith(u".FUT") || symbol.endsWith(u"_FUT"))
        return Kind::Future;
    QString pair = symbol.toString();
    if (pair.size() == 7 && pair[3] == u'/')
        pair.remove(3, 1);
    if (pair.size() == 6 && isCurrency(QStringView(pair).first(3)) &&
        isCurrency(QStringView(pair).sliced(3))) {
        *fxQuoteOut = pair.sliced(3);
        return Kind::Fx;
    }
    const qsizetype dash = symbol.lastIndexOf(u'-');
    if (dash > 0) {
        const QStringView quote = symbol.sliced(dash + 1);
        if (quote == u"USD" || quote == u"USDT" || quote == u"USDC" || quote == u"EUR" ||
            quote == u"BTC" || quote == u"ETH")
            return Kind::Crypto;
    }
    return Kind::Stock;
}

InstrumentProfile derivedProfile(QStringView symbol)
{
    InstrumentProfile profile;
    const quint64 hash = stableHash(symbol);
    QString quote;
    profile.kind = guessKind(symbol, &quote);
    switch (profile.kind) {
    case Kind::Stock:
        profile.startPrice = hashedPrice(hash, 5, 800);
        profile.tickUnits = 1;
        profile.tickScale = 100;
        profile.sizeUnits = 1;
        profile.sizeScale = 1;
        profile.maxLots = 500;
        profile.roundLots = true;
        profile.volatility = 1.2e-4;
        break;
    case Kind::Future:
        profile.startPrice = hashedPrice(hash, 20, 5000);
        profile.tickUnits = profile.startPrice >= 1000 ? 25 : 1;
        profile.tickScale = 100;
        profile.maxLots = 20;
        profile.volatility = 8e-5;
        break;
    case Kind::Fx:
        if (quote == u"JPY") {
            profile.startPrice = hashedPrice(hash, 80, 200);
            profile.tickScale = 1000;
        } else {
            profile.startPrice = hashedPrice(hash, 0.5, 2.0);
            profile.tickScale = 100000;
        }
        profile.tickUnits = 1;
        profile.sizeUnits = 1000;
        profile.maxLots = 5000;
        profile.volatility = 3.5e-5;
        break;
    case Kind::Crypto: {
        profile.startPrice = hashedPrice(hash, 0.01, 2000);
        // About five significant digits of price, and a size step worth about one unit of
        // the quote currency, up to some tens of thousands per trade.
        const int magnitude = int(std::floor(std::log10(profile.startPrice)));
        profile.tickUnits = 1;
        profile.tickScale = powerOfTen(std::clamp(4 - magnitude, 0, 10));
        profile.sizeUnits = 1;
        profile.sizeScale = powerOfTen(std::clamp(magnitude, 0, 4));
        const double stepValue = profile.startPrice * profile.sizeStep();
        profile.maxLots = std::clamp<qint64>(qint64(50000 / stepValue), 10, 1000000);
        profile.volatility = 3e-4;
        break;
    }
    }
    return profile;
}

} // namespace

InstrumentProfile InstrumentProfile::forSymbol(QStringView symbol)
{
    InstrumentProfile profile;
    const Known *known = findKnown(symbol);
    if (!known && symbol.size() == 7 && symbol[3] == u'/') {
        const QString pair = symbol.first(3).toString() + symbol.sliced(4).toString();
        known = findKnown(pair);
    }
    if (known) {
        profile.kind = known->kind;
        profile.startPrice = known->price;
        profile.tickUnits = known->tickUnits;
        profile.tickScale = known->tickScale;
        profile.sizeUnits = known->sizeUnits;
        profile.sizeScale = known->sizeScale;
        profile.maxLots = known->maxLots;
        profile.roundLots = known->kind == Kind::Stock;
        profile.volatility = known->volatility;
        profile.weight = known->weight;
    } else {
        profile = derivedProfile(symbol);
    }
    // Start on the grid, at least one tick above zero.
    const double steps = std::max(1.0, std::round(profile.startPrice * double(profile.tickScale) /
                                                  double(profile.tickUnits)));
    profile.startPrice = steps * double(profile.tickUnits) / double(profile.tickScale);
    return profile;
}

bool InstrumentProfile::isKnown(QStringView symbol)
{
    return findKnown(symbol) != nullptr;
}

QString InstrumentProfile::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Crypto:
        return u"crypto"_qs;
    case Kind::Stock:
        return u"stock"_qs;
    case Kind::Fx:
        return u"fx"_qs;
    case Kind::Future:
        return u"future"_qs;
    }
    return {};
}

} // namespace tickscope
