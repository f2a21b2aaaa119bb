// SPDX-License-Identifier: MIT
#include "HostCheck.h"

#include "PrintableText.h"
#include "Ssh.h"

#include <QObject>

namespace HostCheck {

Command command(const SshAccess& host, const QString& dockerProgram)
{
    return host.command({ dockerProgram, QStringLiteral("version"), QStringLiteral("--format"),
                          QStringLiteral("{{.Server.Version}}") });
}

Answer read(const CommandOutcome& outcome)
{
    if (!outcome.ok()) {
        // ssh itself fails with 255; anything else came from the engine on the host.
        if (outcome.exitCode == 255 || !outcome.message.isEmpty())
            return { false, QObject::tr("cannot log in: %1").arg(outcome.errorText()) };
        return { false, QObject::tr("logged in, but Docker does not answer: %1").arg(outcome.errorText()) };
    }
    const QString version = PrintableText::clean(QString::fromUtf8(outcome.out)).trimmed();
    if (version.isEmpty())
        return { false, QObject::tr("logged in, but Docker gave no version") };
    return { true, QObject::tr("Docker %1").arg(version.section(QLatin1Char('\n'), 0, 0)) };
}

} // namespace HostCheck
