// SPDX-License-Identifier: MIT
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <pwd.h>
#include <unistd.h>

// Every test executable runs in a home of its own (support/own-home): not the
// user's, fresh, with the XDG folders inside it, and inherited by what it starts.
class TestOwnHome : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void homeIsTheTestsOwn()
    {
        const QString home = QDir::homePath();
        const passwd* user = getpwuid(getuid());
        QVERIFY(user);
        QVERIFY2(home != QString::fromLocal8Bit(user->pw_dir), qPrintable(home));
        QVERIFY2(home.startsWith(QDir::tempPath() + "/logistician-test-home-"), qPrintable(home));
        QVERIFY(QFileInfo(home).isDir());
        QCOMPARE(QFileInfo(home).ownerId(), getuid());
    }

    void xdgFoldersAreInsideIt()
    {
        const QString home = QDir::homePath();
        for (const char* name : { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME" }) {
            const QString dir = qEnvironmentVariable(name);
            QVERIFY2(dir.startsWith(home + "/"), name);
            QVERIFY2(QFileInfo(dir).isDir(), name);
        }
        QVERIFY(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation).startsWith(home + "/"));
    }

    void childProcessesInheritIt()
    {
        QProcess sh;
        sh.start("sh", { "-c", "printf '%s\\n%s' \"$HOME\" \"$XDG_CONFIG_HOME\"" });
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(QString::fromLocal8Bit(sh.readAllStandardOutput()),
                 QDir::homePath() + "\n" + qEnvironmentVariable("XDG_CONFIG_HOME"));
    }
};

QTEST_GUILESS_MAIN(TestOwnHome)
#include "TestOwnHome.moc"
