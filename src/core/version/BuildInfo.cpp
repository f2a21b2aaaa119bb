// SPDX-License-Identifier: MIT
#include "BuildInfo.h"

#include "BuildInfoValues.h"

namespace BuildInfo {

QString version()
{
    return QStringLiteral(LOGISTICIAN_VERSION);
}

QString commit()
{
    return QStringLiteral(LOGISTICIAN_GIT_COMMIT);
}

bool dirty()
{
    return LOGISTICIAN_GIT_DIRTY != 0;
}

QString commitLine()
{
    return QStringLiteral("commit %1%2").arg(commit(), dirty() ? QStringLiteral(" (dirty)") : QString());
}

} // namespace BuildInfo
