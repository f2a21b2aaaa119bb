// SPDX-License-Identifier: MIT
// libFuzzer target: the parameters.json loader on any bytes. Properties
// checked beyond "no crash, no hang": an error always says where (a file name
// and a message); what loads saves to JSON that loads again with the same
// conditions, so a load and save never turns a valid file invalid; saved
// untouched it is the same bytes; edited (a key added, one removed, the
// conditions and the grid's order changed) it is JSON holding exactly the edit.
#include "Parameters.h"

#include <QJsonDocument>
#include <algorithm>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const auto parameters = Parameters::parse(text, QStringLiteral("parameters.json"));
    const Result error = parameters.error();
    if (!parameters) {
        if (error.kind() != Result::Kind::BadInput || error.location().file.isEmpty() || error.what().isEmpty()
            || error.location().line < 0 || error.location().column < 0)
            abort();
        return 0;
    }
    const QStringList conditions = parameters->allConditions();
    const auto reloaded = Parameters::parse(parameters->toJson(), QStringLiteral("parameters.json"));
    if (!reloaded || reloaded->allConditions() != conditions || reloaded->json() != parameters->json())
        abort();
    if (parameters->toJson() != text)
        abort();

    Parameters edited = *parameters;
    edited.setValue(QStringLiteral("fuzz_added"), QJsonObject { { QStringLiteral("n"), 1.5 } });
    const QStringList keys = edited.json().keys();
    if (keys.size() > 2)
        edited.setValue(keys.at(keys.size() / 2), QJsonValue(QJsonValue::Undefined));
    edited.setConditions(edited.conditions() + QStringList { QStringLiteral("--fuzz 1") });
    Parameters::Grid grid = edited.parameterGrid();
    std::reverse(grid.begin(), grid.end());
    edited.setParameterGrid(grid);
    QJsonParseError parseError;
    const QJsonDocument saved = QJsonDocument::fromJson(edited.toJson(), &parseError);
    if (parseError.error != QJsonParseError::NoError || saved.object() != edited.json())
        abort();
    return 0;
}
