// SPDX-License-Identifier: MIT
#include "LedgerParameters.h"

namespace LedgerParameters {

namespace {

QString oneLine(const QString& value)
{
    return value.contains(QLatin1Char('\n')) ? QStringLiteral("must be one line") : QString();
}

std::optional<ParameterSchema::Problem> check(const QJsonObject& parameters)
{
    const QString key = QStringLiteral("ledger_note");
    if (parameters.contains(key) && parameters.value(QStringLiteral("backend")).toString() != QLatin1String("ledger"))
        return ParameterSchema::Problem { key, QStringLiteral("ledger_note needs \"backend\": \"ledger\"") };
    return std::nullopt;
}

} // namespace

ParameterSchema::BackendKeys schema()
{
    ParameterSchema::BackendKeys keys;
    keys.keys
        = { ParameterSchema::string("ledger_note", "Ledger note", "One line at the top of the ledger", &oneLine) };
    keys.check = &check;
    return keys;
}

} // namespace LedgerParameters
