// SPDX-License-Identifier: MIT
#include "Command.h"

#include "ShellWords.h"

Command Command::asQuery() const
{
    Command c = *this;
    c.query = true;
    return c;
}

QString Command::redact(const QString& text) const
{
    QString out = text;
    for (const QString& secret : secrets) {
        if (!secret.isEmpty())
            out.replace(secret, QStringLiteral("***"));
    }
    for (const QString& name : secretEnvironment) {
        const QString value = environment.value(name);
        if (!value.isEmpty())
            out.replace(value, QStringLiteral("***"));
    }
    return out;
}

QString Command::display() const
{
    QStringList parts;
    for (auto it = environment.cbegin(); it != environment.cend(); ++it) {
        const QString value
            = secretEnvironment.contains(it.key()) ? QStringLiteral("***") : ShellWords::quote(it.value());
        parts << it.key() + QLatin1Char('=') + value;
    }
    parts << ShellWords::quote(program);
    for (const QString& a : arguments)
        parts << ShellWords::quote(a);
    QString line = parts.join(QLatin1Char(' '));
    if (!standardInput.isEmpty())
        line += QStringLiteral(" <<< ***");
    if (!workingDirectory.isEmpty())
        line = QStringLiteral("(cd %1 && %2)").arg(ShellWords::quote(workingDirectory), line);
    return redact(line);
}
