// SPDX-License-Identifier: MIT
// The built-in backends: one line each. A new backend is its folder beside these and its line here
// (ARCHITECTURE.md, "Adding a backend").
#include "aws/AwsBackend.h"
#include "deploy/backends/BackendRegistry.h"
#include "local/LocalBackend.h"
#include "slurm/SlurmBackend.h"
#include "ssh/SshBackend.h"

QList<BackendRegistry::Entry> BackendRegistry::builtIns()
{
    return {
        entry<LocalBackend>(),
        entry<SshBackend>(),
        entry<AwsBackend>(),
        entry<SlurmBackend>(),
    };
}
