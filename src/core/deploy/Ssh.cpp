// SPDX-License-Identifier: MIT
#include "Ssh.h"

#include "Logging.h"
#include "ShellWords.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QSaveFile>
#include <QStandardPaths>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

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

QString SshAccess::optionValue(const QString& value)
{
    // ssh splits an -o argument like a config line: quotes group, a backslash escapes a quote or
    // backslash, '#' starts a comment outside quotes. Inside double quotes only '"' and '\\' need it.
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    escaped.replace(QLatin1Char('%'), QStringLiteral("%%"));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

ResultOf<QString> SshAccess::controlDir(const QString& stateDir)
{
    const QString inState = stateDir + QStringLiteral("/cm");
    // A socket path longer than about 104 bytes cannot be bound; fall back to a
    // short folder named after the state folder.
    // ssh first binds "PATH.<16 random characters>": "/" + 12 + 17 more bytes.
    if (inState.toUtf8().size() + 30 <= 104) {
        QDir().mkpath(inState);
        QFile::setPermissions(inState, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return inState;
    }
    const QByteArray tag = QCryptographicHash::hash(stateDir.toUtf8(), QCryptographicHash::Sha1).toHex().left(10);
    // The user's runtime folder (0700, this user's only) when there is one; /tmp, shared, only without it.
    // Not a mkdtemp name: every run of this state folder must find the same master sockets.
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    const bool ownRuntime = runtime.startsWith(QLatin1Char('/')) && QFileInfo(runtime).isDir()
        && (runtime + QStringLiteral("/logistician-cm-0123456789")).toUtf8().size() + 30 <= 104;
    const QString dir
        = (ownRuntime ? runtime : QDir::tempPath()) + QStringLiteral("/logistician-cm-") + QString::fromLatin1(tag);
    const QByteArray path = QFile::encodeName(dir);
    // Made here with mode 0700, or, if it exists, used only when it is a real folder of this user's that
    // nobody else may enter: /tmp is shared, and a folder someone else prepared could redirect the sockets.
    auto refuse = [&](const QString& why) {
        return Result::failed(QStringLiteral("refusing the SSH control folder %1: %2; remove it (or let its owner "
                                             "remove it) and try again")
                                  .arg(dir, why));
    };
    if (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST)
        return refuse(QString::fromLocal8Bit(strerror(errno)));
    struct stat st;
    if (::lstat(path.constData(), &st) != 0)
        return refuse(QString::fromLocal8Bit(strerror(errno)));
    if (S_ISLNK(st.st_mode))
        return refuse(QStringLiteral("it is a symbolic link"));
    if (!S_ISDIR(st.st_mode))
        return refuse(QStringLiteral("it is not a folder"));
    if (st.st_uid != ::geteuid())
        return refuse(QStringLiteral("it belongs to user id %1, not to you (%2)").arg(st.st_uid).arg(::geteuid()));
    if ((st.st_mode & 0077) != 0)
        return refuse(QStringLiteral("its mode is %1: other users may use it; it must be 700")
                          .arg(st.st_mode & 0777, 3, 8, QLatin1Char('0')));
    return dir;
}

ResultOf<QString> SshAccess::controlPath() const
{
    const QByteArray key = QCryptographicHash::hash(m_address.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
    const auto dir = controlDir(m_stateDir);
    if (!dir)
        return dir.error();
    return *dir + QLatin1Char('/') + QString::fromLatin1(key);
}

QString SshAccess::knownHostsFile(const QString& stateDir)
{
    return stateDir + QStringLiteral("/known_hosts");
}

bool SshAccess::isHostKeyMismatch(const QByteArray& standardError)
{
    return standardError.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        || standardError.contains("Host key verification failed");
}

Result SshAccess::forgetHostKeys() const
{
    return forgetHostKeys(knownHostsFile(m_stateDir), m_host, m_port);
}

Result SshAccess::forgetHostKeys(const QString& knownHostsFile, const QString& host, int port)
{
    QFile in(knownHostsFile);
    if (!in.exists())
        return Result::ok();
    if (!in.open(QIODevice::ReadOnly))
        return Result::failed(QStringLiteral("%1: %2").arg(knownHostsFile, in.errorString()));
    // The name ssh writes for this host: "host", or "[host]:port" off port 22; hashed entries
    // ("|1|salt|hash") are HMAC-SHA1 of that name under their salt.
    const QByteArray name = port == 22 ? host.toUtf8() : QStringLiteral("[%1]:%2").arg(host).arg(port).toUtf8();
    auto matches = [&name](const QByteArray& pattern) {
        if (pattern.startsWith("|1|")) {
            const QList<QByteArray> parts = pattern.mid(3).split('|');
            if (parts.size() != 2)
                return false;
            return QMessageAuthenticationCode::hash(name, QByteArray::fromBase64(parts.at(0)), QCryptographicHash::Sha1)
                == QByteArray::fromBase64(parts.at(1));
        }
        return pattern == name;
    };
    QByteArray kept;
    bool changed = false;
    const QList<QByteArray> lines = in.readAll().split('\n');
    in.close();
    for (int i = 0; i < lines.size(); ++i) {
        const QByteArray& line = lines.at(i);
        if (i == lines.size() - 1 && line.isEmpty())
            break;
        const QByteArray trimmed = line.trimmed();
        bool drop = false;
        // Comments and marker lines (@cert-authority, @revoked) are not a machine's key: kept as they are.
        if (!trimmed.isEmpty() && !trimmed.startsWith('#') && !trimmed.startsWith('@')) {
            const QByteArray hosts = trimmed.left(trimmed.indexOf(' '));
            for (const QByteArray& pattern : hosts.split(','))
                drop = drop || matches(pattern);
        }
        if (drop)
            changed = true;
        else
            kept += line + '\n';
    }
    if (!changed)
        return Result::ok();
    QSaveFile out(knownHostsFile);
    if (!out.open(QIODevice::WriteOnly) || out.write(kept) != kept.size() || !out.commit())
        return Result::failed(QStringLiteral("%1: cannot save: %2").arg(knownHostsFile, out.errorString()));
    return Result::ok();
}

QStringList SshAccess::options() const
{
    // Paths are quoted for ssh's option parser: a project folder may have spaces or quotes in its name.
    // With no safe control folder no socket is used at all (the commands built here refuse to run).
    const QString control = controlPath().valueOr(QString());
    return {
        QStringLiteral("-i"),
        m_keyPath,
        QStringLiteral("-p"),
        QString::number(m_port),
        QStringLiteral("-o"),
        QStringLiteral("IdentitiesOnly=yes"),
        QStringLiteral("-o"),
        QStringLiteral("BatchMode=yes"),
        QStringLiteral("-o"),
        QStringLiteral("UserKnownHostsFile=") + optionValue(knownHostsFile(m_stateDir)),
        QStringLiteral("-o"),
        QStringLiteral("StrictHostKeyChecking=accept-new"),
        QStringLiteral("-o"),
        QStringLiteral("ControlMaster=auto"),
        QStringLiteral("-o"),
        QStringLiteral("ControlPath=") + (control.isEmpty() ? QStringLiteral("none") : optionValue(control)),
        QStringLiteral("-o"),
        QStringLiteral("ControlPersist=120"),
        QStringLiteral("-o"),
        QStringLiteral("ConnectTimeout=%1").arg(connectTimeoutSeconds()),
        QStringLiteral("-o"),
        QStringLiteral("ServerAliveInterval=5"),
        QStringLiteral("-o"),
        QStringLiteral("ServerAliveCountMax=3"),
        QStringLiteral("-o"),
        QStringLiteral("LogLevel=ERROR"),
    };
}

Command SshAccess::script(const QString& text, const QByteArray& standardInput) const
{
    Command c;
    c.refusal = controlPath().message();
    c.program = QStringLiteral("ssh");
    // "--" before the destination: nothing after it is read as an ssh option.
    c.arguments = options() << QStringLiteral("--") << destination() << text;
    c.standardInput = standardInput;
    return c;
}

Command SshAccess::command(const QStringList& argv, const QByteArray& standardInput) const
{
    return script(ShellWords::join(argv), standardInput);
}

Command SshAccess::closeMaster() const
{
    qCDebug(lcSsh) << "closing the master connection to" << m_address;
    Command c;
    c.refusal = controlPath().message();
    c.program = QStringLiteral("ssh");
    c.arguments = options() << QStringLiteral("-O") << QStringLiteral("exit") << QStringLiteral("--") << destination();
    return c;
}

QString SshAccess::rsyncShell() const
{
    // rsync splits -e itself, not a shell: quotes group, a doubled quote inside quotes stands for
    // itself, and there is no backslash escape. So each word with a space or quote is single-quoted
    // with its single quotes doubled.
    QStringList words { QStringLiteral("ssh") };
    for (QString word : options()) {
        if (word.contains(QLatin1Char(' ')) || word.contains(QLatin1Char('\'')) || word.contains(QLatin1Char('"'))
            || word.isEmpty())
            word = QLatin1Char('\'') + word.replace(QLatin1Char('\''), QStringLiteral("''")) + QLatin1Char('\'');
        words << word;
    }
    return words.join(QLatin1Char(' '));
}

Command SshAccess::upload(const QString& localDir, const QString& remoteDir) const
{
    Command c;
    c.refusal = controlPath().message();
    c.program = QStringLiteral("rsync");
    c.arguments = { QStringLiteral("-a"),        QStringLiteral("--mkpath"),
                    QStringLiteral("-e"),        rsyncShell(),
                    QStringLiteral("--"), // neither path is read as an rsync option
                    localDir + QLatin1Char('/'), destination() + QLatin1Char(':') + remoteDir + QLatin1Char('/') };
    return c;
}

Command SshAccess::download(const QString& remoteDir, const QString& localDir, int bandwidthLimitKBps) const
{
    Command c;
    c.refusal = controlPath().message();
    c.program = QStringLiteral("rsync");
    // What a host sends is data: no symlink, device or FIFO comes home (a link to
    // /etc/passwd would be read here later), and no owner of the host's choosing.
    c.arguments = { QStringLiteral("-a"),
                    QStringLiteral("--no-links"),
                    QStringLiteral("--no-devices"),
                    QStringLiteral("--no-specials"),
                    QStringLiteral("--no-owner"),
                    QStringLiteral("--no-group"),
                    QStringLiteral("--update"),
                    QStringLiteral("--partial-dir=.rsync-partial"),
                    QStringLiteral("--mkpath"),
                    QStringLiteral("-e"),
                    rsyncShell() };
    if (bandwidthLimitKBps > 0)
        c.arguments << QStringLiteral("--bwlimit=%1").arg(bandwidthLimitKBps);
    c.arguments << QStringLiteral("--") << destination() + QLatin1Char(':') + remoteDir + QLatin1Char('/')
                << localDir + QLatin1Char('/');
    return c;
}
