// SPDX-License-Identifier: MIT
#include "SshMachines.h"
#include "deploy/Ssh.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

// What a hostile host answers to a sync (finding 7): its condition folder holds a
// symlink to a file of ours and a FIFO. The real rsync over a real sshd brings
// home the regular files only; nothing there can be followed or block a read later.
class TestHostileSync : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void syncBringsNoSymlinkNoFifoHome()
    {
        QTemporaryDir tmp;
        const QString key = tmp.filePath("key");
        QString error;
        QVERIFY2(SshMachines::generateKey(key, &error), qPrintable(error));
        SshMachines machines;
        QVERIFY2(machines.start(1, key + ".pub", 61, &error), qPrintable(error));

        // The host's folder (the sshd machine shares this file system).
        const QString remote = tmp.filePath("host/data");
        QVERIFY(QDir().mkpath(remote + "/results"));
        QFile result(remote + "/results/loss.json");
        QVERIFY(result.open(QIODevice::WriteOnly));
        result.write("{\"loss\": 1}");
        result.close();
        QFile secret(tmp.filePath("secret"));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("ours");
        secret.close();
        QVERIFY(QFile::link(tmp.filePath("secret"), remote + "/results/passwd.json"));
        QVERIFY(QFile::link("/etc", remote + "/etc"));
        QCOMPARE(::mkfifo(QFile::encodeName(remote + "/results/pipe.csv").constData(), 0644), 0);

        const QString state = tmp.filePath("state");
        QDir().mkpath(state);
        const SshAccess ssh(machines.address(0), state, key);
        const Command down = ssh.download(remote, tmp.filePath("home/c1-1"));
        QVERIFY(down.refusal.isEmpty());
        QProcess rsync;
        rsync.start(down.program, down.arguments);
        QVERIFY(rsync.waitForFinished(60000));
        QVERIFY2(rsync.exitCode() == 0, rsync.readAllStandardError().constData());

        const QString home = tmp.filePath("home/c1-1");
        QVERIFY(QFileInfo(home + "/results/loss.json").isFile());
        QVERIFY(!QFileInfo(home + "/results/passwd.json").exists());
        QVERIFY(!QFileInfo(home + "/results/passwd.json").isSymLink());
        QVERIFY(!QFileInfo(home + "/etc").isSymLink());
        QVERIFY(!QFileInfo::exists(home + "/results/pipe.csv"));
    }
};

QTEST_GUILESS_MAIN(TestHostileSync)
#include "TestHostileSync.moc"
