// SPDX-License-Identifier: MIT
// How Logistician reaches hosts over OpenSSH, without any host: option values
// that survive ssh's own parser (checked with the real `ssh -G`), the control
// socket folder in /tmp that must be this user's own, known_hosts entries of
// destroyed machines removed (plain and hashed, as the real ssh-keygen writes
// them), and what ssh says when a host key changed.

#include "AsyncCommand.h"
#include "deploy/Ssh.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

class TestSshAccess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void optionValuesSurviveSshsParser();
    void controlFolderInTmpMustBeOurs();
    void unsafeControlFolderRefusesCommands();
    void forgetsKeysOfOneHost();
    void recognisesChangedHostKey();
    void commandsEndOptionsBeforeTheDestination();
    void remoteArgvIsNeverShellCode();

private:
    static QByteArray run(const QString& program, const QStringList& args, int* code = nullptr);
    static QByteArray readAll(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    // A state folder whose path is too long for a socket, so the folder in /tmp is used.
    static QString longStateDir(const QTemporaryDir& base);
    static QString fallbackDir(const QString& stateDir);
};

QByteArray TestSshAccess::run(const QString& program, const QStringList& args, int* code)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(20000);
    if (code)
        *code = p.exitCode();
    return p.readAllStandardOutput() + p.readAllStandardError();
}

QString TestSshAccess::longStateDir(const QTemporaryDir& base)
{
    const QString dir
        = base.path() + QLatin1Char('/') + QString(60, QLatin1Char('d')) + QStringLiteral("/.logistician");
    QDir().mkpath(dir);
    return dir;
}

QString TestSshAccess::fallbackDir(const QString& stateDir)
{
    return QDir::tempPath() + QStringLiteral("/logistician-cm-")
        + QString::fromLatin1(QCryptographicHash::hash(stateDir.toUtf8(), QCryptographicHash::Sha1).toHex().left(10));
}

void TestSshAccess::optionValuesSurviveSshsParser()
{
    // A project folder with a space, quotes, a '#', a '%' and a backslash in its path.
    QTemporaryDir base;
    const QString state = base.path() + QStringLiteral("/my exp's \"x\" #1 100%\\/.logistician");
    QVERIFY(QDir().mkpath(state));
    const SshAccess ssh(QStringLiteral("alice@127.0.0.9:2222"), state, base.path() + QStringLiteral("/key"));
    const QString control = ssh.controlPath().valueOr(QString());
    QVERIFY(control.startsWith(state + QStringLiteral("/cm/")));
    int code = -1;
    // -G prints the configuration ssh would use, without connecting.
    const QString shown = QString::fromUtf8(
        run(QStringLiteral("ssh"), QStringList { QStringLiteral("-G") } << ssh.options() << ssh.destination(), &code));
    QVERIFY2(code == 0, qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("\nuserknownhostsfile ") + state + QStringLiteral("/known_hosts\n")),
             qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("\ncontrolpath ") + control + QLatin1Char('\n')), qPrintable(shown));
    QVERIFY(shown.contains(QStringLiteral("\nport 2222\n")));
    QVERIFY(shown.contains(QStringLiteral("\nstricthostkeychecking accept-new\n")));
}

void TestSshAccess::controlFolderInTmpMustBeOurs()
{
    QTemporaryDir base;
    const QString state = longStateDir(base);
    // With a runtime folder of the user's own, the sockets go there, not to the shared /tmp.
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    auto restore = qScopeGuard([&] { qputenv("XDG_RUNTIME_DIR", runtime); });
    QTemporaryDir own(QStringLiteral("/tmp/rt-XXXXXX"));
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(own.path()));
    QString inRuntime = SshAccess::controlDir(state).valueOr(QString());
    QVERIFY2(inRuntime.startsWith(own.path() + QStringLiteral("/logistician-cm-")), qPrintable(inRuntime));
    qunsetenv("XDG_RUNTIME_DIR");
    const QString dir = fallbackDir(state);
    const QByteArray path = QFile::encodeName(dir);
    QDir(dir).removeRecursively();

    // Made here: mode 0700, this user's.
    QCOMPARE(SshAccess::controlDir(state).valueOr(QString()), dir);
    QString error;
    struct stat st;
    QCOMPARE(::lstat(path.constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, 0700u);
    QCOMPARE(st.st_uid, ::geteuid());

    // Made beforehand by someone else with mode 0777: refused.
    QVERIFY(::chmod(path.constData(), 0777) == 0);
    error = SshAccess::controlDir(state).message();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(dir) && error.contains(QStringLiteral("mode is 777")), qPrintable(error));

    // Owned by another user (nobody), even with mode 0700: refused.
    if (::geteuid() == 0) {
        QVERIFY(::chmod(path.constData(), 0700) == 0);
        QVERIFY(::chown(path.constData(), 65534, 65534) == 0);
        error = SshAccess::controlDir(state).message();
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.contains(QStringLiteral("belongs to user id 65534")), qPrintable(error));
    }
    QVERIFY(QDir(dir).removeRecursively());

    // A symbolic link to a folder of someone's choosing: refused.
    QTemporaryDir target;
    QVERIFY(QFile::link(target.path(), dir));
    error = SshAccess::controlDir(state).message();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QStringLiteral("symbolic link")), qPrintable(error));
    QVERIFY(QFile::remove(dir));
}

void TestSshAccess::unsafeControlFolderRefusesCommands()
{
    QTemporaryDir base;
    const QString state = longStateDir(base);
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR"); // the shared /tmp is what is tried here
    auto restore = qScopeGuard([&] { qputenv("XDG_RUNTIME_DIR", runtime); });
    qunsetenv("XDG_RUNTIME_DIR");
    const QString dir = fallbackDir(state);
    QDir(dir).removeRecursively();
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(QFile::setPermissions(dir, QFileDevice::Permissions(0x7777)));
    const SshAccess ssh(QStringLiteral("alice@127.0.0.9:2222"), state, base.path() + QStringLiteral("/key"));
    // No socket there, not even for a login: the options say none.
    QVERIFY(ssh.options().contains(QStringLiteral("ControlPath=none")));
    const Command c = ssh.script(QStringLiteral("true"));
    QVERIFY(c.refusal.contains(dir));
    QVERIFY(!ssh.upload(base.path(), QStringLiteral("/x")).refusal.isEmpty());
    QVERIFY(!ssh.download(QStringLiteral("/x"), base.path()).refusal.isEmpty());
    // The runner starts nothing and gives the reason.
    CommandOutcome outcome;
    bool done = false;
    QObject context;
    AsyncCommand::run(c, &context, [&](const CommandOutcome& o) {
        outcome = o;
        done = true;
    });
    QTRY_VERIFY(done);
    QVERIFY(!outcome.ok());
    QVERIFY2(outcome.errorText().contains(QStringLiteral("refusing the SSH control folder")),
             qPrintable(outcome.errorText()));
    QVERIFY(QDir(dir).removeRecursively());
}

void TestSshAccess::forgetsKeysOfOneHost()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("known_hosts"));
    const QByteArray key1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx0Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eHh4eHh4eHh4eHh4";
    const QByteArray key2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJhcmJhemZvb3F1eHF1dXl5eXl5eXl5eXl5eXl5eXl5eXl5";
    const QByteArray plain = "# kept comment\n"
                             "[127.0.0.31]:24001 "
        + key1 + "\n" + "[127.0.0.32]:24002 " + key2 + "\n" + "127.0.0.31 " + key2 + "\n"
        + "other.example,[127.0.0.31]:24001 " + key2 + "\n" + "@revoked [127.0.0.31]:24001 " + key2 + "\n";
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(plain);
    f.close();
    const Result forgotten = SshAccess::forgetHostKeys(file, QStringLiteral("127.0.0.31"), 24001);
    QVERIFY2(forgotten, qPrintable(forgotten.message()));
    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QCOMPARE(in.readAll(),
             "# kept comment\n[127.0.0.32]:24002 " + key2 + "\n127.0.0.31 " + key2 + "\n@revoked [127.0.0.31]:24001 "
                 + key2 + "\n");
    in.close();
    // Port 22 is written without brackets.
    QVERIFY(SshAccess::forgetHostKeys(file, QStringLiteral("127.0.0.31"), 22));
    QVERIFY(!readAll(file).contains("\n127.0.0.31 "));

    // Hashed the way ssh writes them (the real ssh-keygen -H): found by HMAC, the others stay.
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[127.0.0.31]:24001 " + key1 + "\n[127.0.0.32]:24002 " + key2 + "\n");
    f.close();
    int code = -1;
    run(QStringLiteral("ssh-keygen"), { QStringLiteral("-H"), QStringLiteral("-f"), file }, &code);
    QCOMPARE(code, 0);
    QVERIFY(readAll(file).startsWith("|1|"));
    QVERIFY(SshAccess::forgetHostKeys(file, QStringLiteral("127.0.0.31"), 24001));
    const QByteArray left = readAll(file);
    QCOMPARE(left.count('\n'), 1);
    // ssh-keygen -F finds what is left, and not the removed one.
    QVERIFY(run(QStringLiteral("ssh-keygen"),
                { QStringLiteral("-F"), QStringLiteral("[127.0.0.32]:24002"), QStringLiteral("-f"), file })
                .contains(key2.mid(12)));
    run(QStringLiteral("ssh-keygen"),
        { QStringLiteral("-F"), QStringLiteral("[127.0.0.31]:24001"), QStringLiteral("-f"), file }, &code);
    QVERIFY(code != 0);

    // No file yet: nothing to do.
    QVERIFY(SshAccess::forgetHostKeys(dir.filePath(QStringLiteral("none")), QStringLiteral("h"), 22));
}

void TestSshAccess::recognisesChangedHostKey()
{
    QVERIFY(SshAccess::isHostKeyMismatch("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                                         "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"));
    QVERIFY(SshAccess::isHostKeyMismatch("Host key verification failed.\r\n"));
    QVERIFY(!SshAccess::isHostKeyMismatch("ssh: connect to host 127.0.0.9 port 22: Connection refused\n"));
}

void TestSshAccess::commandsEndOptionsBeforeTheDestination()
{
    QTemporaryDir base;
    // A destination that would be an ssh option if nothing ended the options before it.
    const SshAccess ssh(QStringLiteral("-oProxyCommand=touch@x:2200"), base.path(),
                        base.path() + QStringLiteral("/key"));
    QCOMPARE(ssh.port(), 2200);
    const QStringList options = ssh.options();
    const Command script = ssh.script(QStringLiteral("true"));
    QCOMPARE(script.program, QStringLiteral("ssh"));
    QCOMPARE(script.arguments,
             (options + QStringList { QStringLiteral("--"), ssh.destination(), QStringLiteral("true") }));
    const Command close = ssh.closeMaster();
    QCOMPARE(close.arguments.mid(options.size()),
             (QStringList { QStringLiteral("-O"), QStringLiteral("exit"), QStringLiteral("--"), ssh.destination() }));
    // rsync: "--" before the two paths, the remote one after the destination.
    const Command up = ssh.upload(QStringLiteral("/l/-x"), QStringLiteral("/r/a b"));
    QCOMPARE(up.program, QStringLiteral("rsync"));
    QCOMPARE(up.arguments.mid(up.arguments.size() - 3),
             (QStringList { QStringLiteral("--"), QStringLiteral("/l/-x/"),
                            ssh.destination() + QStringLiteral(":/r/a b/") }));
    const Command down = ssh.download(QStringLiteral("/r/d"), QStringLiteral("/l/d"), 500);
    QVERIFY(down.arguments.contains(QStringLiteral("--bwlimit=500")));
    QCOMPARE(
        down.arguments.mid(down.arguments.size() - 3),
        (QStringList { QStringLiteral("--"), ssh.destination() + QStringLiteral(":/r/d/"), QStringLiteral("/l/d/") }));
    QCOMPARE(up.arguments.at(up.arguments.indexOf(QStringLiteral("-e")) + 1), ssh.rsyncShell());
    QVERIFY(script.refusal.isEmpty());
}

void TestSshAccess::remoteArgvIsNeverShellCode()
{
    // The text ssh hands the remote shell, run by a real sh here: it gets back exactly the words given.
    QTemporaryDir base;
    const QString marker = base.filePath(QStringLiteral("pwned"));
    const QStringList argv { QStringLiteral("printf"),
                             QStringLiteral("<%s>\\n"),
                             QStringLiteral("a b"),
                             QStringLiteral("$(touch ") + marker + QLatin1Char(')'),
                             QStringLiteral("`touch ") + marker + QLatin1Char('`'),
                             QStringLiteral(";"),
                             QStringLiteral("it's"),
                             QString(),
                             QStringLiteral("\"$HOME\""),
                             QStringLiteral("--"),
                             QStringLiteral("ü\n2") };
    const SshAccess ssh(QStringLiteral("u@127.0.0.9:22"), base.path(), base.path() + QStringLiteral("/key"));
    const Command c = ssh.command(argv);
    QCOMPARE(c.arguments.at(c.arguments.size() - 3), QStringLiteral("--"));
    int code = -1;
    const QString out
        = QString::fromUtf8(run(QStringLiteral("sh"), { QStringLiteral("-c"), c.arguments.last() }, &code));
    QCOMPARE(code, 0);
    QString expected;
    for (const QString& word : argv.mid(2))
        expected += QLatin1Char('<') + word + QStringLiteral(">\n");
    QCOMPARE(out, expected);
    QVERIFY(!QFileInfo::exists(marker));
}

QTEST_GUILESS_MAIN(TestSshAccess)
#include "TestSshAccess.moc"
