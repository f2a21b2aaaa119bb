// SPDX-License-Identifier: MIT
// The loader asks the backend registry for the backend names (ParameterSchema); the registry itself
// needs every backend's code (processes, Qt's meta-objects), which a fuzz target has no use for. The
// names generated from LOGISTICIAN_BACKENDS (src/core/deploy/backends/Backends.cmake) stand in for it.
#include "ParameterSchema.h"
#include "deploy/backends/BackendRegistry.h"

QStringList BackendRegistry::names()
{
    return ParameterSchema::builtInBackends();
}
