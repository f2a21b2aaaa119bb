// SPDX-License-Identifier: MIT
#include "Logging.h"

Q_LOGGING_CATEGORY(lcCommand, "logistician.command", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDeploy, "logistician.deploy", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSsh, "logistician.ssh", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDocker, "logistician.docker", QtWarningMsg)
Q_LOGGING_CATEGORY(lcGit, "logistician.git", QtWarningMsg)
Q_LOGGING_CATEGORY(lcBoard, "logistician.board", QtWarningMsg)
Q_LOGGING_CATEGORY(lcGui, "logistician.gui", QtWarningMsg)

namespace Logging {

void enableVerbose()
{
    // QT_LOGGING_RULES is applied after these rules, so it can still turn a category back off.
    QLoggingCategory::setFilterRules(QStringLiteral("logistician.*.debug=true"));
}

} // namespace Logging
