#include "Ssh.h"

#include "ShellWords.h"

#include <QCryptographicHash>
#include <QDir>
#include <QStandardPaths>

SshAccess::SshAccess(const QString& address, const QString& stateDir, const QString& keyPath)
    : m_address(address)
    , m_stateDir(stateDir)
    , m_keyPath(keyPath)
{
    QString rest = address;
    const int at = rest.indexOf(QLatin1Char('@'));
    if (at >= 0) {
        m_user = rest.left(at);
        rest = rest.mid(at + 1);
    }
    const int colon = rest.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0) {
        m_port = rest.mid(colon + 1).toInt();
        rest = rest.left(colon);
    }
    m_host = rest;
}

QString SshAccess::destination() const
{
    return m_user.isEmpty() ? m_host : m_user + QLatin1Char('@') + m_host;
}

int SshAccess::connectTimeoutSeconds()
{
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("LOGISTICIAN_SSH_CONNECT_TIMEOUT", &ok);
    return ok && fromEnv > 0 ? fromEnv : 10;
}

QString SshAccess::controlPath() const
{
    const QByteArray key = QCryptographicHash::hash(m_address.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
    QString dir = m_stateDir + QStringLiteral("/cm");
    // A socket path longer than about 104 bytes cannot be bound; fall back to a
    // short folder named after the state folder.
    // ssh first binds "PATH.<16 random characters>": "/" + 12 + 17 more bytes.
    if (dir.toUtf8().size() + 30 > 104) {
        const QByteArray tag = QCryptographicHash::hash(m_stateDir.toUtf8(), QCryptographicHash::Sha1).toHex().left(10);
        dir = QDir::tempPath() + QStringLiteral("/logistician-cm-") + QString::fromLatin1(tag);
    }
    QDir().mkpath(dir);
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return dir + QLatin1Char('/') + QString::fromLatin1(key);
}

QStringList SshAccess::options() const
{
    const QString knownHosts = m_stateDir + QStringLiteral("/known_hosts");
    return {
        QStringLiteral("-i"), m_keyPath,
        QStringLiteral("-p"), QString::number(m_port),
        QStringLiteral("-o"), QStringLiteral("IdentitiesOnly=yes"),
        QStringLiteral("-o"), QStringLiteral("BatchMode=yes"),
        QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=") + knownHosts,
        QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=accept-new"),
        QStringLiteral("-o"), QStringLiteral("ControlMaster=auto"),
        QStringLiteral("-o"), QStringLiteral("ControlPath=") + controlPath(),
        QStringLiteral("-o"), QStringLiteral("ControlPersist=120"),
        QStringLiteral("-o"), QStringLiteral("ConnectTimeout=%1").arg(connectTimeoutSeconds()),
        QStringLiteral("-o"), QStringLiteral("ServerAliveInterval=5"),
        QStringLiteral("-o"), QStringLiteral("ServerAliveCountMax=3"),
        QStringLiteral("-o"), QStringLiteral("LogLevel=ERROR"),
    };
}

Command SshAccess::script(const QString& text, const QByteArray& standardInput) const
{
    Command c;
    c.program = QStringLiteral("ssh");
    c.arguments = options() << destination() << QStringLiteral("--") << text;
    c.standardInput = standardInput;
    return c;
}

Command SshAccess::command(const QStringList& argv, const QByteArray& standardInput) const
{
    return script(ShellWords::join(argv), standardInput);
}

Command SshAccess::closeMaster() const
{
    Command c;
    c.program = QStringLiteral("ssh");
    c.arguments = options() << QStringLiteral("-O") << QStringLiteral("exit") << destination();
    return c;
}

QString SshAccess::rsyncShell() const
{
    QStringList words { QStringLiteral("ssh") };
    words << options();
    return ShellWords::join(words);
}

Command SshAccess::upload(const QString& localDir, const QString& remoteDir) const
{
    Command c;
    c.program = QStringLiteral("rsync");
    c.arguments = { QStringLiteral("-a"),        QStringLiteral("--mkpath"),
                    QStringLiteral("-e"),        rsyncShell(),
                    localDir + QLatin1Char('/'), destination() + QLatin1Char(':') + remoteDir + QLatin1Char('/') };
    return c;
}

Command SshAccess::download(const QString& remoteDir, const QString& localDir, int bandwidthLimitKBps) const
{
    Command c;
    c.program = QStringLiteral("rsync");
    c.arguments
        = { QStringLiteral("-a"),       QStringLiteral("--update"), QStringLiteral("--partial-dir=.rsync-partial"),
            QStringLiteral("--mkpath"), QStringLiteral("-e"),       rsyncShell() };
    if (bandwidthLimitKBps > 0)
        c.arguments << QStringLiteral("--bwlimit=%1").arg(bandwidthLimitKBps);
    c.arguments << destination() + QLatin1Char(':') + remoteDir + QLatin1Char('/') << localDir + QLatin1Char('/');
    return c;
}
