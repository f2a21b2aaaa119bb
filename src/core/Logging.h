// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

// The debug categories, one per area, all off by default. `--verbose` turns
// every logistician.* category on; QT_LOGGING_RULES picks some, e.g.
// QT_LOGGING_RULES="logistician.ssh.debug=true;logistician.git.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcCommand) // logistician.command: every external command, its exit code and duration
Q_DECLARE_LOGGING_CATEGORY(lcDeploy) // logistician.deploy: deploy phases, hosts, conditions
Q_DECLARE_LOGGING_CATEGORY(lcSsh) // logistician.ssh: master connections
Q_DECLARE_LOGGING_CATEGORY(lcDocker) // logistician.docker: images built and run
Q_DECLARE_LOGGING_CATEGORY(lcGit) // logistician.git: repository discovery, status, exports
Q_DECLARE_LOGGING_CATEGORY(lcBoard) // logistician.board: the status board's monitor
Q_DECLARE_LOGGING_CATEGORY(lcGui) // logistician.gui: the window's projects and pages

namespace Logging {

// Turns on the debug messages of every logistician.* category (the CLI's --verbose).
void enableVerbose();

} // namespace Logging
