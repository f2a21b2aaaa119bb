// SPDX-License-Identifier: MIT
#include "SshMachines.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <csignal>
#include <unistd.h>

namespace {

int freePort(const QString& ip)
{
    QTcpServer server;
    if (!server.listen(QHostAddress(ip), 0))
        return 0;
    return server.serverPort();
}

bool waitForPort(const QString& ip, int port, int timeoutMs)
{
    for (int waited = 0; waited < timeoutMs; waited += 50) {
        QTcpSocket socket;
        socket.connectToHost(ip, static_cast<quint16>(port));
        if (socket.waitForConnected(200))
            return true;
        QThread::msleep(50);
    }
    return false;
}

QString userName()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("root") : user;
}

} // namespace

SshMachines::SshMachines()
    : m_dir(QDir::tempPath() + QStringLiteral("/logistician-sshd-XXXXXX"))
{
}

SshMachines::~SshMachines()
{
    stopAll();
}

bool SshMachines::generateKey(const QString& path, QString* error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile::remove(path);
    QFile::remove(path + QStringLiteral(".pub"));
    QProcess p;
    p.start(QStringLiteral("ssh-keygen"),
            { QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"), QString(),
              QStringLiteral("-C"), QStringLiteral("logistician-test"), QStringLiteral("-f"), path });
    if (!p.waitForFinished(20000) || p.exitCode() != 0) {
        if (error)
            *error = QStringLiteral("ssh-keygen failed: ") + QString::fromUtf8(p.readAllStandardError());
        return false;
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return true;
}

bool SshMachines::start(int count, const QString& publicKeyPath, int firstOctet, QString* error)
{
    QDir().mkpath(QStringLiteral("/run/sshd")); // sshd's privilege separation folder
    QFile key(publicKeyPath);
    if (!key.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1").arg(publicKeyPath);
        return false;
    }
    const QByteArray publicKey = key.readAll();
    for (int i = 0; i < count; ++i) {
        Machine m;
        m.ip = QStringLiteral("127.0.0.%1").arg(firstOctet + i);
        m.dir = m_dir.filePath(m.ip);
        QDir().mkpath(m.dir);
        QString keyError;
        if (!generateKey(m.dir + QStringLiteral("/host_key"), &keyError)) {
            *error = keyError;
            return false;
        }
        QFile authorized(m.dir + QStringLiteral("/authorized_keys"));
        authorized.open(QIODevice::WriteOnly);
        authorized.write(publicKey);
        authorized.close();
        QFile::setPermissions(authorized.fileName(), QFile::ReadOwner | QFile::WriteOwner);
        m.port = freePort(m.ip);
        if (m.port == 0) {
            *error = QStringLiteral("no free port on %1").arg(m.ip);
            return false;
        }
        const QString config
            = QStringLiteral("Port %1\nListenAddress %2\nHostKey %3/host_key\n"
                             "AuthorizedKeysFile %3/authorized_keys\nPidFile %3/sshd.pid\n"
                             "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                             "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
                             "MaxSessions 200\nMaxStartups 200:30:400\nLogLevel ERROR\n"
                             "Subsystem sftp internal-sftp\n"
                             // Sessions get this process's home (the test's own, see
                             // own-home), not the passwd entry's: what a deploy writes
                             // "in the host's home" stays out of the real one.
                             "SetEnv HOME=\"%4\"%5\n")
                  .arg(m.port)
                  .arg(m.ip, m.dir, QDir::homePath(),
                       m_environment.isEmpty() ? QString() : QLatin1Char(' ') + m_environment.join(QLatin1Char(' ')));
        QFile configFile(m.dir + QStringLiteral("/sshd_config"));
        configFile.open(QIODevice::WriteOnly);
        configFile.write(config.toUtf8());
        configFile.close();
        // Daemonizes and writes its pid file: the server outlives no one but this object.
        QString program = QStringLiteral("/usr/sbin/sshd");
        QStringList arguments { QStringLiteral("-f"), configFile.fileName(), QStringLiteral("-E"),
                                m.dir + QStringLiteral("/sshd.log") };
        const QString bashrc = QDir::homePath() + QStringLiteral("/.bashrc");
        if (m_plainShell && QFileInfo::exists(bashrc)) {
            QFile(m.dir + QStringLiteral("/empty-bashrc")).open(QIODevice::WriteOnly);
            arguments = QStringList { QStringLiteral("--mount"),
                                      QStringLiteral("sh"),
                                      QStringLiteral("-c"),
                                      QStringLiteral("mount --bind \"$0\" \"$1\" && shift && exec \"$@\""),
                                      m.dir + QStringLiteral("/empty-bashrc"),
                                      bashrc,
                                      program }
                + arguments;
            program = QStringLiteral("unshare");
        }
        const int code = QProcess::execute(program, arguments);
        if (code != 0 || !waitForPort(m.ip, m.port, 5000)) {
            QFile log(m.dir + QStringLiteral("/sshd.log"));
            log.open(QIODevice::ReadOnly);
            *error = QStringLiteral("sshd on %1:%2 did not start: %3")
                         .arg(m.ip)
                         .arg(m.port)
                         .arg(QString::fromUtf8(log.readAll()));
            return false;
        }
        // The pid file can exist before its content is written.
        QFile pidFile(m.dir + QStringLiteral("/sshd.pid"));
        for (int waited = 0; waited < 5000 && m.pid <= 0; waited += 50) {
            if (pidFile.open(QIODevice::ReadOnly)) {
                m.pid = pidFile.readAll().trimmed().toLongLong();
                pidFile.close();
            }
            if (m.pid <= 0)
                QThread::msleep(50);
        }
        m_machines.append(m);
    }
    return true;
}

QStringList SshMachines::addresses() const
{
    QStringList out;
    for (int i = 0; i < m_machines.size(); ++i)
        out << address(i);
    return out;
}

QString SshMachines::address(int i) const
{
    const Machine& m = m_machines.at(i);
    return QStringLiteral("%1@%2:%3").arg(userName(), m.ip).arg(m.port);
}

QList<qint64> SshMachines::descendants(qint64 pid)
{
    QHash<qint64, QList<qint64>> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString& entry : entries) {
        bool ok = false;
        const qint64 p = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(p));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const int close = text.lastIndexOf(')');
        const QList<QByteArray> fields = text.mid(close + 2).split(' ');
        if (fields.size() > 1)
            children[fields.at(1).toLongLong()] << p;
    }
    QList<qint64> out;
    QList<qint64> todo { pid };
    while (!todo.isEmpty()) {
        const qint64 p = todo.takeFirst();
        for (qint64 c : children.value(p)) {
            out << c;
            todo << c;
        }
    }
    return out;
}

void SshMachines::stop(int i)
{
    Machine& m = m_machines[i];
    if (m.pid <= 0)
        return;
    const QList<qint64> below = descendants(m.pid);
    ::kill(static_cast<pid_t>(m.pid), SIGKILL);
    for (qint64 p : below)
        ::kill(static_cast<pid_t>(p), SIGKILL);
    m.pid = 0;
}

void SshMachines::stopAll()
{
    for (int i = 0; i < m_machines.size(); ++i)
        stop(i);
}
