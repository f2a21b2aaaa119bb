// SPDX-License-Identifier: MIT
#pragma once

#include "ParameterSchema.h"

// The ledger backend's own parameters.json key, as a backend adds one (ARCHITECTURE.md, "Adding a backend"):
// "ledger_note", one line written at the top of the ledger; only with "backend": "ledger".
namespace LedgerParameters {

ParameterSchema::BackendKeys schema();

} // namespace LedgerParameters
