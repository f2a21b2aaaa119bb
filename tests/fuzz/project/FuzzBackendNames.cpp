// SPDX-License-Identifier: MIT
// The loader asks the backend registry for the backend names (ParameterSchema); the registry itself
// needs every backend's code (processes, Qt's meta-objects), which a fuzz target has no use for. The
// names of deploy/backends/Registry.cpp's built-ins stand in for it here.
#include "deploy/backends/BackendRegistry.h"

QStringList BackendRegistry::names()
{
    return { QStringLiteral("aws"), QStringLiteral("local"), QStringLiteral("slurm"), QStringLiteral("ssh") };
}
