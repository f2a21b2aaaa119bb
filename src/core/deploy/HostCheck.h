// SPDX-License-Identifier: MIT
#pragma once

#include "AsyncCommand.h"
#include "Command.h"

#include <QString>

class SshAccess;

// "Test connection" for an ssh host, before anything is deployed there: one
// ssh round trip with the deploy's own options (setup key, the experiment's
// known_hosts, BatchMode) that asks the host's container engine for its
// version, so one answer says both "I can log in" and "Docker runs there".
namespace HostCheck {

struct Answer
{
    bool ok = false;
    QString text; // "Docker 24.0.5" or why not, in one line
};

// dockerProgram: remote_docker_command (already checked by the loader).
Command command(const SshAccess& host, const QString& dockerProgram);
Answer read(const CommandOutcome& outcome);

} // namespace HostCheck
