// SPDX-License-Identifier: MIT
#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

// A real image registry for tests: Debian's docker-registry on 127.0.0.1 with
// htpasswd (bcrypt) authentication. Docker talks plain HTTP to loopback
// registries, so no TLS is needed. Stopped when this object goes away.
class LocalRegistry
{
public:
    LocalRegistry();
    ~LocalRegistry();

    bool start(QString* error);
    QString address() const; // 127.0.0.1:PORT
    QString user() const { return QStringLiteral("logistician"); }
    QString password() const { return m_password; }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    int m_port = 0;
    QString m_password;
};
