// SPDX-License-Identifier: MIT
#include "LocalRegistry.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QUuid>

LocalRegistry::LocalRegistry()
    : m_dir(QDir::tempPath() + QStringLiteral("/logistician-registry-XXXXXX"))
    , m_password(QStringLiteral("pw-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

LocalRegistry::~LocalRegistry()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString LocalRegistry::address() const
{
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

bool LocalRegistry::start(QString* error)
{
    // htpasswd reads the password from stdin (-i), so it is on no command line.
    QProcess htpasswd;
    htpasswd.start(QStringLiteral("htpasswd"),
                   { QStringLiteral("-iBc"), m_dir.filePath(QStringLiteral("htpasswd")), user() });
    htpasswd.write(m_password.toUtf8() + '\n');
    htpasswd.closeWriteChannel();
    if (!htpasswd.waitForFinished(20000) || htpasswd.exitCode() != 0) {
        *error = QStringLiteral("htpasswd failed: ") + QString::fromUtf8(htpasswd.readAllStandardError());
        return false;
    }
    {
        QTcpServer probe;
        probe.listen(QHostAddress(QStringLiteral("127.0.0.1")), 0);
        m_port = probe.serverPort();
    }
    const QString config
        = QStringLiteral("version: 0.1\n"
                         "log:\n  level: error\n"
                         "storage:\n  filesystem:\n    rootdirectory: %1\n  delete:\n    enabled: true\n"
                         "http:\n  addr: 127.0.0.1:%2\n"
                         "auth:\n  htpasswd:\n    realm: logistician-test\n    path: %3\n")
              .arg(m_dir.filePath(QStringLiteral("data")))
              .arg(m_port)
              .arg(m_dir.filePath(QStringLiteral("htpasswd")));
    QFile file(m_dir.filePath(QStringLiteral("config.yml")));
    file.open(QIODevice::WriteOnly);
    file.write(config.toUtf8());
    file.close();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QStringLiteral("docker-registry"), { QStringLiteral("serve"), file.fileName() });
    if (!m_process.waitForStarted(5000)) {
        *error = QStringLiteral("docker-registry did not start: ") + m_process.errorString();
        return false;
    }
    for (int waited = 0; waited < 10000; waited += 100) {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), static_cast<quint16>(m_port));
        if (socket.waitForConnected(200))
            return true;
        if (m_process.state() == QProcess::NotRunning)
            break;
        QThread::msleep(100);
    }
    *error = QStringLiteral("docker-registry is not answering on %1: %2")
                 .arg(address(), QString::fromUtf8(m_process.readAll()));
    return false;
}
