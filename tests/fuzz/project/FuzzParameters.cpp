// SPDX-License-Identifier: MIT
// libFuzzer target: the parameters.json loader on any bytes. Properties
// checked beyond "no crash, no hang": an error always says where (a file name
// and a message); what loads saves to JSON that loads again with the same
// conditions, so a load and save never turns a valid file invalid.
#include "Parameters.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    Result error;
    const auto parameters = Parameters::parse(text, QStringLiteral("parameters.json"), &error);
    if (!parameters) {
        if (error.kind() != Result::Kind::BadInput || error.location().file.isEmpty() || error.what().isEmpty()
            || error.location().line < 0 || error.location().column < 0)
            abort();
        return 0;
    }
    const QStringList conditions = parameters->allConditions();
    Result again;
    const auto reloaded = Parameters::parse(parameters->toJson(), QStringLiteral("parameters.json"), &again);
    if (!reloaded || reloaded->allConditions() != conditions || reloaded->json() != parameters->json())
        abort();
    return 0;
}
