#include "StoreInput.h"

#include "core/Symbol.h"

#include <QUuid>
#include <cmath>

namespace tickscope {

namespace {

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

} // namespace

bool StoreInput::checkTicks(const TickList &ticks, QString *error)
{
    for (qsizetype i = 0; i < ticks.size(); ++i) {
        const Tick &tick = ticks.at(i);
        if (!Symbol::isValid(tick.symbol)) {
            setError(
                error,
                u"tick %1: symbol '%2' does not match ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,31}$"_qs.arg(i)
                    .arg(tick.symbol.left(64)));
            return false;
        }
        if (!std::isfinite(tick.price)) {
            setError(error, u"tick %1 (%2): price %3 is not a finite number"_qs.arg(i)
                                .arg(tick.symbol)
                                .arg(tick.price));
            return false;
        }
        if (!std::isfinite(tick.size)) {
            setError(error, u"tick %1 (%2): size %3 is not a finite number"_qs.arg(i)
                                .arg(tick.symbol)
                                .arg(tick.size));
            return false;
        }
    }
    return true;
}

void StoreInput::normalize(TickList &ticks)
{
    for (Tick &tick : ticks) {
        // -0.0 + 0.0 is +0.0; every other value is unchanged.
        tick.price += 0.0;
        tick.size += 0.0;
    }
}

bool StoreInput::checkPolicy(const RetentionPolicy &policy, QString *error)
{
    if (policy.maxTicksPerSymbol < 0) {
        setError(error, u"retention max ticks per symbol %1 must be >= 0 (0 = no limit)"_qs.arg(
                            policy.maxTicksPerSymbol));
        return false;
    }
    if (policy.maxAgeUs < 0) {
        setError(error,
                 u"retention max age %1 us must be >= 0 (0 = no limit)"_qs.arg(policy.maxAgeUs));
        return false;
    }
    return true;
}

QString StoreInput::newEpoch()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace tickscope
