// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"
#include "Result.h"

#include <QString>
#include <QStringList>

// How Logistician reaches a machine over OpenSSH: the setup key, a known_hosts
// file of the experiment's own with StrictHostKeyChecking=accept-new (never
// "no"), and one master connection per host (ControlMaster under
// .logistician/cm/) that later commands reuse, so polling many hosts is cheap.
class SshAccess
{
public:
    // address: user@host[:port]; stateDir: the experiment's .logistician folder.
    SshAccess(const QString& address, const QString& stateDir, const QString& keyPath);

    QString address() const { return m_address; }
    QString destination() const; // user@host
    int port() const { return m_port; }

    // ssh options, without the program and destination.
    QStringList options() const;
    // Runs argv on the host, every word quoted: nothing in it is ever read as shell code there.
    Command command(const QStringList& argv, const QByteArray& standardInput = QByteArray()) const;
    // Runs a POSIX shell script on the host; the caller quotes what goes into it.
    Command script(const QString& text, const QByteArray& standardInput = QByteArray()) const;
    // Ends the master connection (ssh -O exit); harmless when there is none.
    Command closeMaster() const;
    // rsync -a over this ssh: local folder contents into a folder on the host (created as needed).
    Command upload(const QString& localDir, const QString& remoteDir) const;
    // rsync from the host, incremental and resumable: never deletes a local
    // file, never replaces a newer one (--update), partial files kept aside.
    Command download(const QString& remoteDir, const QString& localDir, int bandwidthLimitKBps = 0) const;

    // The ssh command line rsync uses (-e), its words quoted the way rsync splits them.
    QString rsyncShell() const;
    // Where the master connection's socket lives; short, because sockets paths are limited to about 100 bytes.
    // Failed saying why when its folder is not safe to use (see controlDir).
    ResultOf<QString> controlPath() const;
    // The folder of the master sockets: .logistician/cm, or for a long path a folder in /tmp that this
    // user creates with mode 0700. A folder there that is a symlink, belongs to someone else or that
    // others may enter is refused: whoever controls it could hijack the connections.
    static ResultOf<QString> controlDir(const QString& stateDir);
    // The experiment's own known_hosts file.
    static QString knownHostsFile(const QString& stateDir);
    // Removes every key of host:port from knownHostsFile (plain or hashed entries); for a machine that
    // was destroyed, so a new one at the same address is not taken for an impostor. True when the file
    // is as it should be afterwards (also when it does not exist).
    static Result forgetHostKeys(const QString& knownHostsFile, const QString& host, int port);
    Result forgetHostKeys() const;
    // Whether ssh's stderr says the host's key is not the one known_hosts has.
    static bool isHostKeyMismatch(const QByteArray& standardError);

    // A value for `ssh -o NAME=VALUE` that ssh reads back unchanged: quoted for its config parser
    // (spaces, quotes, '#'), with '%' doubled for the options that expand %-tokens.
    static QString optionValue(const QString& value);

    static int connectTimeoutSeconds();

private:
    QString m_address;
    QString m_user;
    QString m_host;
    int m_port = 22;
    QString m_stateDir;
    QString m_keyPath;
    QString m_controlError;
};
