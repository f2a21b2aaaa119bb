// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

// Simulated machines for the ssh and aws paths: real OpenSSH servers, one per
// loopback address (127.0.0.2, 127.0.0.3, ...), each with its own host key,
// port and authorized key, logging in as the user running the tests, whose
// sessions see this process's $HOME (the test's own) as their home. They all
// share this machine's Docker engine. Stopped (with every session they
// started) when this object goes away.
class SshMachines
{
public:
    SshMachines();
    ~SshMachines();
    SshMachines(const SshMachines&) = delete;
    SshMachines& operator=(const SshMachines&) = delete;

    // Starts count machines on 127.0.0.<firstOctet>, ... authorizing the public key in publicKeyPath.
    bool start(int count, const QString& publicKeyPath, int firstOctet, QString* error);
    int count() const { return static_cast<int>(m_machines.size()); }
    // user@127.0.0.N:PORT, as parameters.json's hosts list takes them.
    QStringList addresses() const;
    QString address(int i) const;
    // The machine stops answering: its server and every session it started are killed.
    void stop(int i);
    void stopAll();

    // Sessions see an empty ~/.bashrc (through a private mount namespace), as on a
    // fresh cloud machine, however heavy this machine's own is. For benchmarks.
    void setPlainShell(bool plain) { m_plainShell = plain; }
    // "NAME=VALUE" set in every session (sshd's SetEnv), beside HOME: e.g. SLURM_CONF for a login node.
    void setEnvironment(const QStringList& variables) { m_environment = variables; }

    // Makes an ed25519 key pair without a passphrase at path (mode 0600).
    static bool generateKey(const QString& path, QString* error);
    // The pids of every process below pid (children, their children, ...).
    static QList<qint64> descendants(qint64 pid);

private:
    struct Machine
    {
        QString ip;
        int port = 0;
        qint64 pid = 0;
        QString dir;
    };
    QTemporaryDir m_dir;
    QList<Machine> m_machines;
    bool m_plainShell = false;
    QStringList m_environment;
};
