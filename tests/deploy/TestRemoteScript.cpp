// SPDX-License-Identifier: MIT
// The scripts run on hosts (templates/remote/): every one renders, with hostile values, to a script
// sh accepts; the terminate script, run for real, removes only what it is given.

#include "ShellWords.h"
#include "deploy/RemoteScript.h"
#include "deploy/TerminateOperation.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

// Quotes, command substitution, backquotes, a newline, spaces, a glob, a leading dash and a value that
// looks like a parameter: none may do anything but be one word.
QStringList hostileWords(const QString& marker)
{
    return { QStringLiteral("it's \"$(touch %1)\"").arg(marker),
             QStringLiteral("`touch %1`; x").arg(marker),
             QStringLiteral("two\nlines $(touch %1)").arg(marker),
             QStringLiteral("  spaced  out  "),
             QStringLiteral("*"),
             QStringLiteral("-rf"),
             QStringLiteral("@DOCKER@") };
}

int shell(const QStringList& args, const QByteArray& input, QByteArray* out = nullptr, const QString& cwd = QString())
{
    QProcess sh;
    sh.setWorkingDirectory(cwd);
    sh.start(QStringLiteral("sh"), args);
    sh.write(input);
    sh.closeWriteChannel();
    if (!sh.waitForFinished(20000))
        return -1;
    if (out)
        *out = sh.readAllStandardOutput();
    return sh.exitStatus() == QProcess::NormalExit ? sh.exitCode() : -1;
}

} // namespace

class TestRemoteScript : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyTemplateParsesWithHostileValues();
    void valuesAreReplacedOnce();
    void missingParameterFailsLoudly();
    void terminateRemovesOnlyWhatItIsGiven();
    void lastLineIsTheLastWrittenOfBothStreams();
    void runnerSavesEachLogThenItsExitCode();
    void runnerStartsOnlyPublishedConditions();
};

void TestRemoteScript::everyTemplateParsesWithHostileValues()
{
    QTemporaryDir tmp;
    const QString marker = tmp.filePath(QStringLiteral("pwned"));
    const QDir dir(qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + QStringLiteral("/templates/remote"));
    const QStringList files = dir.entryList({ QStringLiteral("*.sh") }, QDir::Files);
    QVERIFY(files.size() >= 6);
    static const QRegularExpression function(QStringLiteral("^([a-z_]+)\\(\\)"), QRegularExpression::MultilineOption);
    for (const QString& file : files) {
        const QString name = file.chopped(3);
        RemoteScript script(name);
        QFile f(dir.filePath(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        for (const QString& p : RemoteScript::parameters(text))
            script.setWords(p, hostileWords(marker));
        // A call of each function the template defines, with the hostile words as its arguments.
        bool takesValues = !RemoteScript::parameters(text).isEmpty();
        for (auto it = function.globalMatch(text); it.hasNext(); takesValues = true)
            script.call(it.next().captured(1), hostileWords(marker));
        QVERIFY2(script.error().isEmpty(), qPrintable(script.error()));
        const QString rendered = script.render();
        QVERIFY2(shell({ QStringLiteral("-n") }, rendered.toUtf8()) == 0, qPrintable(name + ":\n" + rendered));
        // Every hostile word is in there quoted, as one word: the shell reads each back unchanged.
        for (const QString& word : takesValues ? hostileWords(marker) : QStringList())
            QVERIFY2(rendered.contains(QStringLiteral("'")
                                       + QString(word).replace(QLatin1Char('\''), QStringLiteral("'\\''")))
                         || rendered.contains(word),
                     qPrintable(name));
    }
    QVERIFY(!QFileInfo::exists(marker));
}

void TestRemoteScript::valuesAreReplacedOnce()
{
    // A value that looks like another parameter stays a value.
    const QString text = RemoteScript::fromText(QStringLiteral("t"), QStringLiteral("printf '[%s]\\n' @A@ @B@"))
                             .set(QStringLiteral("A"), QStringLiteral("@B@"))
                             .setWords(QStringLiteral("B"), { QStringLiteral("x y"), QStringLiteral("$(id)") })
                             .render();
    QByteArray out;
    QCOMPARE(shell({ QStringLiteral("-s") }, text.toUtf8(), &out), 0);
    QCOMPARE(out, QByteArray("[@B@]\n[x y]\n[$(id)]\n"));
}

void TestRemoteScript::missingParameterFailsLoudly()
{
    RemoteScript script = RemoteScript::fromText(QStringLiteral("t"), QStringLiteral("echo @A@ @B@"));
    script.set(QStringLiteral("A"), QStringLiteral("a"));
    QVERIFY(script.error().contains(QStringLiteral("B")));
    QCOMPARE(shell({ QStringLiteral("-s") }, script.render().toUtf8()), 125);
    RemoteScript missing(QStringLiteral("no-such-script"));
    QVERIFY(!missing.error().isEmpty());
    QCOMPARE(shell({ QStringLiteral("-s") }, missing.render().toUtf8()), 125);
    RemoteScript badCall = RemoteScript::fromText(QStringLiteral("t"), QStringLiteral("true"));
    badCall.call(QStringLiteral("rm -rf /;"), {});
    QCOMPARE(shell({ QStringLiteral("-s") }, badCall.render().toUtf8()), 125);
}

void TestRemoteScript::terminateRemovesOnlyWhatItIsGiven()
{
    QTemporaryDir tmp;
    const QString root = tmp.path();
    const QString marker = root + QStringLiteral("/pwned");
    // A docker that only records its arguments, one per line, at a path with a space in it.
    const QString docker = root + QStringLiteral("/fake docker");
    QFile fake(docker);
    QVERIFY(fake.open(QIODevice::WriteOnly));
    fake.write("#!/bin/sh\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\"; done >>\"$(dirname \"$0\")/docker.log\"\n"
               "for a; do last=$a; done\ncase \" $* \" in *\" logs \"*) echo \"log of $last\" ;; esac\nexit 0\n");
    fake.close();
    QVERIFY(fake.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    // Names that run `touch pwned` (in root, the script's working folder) if anything ever evaluates them.
    const QString exp = root + QStringLiteral("/logistician/it's $(touch pwned)");
    const QString gone1 = exp + QStringLiteral("/c1-a b");
    const QString gone2 = exp + QStringLiteral("/c2-\n`touch pwned`");
    const QString kept = exp + QStringLiteral("/c3-kept");
    const QString image = exp + QStringLiteral("/image");
    for (const QString& d : { gone1, gone2, kept, image })
        QVERIFY(QDir().mkpath(d + QStringLiteral("/data/results")));
    QFile(kept + QStringLiteral("/data/results/r.txt")).open(QIODevice::WriteOnly);

    TerminateOperation::HostWork work;
    work.address = QStringLiteral("local");
    work.containers = { QStringLiteral("logistician-exp-c1"), QStringLiteral("x'; touch pwned") };
    work.logs = { { QStringLiteral("logistician-exp-c1"), root, QStringLiteral("saved logs") } };
    work.dirs = { gone1, gone2, image };
    work.removeIfEmpty = exp;
    const QString script
        = TerminateOperation::script(ShellWords::join({ docker, QStringLiteral("--context=x y") }), work);
    QCOMPARE(shell({ QStringLiteral("-n") }, script.toUtf8()), 0);
    QCOMPARE(shell({ QStringLiteral("-s") }, script.toUtf8(), nullptr, root), 0);

    QVERIFY(!QFileInfo::exists(gone1));
    QVERIFY(!QFileInfo::exists(gone2));
    QVERIFY(!QFileInfo::exists(image));
    QVERIFY(QFileInfo::exists(kept + QStringLiteral("/data/results/r.txt")));
    QVERIFY(QFileInfo::exists(exp)); // not empty: it stays
    QVERIFY(!QFileInfo::exists(marker));
    QFile saved(root + QStringLiteral("/saved logs/docker.txt"));
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), QByteArray("log of logistician-exp-c1\n"));
    QFile log(root + QStringLiteral("/docker.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray calls = log.readAll();
    QVERIFY2(calls.contains("<--context=x y>\n<rm>\n<-f>\n<logistician-exp-c1>\n<x'; touch pwned>\n"),
             calls.constData());

    // The last folder gone, the experiment's folder goes too.
    work.logs.clear();
    work.dirs = { kept };
    QCOMPARE(shell({ QStringLiteral("-s") }, TerminateOperation::script(ShellWords::quote(docker), work).toUtf8(),
                   nullptr, root),
             0);
    QVERIFY2(
        !QFileInfo::exists(exp),
        qPrintable(QDir(exp).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).join(QLatin1Char(','))));
    QVERIFY(QFileInfo::exists(root + QStringLiteral("/logistician")));
    QVERIFY(QFileInfo::exists(docker));
    QVERIFY(!QFileInfo::exists(marker));
}

// The runner (templates/remote/runner.sh), run for real with a docker that only answers: once each container
// ended it has the log saved ("sh KEY.sh ended") and then records the exit code, so whoever sees the exit code
// finds the log there (auto sync runs no docker logs); and a claim costs no process per line already claimed.
void TestRemoteScript::runnerSavesEachLogThenItsExitCode()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    auto write = [](const QString& path, const QByteArray& text) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(text) == text.size()
            && f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    };
    // docker wait: the number in the container's name; anything else: nothing.
    QVERIFY(
        write(dir + QStringLiteral("/docker"), "#!/bin/sh\ncase $1 in wait) sleep 0.05; echo \"${2##*-}\" ;; esac\n"));
    // mkdir, counted.
    QVERIFY(QDir().mkpath(dir + QStringLiteral("/bin")));
    QVERIFY(write(dir + QStringLiteral("/bin/mkdir"),
                  "#!/bin/sh\necho \"$*\" >> \"$MKDIR_LOG\"\nexec /bin/mkdir \"$@\"\n"));
    const QString runnerDir = dir + QStringLiteral("/runner");
    QVERIFY(QDir().mkpath(runnerDir));
    const RemoteScript runner = RemoteScript(QStringLiteral("runner"))
                                    .setWords(QStringLiteral("DOCKER"), { dir + QStringLiteral("/docker") });
    QVERIFY2(runner.error().isEmpty(), qPrintable(runner.error()));
    QVERIFY(write(runnerDir + QStringLiteral("/runner.sh"), runner.render().toUtf8()));
    const int count = 20;
    QByteArray queue;
    for (int i = 1; i <= count; ++i) {
        const QByteArray key = "c" + QByteArray::number(i);
        queue += key + " container-" + QByteArray::number(i % 3) + " -\n";
        // A start script that starts nothing; run with "ended", it says whether the exit code was there already.
        QVERIFY(write(runnerDir + QLatin1Char('/') + QString::fromLatin1(key) + QStringLiteral(".sh"),
                      "if [ \"${1-}\" = ended ]; then\n"
                      "    [ -e claims/"
                          + key + "/exit ] && echo \"" + key
                          + " too late\" >> ended.log\n"
                            "    echo "
                          + key + " >> ended.log\n    exit 0\nfi\nexit 0\n"));
    }
    QVERIFY(write(runnerDir + QStringLiteral("/queue"), queue));
    QProcess sh;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), dir + QStringLiteral("/bin:") + env.value(QStringLiteral("PATH")));
    env.insert(QStringLiteral("MKDIR_LOG"), dir + QStringLiteral("/mkdir.log"));
    sh.setProcessEnvironment(env);
    sh.start(QStringLiteral("sh"), { runnerDir + QStringLiteral("/runner.sh"), runnerDir, QStringLiteral("2") });
    QVERIFY(sh.waitForFinished(60000));
    QCOMPARE(sh.exitCode(), 0);
    QVERIFY(QFileInfo::exists(runnerDir + QStringLiteral("/runner.done")));
    QFile ended(runnerDir + QStringLiteral("/ended.log"));
    QVERIFY(ended.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = ended.readAll().split('\n');
    for (int i = 1; i <= count; ++i) {
        const QString claim = runnerDir + QStringLiteral("/claims/c%1").arg(i);
        QVERIFY2(QFileInfo::exists(claim + QStringLiteral("/saved")), qPrintable(claim));
        QFile exit(claim + QStringLiteral("/exit"));
        QVERIFY(exit.open(QIODevice::ReadOnly));
        QCOMPARE(exit.readAll(), QByteArray::number(i % 3) + "\n");
        QCOMPARE(lines.count("c" + QByteArray::number(i)), 1);
        QVERIFY(!lines.contains("c" + QByteArray::number(i) + " too late"));
    }
    // One mkdir per claim (and the claims folder); a race between the two workers may add one now and then,
    // never one per line already claimed (which made about count * count / 2).
    QFile made(dir + QStringLiteral("/mkdir.log"));
    QVERIFY(made.open(QIODevice::ReadOnly));
    const int mkdirs = made.readAll().count('\n');
    QVERIFY2(mkdirs <= count + 6, qPrintable(QString::number(mkdirs)));
}

// deploy on the local engine starts the runner once the queue and the first conditions are written, then writes
// the others while it runs them, each condition's start script last (renamed into place whole). The runner (run
// for real, with a docker that only answers) starts a line only once its start script is there: while the deploy
// named in the publishing file lives it waits for it, and once that deploy is gone it never starts it.
void TestRemoteScript::runnerStartsOnlyPublishedConditions()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    auto write = [](const QString& path, const QByteArray& text) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(text) == text.size()
            && f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    };
    QVERIFY(write(dir + QStringLiteral("/docker"), "#!/bin/sh\ncase $1 in wait) echo 0 ;; esac\n"));
    const QString runnerDir = dir + QStringLiteral("/runner");
    QVERIFY(QDir().mkpath(runnerDir));
    const RemoteScript runner = RemoteScript(QStringLiteral("runner"))
                                    .setWords(QStringLiteral("DOCKER"), { dir + QStringLiteral("/docker") });
    QVERIFY2(runner.error().isEmpty(), qPrintable(runner.error()));
    QVERIFY(write(runnerDir + QStringLiteral("/runner.sh"), runner.render().toUtf8()));
    QVERIFY(write(runnerDir + QStringLiteral("/queue"), "c1 container-1 -\nc2 container-2 -\nc3 container-3 -\n"));
    auto publish = [&](const char* key) {
        return write(runnerDir + QLatin1Char('/') + QLatin1String(key) + QStringLiteral(".sh"),
                     "if [ \"${1-}\" = ended ]; then exit 0; fi\nexit 0\n");
    };
    QVERIFY(publish("c1"));
    // The deploy still at work: a live process named in the publishing file.
    QProcess deploy;
    deploy.start(QStringLiteral("sleep"), { QStringLiteral("60") });
    QVERIFY(deploy.waitForStarted());
    QVERIFY(write(runnerDir + QStringLiteral("/publishing"), QByteArray::number(deploy.processId()) + "\n"));
    QProcess sh;
    sh.start(QStringLiteral("sh"), { runnerDir + QStringLiteral("/runner.sh"), runnerDir, QStringLiteral("2") });
    const QString claims = runnerDir + QStringLiteral("/claims/");
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(claims + QStringLiteral("c1/exit")), 20000);
    // c2 has no start script yet: not claimed, and the runner waits for it.
    QTest::qWait(1000);
    QVERIFY2(!QFileInfo::exists(claims + QStringLiteral("c2")),
             qPrintable(QDir(claims).entryList(QDir::Dirs | QDir::NoDotAndDotDot).join(QLatin1Char(' '))));
    QCOMPARE(sh.state(), QProcess::Running);
    QVERIFY(publish("c2"));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(claims + QStringLiteral("c2/exit")), 20000);
    QCOMPARE(sh.state(), QProcess::Running);
    // The deploy ended without writing c3 (killed, or it failed there): the runner ends without starting it.
    deploy.kill();
    QVERIFY(deploy.waitForFinished());
    QVERIFY(sh.waitForFinished(20000));
    QCOMPARE(sh.exitCode(), 0);
    QVERIFY(QFileInfo::exists(runnerDir + QStringLiteral("/runner.done")));
    QVERIFY(!QFileInfo::exists(claims + QStringLiteral("c3")));
    QFile state(claims + QStringLiteral("c2/state"));
    QVERIFY(state.open(QIODevice::ReadOnly));
    QCOMPARE(state.readAll(), QByteArray("started\n"));
}

QTEST_GUILESS_MAIN(TestRemoteScript)
#include "TestRemoteScript.moc"

void TestRemoteScript::lastLineIsTheLastWrittenOfBothStreams()
{
    // docker logs prints the container's stdout and stderr as two streams, so merged they may come out of
    // order: the board's last line is the one written last (by its timestamp), whichever stream it is on.
    QTemporaryDir tmp;
    const QString docker = tmp.filePath(QStringLiteral("docker"));
    QFile fake(docker);
    QVERIFY(fake.open(QIODevice::WriteOnly));
    fake.write("#!/bin/sh\n"
               "for a; do last=$a; done\n"
               "case \"$last\" in\n"
               "gone) echo 'Error: No such container: gone' >&2; exit 1 ;;\n"
               "esac\n"
               "echo '2026-11-26T08:00:02.000000000Z loss is nan: diverged' >&2\n"
               "echo '2026-11-26T08:00:00.000000000Z epoch 2/10'\n"
               "echo '2026-11-26T08:00:01.000000000Z epoch 3/10'\n");
    fake.close();
    QVERIFY(fake.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    RemoteScript script(QStringLiteral("last-lines"));
    script.setWords(QStringLiteral("DOCKER"), { docker }).set(QStringLiteral("CHARS"), QStringLiteral("300"));
    script.call(QStringLiteral("l"), { QStringLiteral("c1-x"), QStringLiteral("c1") });
    script.call(QStringLiteral("l"), { QStringLiteral("c2-y"), QStringLiteral("gone") });
    QByteArray out;
    QCOMPARE(shell({ QStringLiteral("-s") }, script.render().toUtf8(), &out), 0);
    QCOMPARE(out, QByteArray("c1-x\tloss is nan: diverged\nc2-y\t\n"));
}
