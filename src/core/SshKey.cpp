// SPDX-License-Identifier: MIT
#include "SshKey.h"

#include "AppPaths.h"

#include <QFile>

namespace SshKey {

QString privateKeyPath()
{
    return AppPaths::sshKeyPath();
}
QString publicKeyPath()
{
    return privateKeyPath() + QStringLiteral(".pub");
}
bool exists()
{
    return QFile::exists(privateKeyPath());
}

Command generateCommand(const QString& path)
{
    Command c;
    c.program = QStringLiteral("ssh-keygen");
    c.arguments = { QStringLiteral("-q"),
                    QStringLiteral("-t"),
                    QStringLiteral("ed25519"),
                    QStringLiteral("-N"),
                    QString(),
                    QStringLiteral("-C"),
                    QStringLiteral("logistician"),
                    QStringLiteral("-f"),
                    path };
    return c;
}

bool restrictPermissions(const QString& path)
{
    return QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
}

} // namespace SshKey
