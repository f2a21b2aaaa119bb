// SPDX-License-Identifier: MIT
#include "ToolCheck.h"

#include "AsyncCommand.h"

#include <QRegularExpression>

QString ToolCheck::versionLine(const QString& output)
{
    // Some tools print warnings before their version (terraform about its CLI
    // configuration): take the first line that names a version number.
    static const QRegularExpression version(QStringLiteral("\\d+\\.\\d+"));
    const QStringList lines = output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString& line : lines) {
        if (version.match(line).hasMatch())
            return line.trimmed();
    }
    return lines.value(0).trimmed();
}

ToolCheck::ToolCheck(QObject* parent)
    : QObject(parent)
{
}

void ToolCheck::start()
{
    struct Spec
    {
        const char* name;
        QStringList args;
        const char* hint;
    };
    const QList<Spec> specs {
        { "docker", { QStringLiteral("--version") }, "install it with `apt-get install docker.io`" },
        { "terraform",
          { QStringLiteral("version") },
          "Debian does not ship it: install it from HashiCorp's apt repository "
          "(https://developer.hashicorp.com/terraform/install); needed only for the aws backend" },
        { "git", { QStringLiteral("--version") }, "install it with `apt-get install git`" },
        { "rsync", { QStringLiteral("--version") }, "install it with `apt-get install rsync`" },
        { "ssh", { QStringLiteral("-V") }, "install it with `apt-get install openssh-client`" },
    };
    m_tools.clear();
    m_pending = specs.size();
    for (int i = 0; i < specs.size(); ++i) {
        m_tools << Tool { QLatin1String(specs[i].name), QString(), QLatin1String(specs[i].hint), false };
        Command c;
        c.program = m_tools[i].name;
        c.arguments = specs[i].args;
        AsyncCommand::run(c, this, [this, i](const CommandOutcome& o) {
            Tool& tool = m_tools[i];
            tool.found = o.ok();
            if (tool.found) // ssh -V prints to stderr
                tool.version = versionLine(QString::fromUtf8(o.out + o.err));
            if (--m_pending == 0)
                Q_EMIT finished();
        });
    }
}
