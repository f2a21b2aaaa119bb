// SPDX-License-Identifier: MIT
#include "Experiment.h"
#include "Parameters.h"
#include "PrintableText.h"
#include "ScratchRepository.h"
#include "Settings.h"
#include "board/ResultsCsv.h"
#include "board/ResultsScanner.h"
#include "deploy/DeploymentState.h"
#include "deploy/Provenance.h"
#include "deploy/RemoteScript.h"
#include "files/SafeFile.h"
#include "git/GitRepository.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

// A small tmpfs of its own (the tests run as root, as CI does), filled up on request: a full disk for real.
class SmallDisk
{
public:
    explicit SmallDisk(const char* size)
        : m_path(m_tmp.filePath("small"))
    {
        QDir().mkpath(m_path);
        m_mounted
            = QProcess::execute("mount", { "-t", "tmpfs", "-o", QStringLiteral("size=%1").arg(size), "tmpfs", m_path })
            == 0;
    }
    ~SmallDisk()
    {
        if (m_mounted)
            QProcess::execute("umount", { m_path });
    }
    bool mounted() const { return m_mounted; }
    QString path() const { return m_path; }
    void fill() const
    {
        QFile filler(m_path + "/filler");
        if (!filler.open(QIODevice::WriteOnly))
            return;
        const QByteArray block(4096, 'x');
        while (filler.write(block) == block.size() && filler.flush()) { }
    }
    // Whether this machine lets the test mount one; a failure under CI, else a skip.
    static bool allowed() { return ::geteuid() == 0; }

private:
    QTemporaryDir m_tmp;
    QString m_path;
    bool m_mounted = false;
};

#define REQUIRE_SMALL_DISK()                                                                                           \
    do {                                                                                                               \
        if (!SmallDisk::allowed()) {                                                                                   \
            if (qEnvironmentVariable("CI") == QLatin1String("true"))                                                   \
                QFAIL("CI runs as root (scripts/test.sh); this test mounts a small tmpfs");                            \
            QSKIP("mounting a small tmpfs needs root");                                                                \
        }                                                                                                              \
    } while (false)

// Files a container, a host or a cloned project planted: symlinks, FIFOs, a full
// disk, a project's own "docker", formulas in results. Each test is one finding
// of the audit (issue 24) and failed before its fix.
class TestHostileFiles : public QObject
{
    Q_OBJECT
private:
    static QByteArray readAll(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static void write(const QString& path, const QByteArray& data)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(data);
    }

private Q_SLOTS:
    void writeNeverFollowsASymlinkAtTheFile()
    {
        QTemporaryDir tmp;
        write(tmp.filePath("victim"), "precious\n");
        QVERIFY(QFile::link(tmp.filePath("victim"), tmp.filePath("deployment.json")));
        const Result r = SafeFile::write(tmp.filePath("deployment.json"), "{}");
        QVERIFY(!r.isOk());
        QVERIFY2(r.message().contains("symbolic link"), qPrintable(r.message()));
        QCOMPARE(readAll(tmp.filePath("victim")), QByteArray("precious\n"));
        QVERIFY(QFileInfo(tmp.filePath("deployment.json")).isSymLink());
    }

    void writeNeverFollowsASymlinkedFolderBelowTheBase()
    {
        // data/c1-1/attempt-2 -> elsewhere, planted by attempt 1's container.
        QTemporaryDir tmp;
        QDir().mkpath(tmp.filePath("data/c1-1"));
        QDir().mkpath(tmp.filePath("elsewhere/config"));
        QVERIFY(QFile::link(tmp.filePath("elsewhere"), tmp.filePath("data/c1-1/attempt-2")));
        const QString target = tmp.filePath("data/c1-1/attempt-2/config/provenance.json");
        QVERIFY(!SafeFile::write(target, "{}", tmp.filePath("data")).isOk());
        QVERIFY(!QFile::exists(tmp.filePath("elsewhere/config/provenance.json")));
        QVERIFY(!SafeFile::makePath(tmp.filePath("data/c1-1/attempt-2/logs"), tmp.filePath("data")).isOk());
        QVERIFY(!QDir(tmp.filePath("elsewhere/logs")).exists());
        // A real folder is fine, made on the way.
        QVERIFY(SafeFile::makePath(tmp.filePath("data/c2-1/logs"), tmp.filePath("data")).isOk());
        QVERIFY(SafeFile::write(tmp.filePath("data/c2-1/logs/x.txt"), "ok", tmp.filePath("data")).isOk());
        QCOMPARE(readAll(tmp.filePath("data/c2-1/logs/x.txt")), QByteArray("ok"));
    }

    void writeReplacesWholeAndKeepsTheMode()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath("settings.ini");
        write(path, "old");
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0600) == 0);
        QVERIFY(SafeFile::write(path, "new contents").isOk());
        QCOMPARE(readAll(path), QByteArray("new contents"));
        QCOMPARE(QFileInfo(path).permissions() & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden), QStringList { "settings.ini" });
    }

    // Finding 6: a full disk emptied deployment.json while the save said it worked.
    void fullDiskKeepsTheOldFileAndSaysSo()
    {
        REQUIRE_SMALL_DISK();
        const SmallDisk disk("64k");
        QVERIFY(disk.mounted());
        const QString mount = disk.path();
        const QString path = mount + "/deployment.json";
        const QByteArray old = "{\"experiment\": \"kept\"}\n";
        QVERIFY(SafeFile::write(path, old).isOk());
        disk.fill();
        const Result r = SafeFile::write(path, QByteArray(32 * 1024, 'y'));
        QVERIFY(!r.isOk());
        QVERIFY2(r.message().contains("unchanged"), qPrintable(r.message()));
        QCOMPARE(readAll(path), old);
        QCOMPARE(QDir(mount).entryList(QDir::Files | QDir::Hidden), (QStringList { "deployment.json", "filler" }));
    }

    // Finding 6 for the files that keep machines findable: deployment.json and the index survive a full disk.
    void fullDiskKeepsStateAndIndex()
    {
        REQUIRE_SMALL_DISK();
        const SmallDisk disk("256k");
        QVERIFY(disk.mounted());
        const QString mount = disk.path();
        const QString stateDir = mount + "/exp/.logistician";
        QVERIFY(QDir().mkpath(mount + "/exp"));
        DeploymentState s;
        s.experiment = "full-disk";
        s.backend = "local";
        s.hosts << DeploymentState::Host::at("local");
        DeploymentState::Condition c;
        c.index = 1;
        c.slug = "c1";
        c.host = "local";
        s.conditions << c;
        QVERIFY(s.save(stateDir));
        DeploymentIndex index(mount + "/index");
        QVERIFY(index.record(mount + "/exp", stateDir, s));
        disk.fill();
        // A state too big for what is left: both saves fail, and say so; both files keep what they had.
        DeploymentState big = s;
        for (int i = 2; i <= 2000; ++i) {
            DeploymentState::Condition more = c;
            more.index = i;
            more.slug = QStringLiteral("c%1").arg(i);
            big.conditions << more;
        }
        QVERIFY(!big.save(stateDir).isOk());
        QVERIFY(!index.record(mount + "/exp", stateDir, big).isOk());
        const ResultOf<DeploymentState> loaded = DeploymentState::load(stateDir);
        QVERIFY2(loaded.isOk(), qPrintable(loaded.message()));
        QCOMPARE(loaded->conditions.size(), 1);
        QCOMPARE(index.entries().size(), 1);
        QCOMPARE(index.entries().first().state.conditions.size(), 1);
    }

    // Finding 6 for settings.ini: a save on a full disk fails, says so, and leaves the file as it was.
    void fullDiskKeepsSettings()
    {
        REQUIRE_SMALL_DISK();
        const SmallDisk disk("256k");
        QVERIFY(disk.mounted());
        const QByteArray config = qgetenv("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", disk.path().toUtf8());
        auto restore = qScopeGuard([&] { qputenv("XDG_CONFIG_HOME", config); });
        QCOMPARE(Settings::filePath(), disk.path() + "/logistician/settings.ini");
        {
            Settings settings;
            settings.setRegistry("registry.example:5000");
            QVERIFY(settings.save());
        }
        const QByteArray before = readAll(Settings::filePath());
        QVERIFY(before.contains("registry.example:5000"));
        disk.fill();
        {
            Settings settings;
            settings.setRegistry(QString(300 * 1024, QLatin1Char('r')));
            const Result saved = settings.save();
            QVERIFY(!saved);
            QVERIFY2(saved.message().contains(Settings::filePath()), qPrintable(saved.message()));
        }
        QCOMPARE(readAll(Settings::filePath()), before);
    }

    // Finding 13: results hung for ever on a FIFO; finding 7: a symlink came home and was read.
    void readRefusesFifosAndSymlinksWithoutBlocking()
    {
        QTemporaryDir tmp;
        const QString results = tmp.filePath("results");
        QVERIFY(QDir().mkpath(results + "/sub"));
        QCOMPARE(::mkfifo(QFile::encodeName(results + "/metrics.json").constData(), 0644), 0);
        QCOMPARE(::mkfifo(QFile::encodeName(results + "/sub/more.csv").constData(), 0644), 0);
        write(tmp.filePath("secret.json"), "{\"secret\": 42}");
        QVERIFY(QFile::link(tmp.filePath("secret.json"), results + "/passwd.json"));
        QVERIFY(QFile::link(tmp.path(), results + "/up"));
        write(results + "/ok.json", "{\"loss\": 0.5}");

        QElapsedTimer timer;
        timer.start();
        QStringList files;
        const QMap<QString, double> metrics = ResultsScanner::scanFolder(results, &files);
        QVERIFY(timer.elapsed() < 5000);
        QCOMPARE(files, QStringList { "ok.json" });
        QCOMPARE(metrics.keys(), QStringList { "loss" });

        const auto fifo = SafeFile::read(results + "/metrics.json", 1024);
        QVERIFY(!fifo);
        QVERIFY2(fifo.message().contains("not a regular file"), qPrintable(fifo.message()));
        QVERIFY(!SafeFile::read(results + "/passwd.json", 1024));
        QVERIFY(!SafeFile::read(results + "/ok.json", 4)); // bounded
        QCOMPARE(SafeFile::read(results + "/ok.json", 1024).valueOr(QByteArray()), QByteArray("{\"loss\": 0.5}"));
    }

    void provenanceIsNotReadThroughASymlink()
    {
        QTemporaryDir tmp;
        QDir().mkpath(tmp.filePath("c1/config"));
        QDir().mkpath(tmp.filePath("c1/logs"));
        write(tmp.filePath("elsewhere.json"), "{\"host\": \"planted\"}");
        QVERIFY(QFile::link(tmp.filePath("elsewhere.json"), tmp.filePath("c1/config/provenance.json")));
        QCOMPARE(::mkfifo(QFile::encodeName(tmp.filePath("c1/logs/exit_code.txt")).constData(), 0644), 0);
        QElapsedTimer timer;
        timer.start();
        const Provenance::Record r = Provenance::read(tmp.filePath("c1"));
        QVERIFY(timer.elapsed() < 5000);
        QCOMPARE(r.host, QString());
    }

    // Finding 4: "/proc/self/cwd/docker" passed the rule and ran the project's ./docker.
    // Finding 3: the host writes logs/output.txt and logs/docker.txt into a folder the container can change
    // while it runs. A container that swaps logs/ for a symlink at the worst moment (here: a `rm` on PATH
    // does it just before the file is made, as the old `rm -f F; set -C; CMD > F` allowed) writes nothing
    // outside its folder; the output lands in the folder the shell had entered.
    void hostWritesIntoAContainersFolderFollowNoSwappedFolder()
    {
        QTemporaryDir tmp;
        const QString root = tmp.filePath("data/c1");
        const QString victim = tmp.filePath("victim");
        QVERIFY(QDir().mkpath(root + "/attempt-2/logs") && QDir().mkpath(victim));
        QVERIFY(QDir().mkpath(tmp.filePath("bin")));
        write(tmp.filePath("bin/rm"),
              QStringLiteral("#!/bin/sh\n[ -L '%1/attempt-2/logs' ] || { mv '%1/attempt-2/logs' '%1/attempt-2/old' && "
                             "ln -s '%2' '%1/attempt-2/logs'; }\nexec /bin/rm \"$@\"\n")
                  .arg(root, victim)
                  .toUtf8());
        QVERIFY(QFile::setPermissions(tmp.filePath("bin/rm"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        const QString script
            = RemoteScript(QStringLiteral("save-log"))
                  .call(QStringLiteral("keep_output"),
                        { root, DeploymentState::Condition::logsFolder(2), "output.txt", "echo", "from the container" })
                  .render();
        QProcess sh;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PATH", tmp.filePath("bin") + ":" + env.value("PATH"));
        sh.setProcessEnvironment(env);
        sh.start("sh", { "-c", script });
        QVERIFY(sh.waitForFinished(10000));
        QVERIFY2(QDir(victim).isEmpty(), "written through a swapped folder");
        QCOMPARE(SafeFile::read(root + "/attempt-2/old/output.txt", 100, root).valueOr(QByteArray()),
                 QByteArray("from the container\n"));

        // Planted before: a symlinked logs/ is not entered at all, and says so.
        QVERIFY(QDir(root + "/attempt-2/logs").exists()); // the symlink to the victim, left from above
        sh.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        sh.start("sh", { "-c", script });
        QVERIFY(sh.waitForFinished(10000));
        QVERIFY(QDir(victim).isEmpty());
        QVERIFY2(sh.readAllStandardError().contains("leads out of its folder"), "no word on the refusal");
    }

    void dockerCommandIsAProgramNotAPathIntoTheProject_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("message");
        QTest::newRow("proc") << "/proc/self/cwd/docker"
                              << "must not be under /proc";
        QTest::newRow("proc-sudo") << "sudo /proc/1/root/usr/bin/docker"
                                   << "must not be under /proc";
        QTest::newRow("dev-fd") << "/dev/fd/3/docker"
                                << "must not be under /dev";
        QTest::newRow("dotdot") << "/usr/../tmp/docker"
                                << "no \".\" or \"..\"";
        QTest::newRow("dot") << "/usr/./bin/docker"
                             << "no \".\" or \"..\"";
    }
    void dockerCommandIsAProgramNotAPathIntoTheProject()
    {
        QFETCH(QString, command);
        QFETCH(QString, message);
        const QByteArray text = "{\"experiment_name\": \"x\", \"local_docker_command\": \"" + command.toUtf8() + "\"}";
        Result error;
        error = Parameters::parse(text, "parameters.json").error();
        QVERIFY(!error.isOk());
        QVERIFY2(error.message().contains("parameters.json:1:50: local_docker_command"), qPrintable(error.message()));
        QVERIFY2(error.message().contains(message), qPrintable(error.message()));
        QVERIFY(error.exitCode() == 2);
    }

    void dockerCommandInsideTheProjectIsRefusedAtOpen()
    {
        ScratchRepository repo;
        repo.writeFile("bin/docker", "#!/bin/sh\necho pwned > /tmp/pwned\n", true);
        repo.writeFile("experiments/1/Dockerfile", "FROM debian:bookworm-slim\n");
        // An absolute path that only the project's own clone location makes true:
        // the project's file, found through a symlink outside it too.
        QTemporaryDir outside;
        QVERIFY(QFile::link(repo.filePath("bin"), outside.filePath("tools")));
        for (const QString& path : { repo.filePath("bin/docker"), outside.filePath("tools/docker") }) {
            repo.writeFile("experiments/1/parameters.json",
                           "{\"experiment_name\": \"x\", \"local_docker_command\": \"" + path.toUtf8() + "\"}\n");
            const Result r = Experiment::open(repo.filePath("experiments/1")).error();
            QVERIFY2(!r.isOk(), qPrintable(path));
            QVERIFY2(r.message().contains("is a file of the project"), qPrintable(r.message()));
            QVERIFY2(r.message().contains("parameters.json"), qPrintable(r.message()));
            QCOMPARE(r.exitCode(), 2);
        }
        // An installed program stays fine.
        repo.writeFile("experiments/1/parameters.json",
                       "{\"experiment_name\": \"x\", \"local_docker_command\": \"/usr/bin/docker\"}\n");
        QVERIFY(Experiment::open(repo.filePath("experiments/1")).isOk());
    }

    // Finding 8: a project's known_hosts ("@cert-authority *") went into the index's, trusted for every host.
    void projectKnownHostsGiveOnlyTheirOwnHostsKeys()
    {
        QTemporaryDir tmp;
        const QString experiment = tmp.filePath("exp");
        const QString state = experiment + "/.logistician";
        QVERIFY(QDir().mkpath(state));
        write(experiment + "/parameters.json", "{\"experiment_name\": \"kh\"}\n");
        const QByteArray key = "AAAAC3NzaC1lZDI1NTE5AAAAIBbTsDDYzKLXoSdPxU1Gr4aT4dJxlZ2QmFmF5IHHLxwM";
        const QByteArray good = "[127.0.0.9]:2222 ssh-ed25519 " + key;
        write(state + "/known_hosts",
              "@cert-authority * ssh-ed25519 " + key + "\n" + "* ssh-ed25519 " + key + "\n"
                  + "other.example ssh-ed25519 " + key + "\n" + good + "\n" + "[127.0.0.9]:2222,* ssh-ed25519 " + key
                  + "\n");
        DeploymentState s;
        s.experiment = "kh";
        s.backend = "ssh";
        s.hosts << DeploymentState::Host::at("root@127.0.0.9:2222");
        DeploymentIndex index(tmp.filePath("index"));
        QVERIFY(index.record(experiment, state, s).isOk());
        QCOMPARE(readAll(index.sshDir() + "/known_hosts"), good + "\n");
    }

    // Finding 9: control characters are shown, not acted on; a stream split inside a character holds it back.
    void controlCharactersAreShownEscaped()
    {
        QCOMPARE(PrintableText::escaped(QStringLiteral("a\x1b]52;c;x\x07"
                                                       "b\tc\nd\x7f")),
                 QStringLiteral("a\\x1b]52;c;x\\x07b\tc\nd\\x7f"));
        QCOMPARE(PrintableText::escaped(QString(QChar(0x9b)) + QChar(0x202e)), QStringLiteral("\\u009b\\u202e"));
        PrintableText::EscapedStream stream;
        const QByteArray utf8 = QStringLiteral("é\x1b[2Jü").toUtf8(); // é is 2 bytes, ü 2 bytes
        QByteArray out;
        for (char byte : utf8)
            out += stream.feed(QByteArray(1, byte));
        out += stream.finish();
        QCOMPARE(QString::fromUtf8(out), QStringLiteral("é\\x1b[2Jü"));
        const QByteArray c1 = QString(QChar(0x9b)).toUtf8(); // C1 CSI: 0xC2 0x9B
        QCOMPARE(stream.feed(c1.left(1)), QByteArray());
        QCOMPARE(stream.feed(c1.mid(1)), QByteArray("\\u009b"));
    }

    // Finding 5: a tree naming "a" as a symlink and again as a folder made the export write through the symlink.
    void exportNeverWritesThroughASymlinkItMade()
    {
        ScratchRepository repo;
        repo.writeFile("README", "x\n");
        repo.commitAll();
        QTemporaryDir outside;
        auto object = [&](const QByteArray& content) {
            QProcess p;
            p.setWorkingDirectory(repo.path());
            p.start("git", { "hash-object", "-w", "--stdin" });
            p.write(content);
            p.closeWriteChannel();
            p.waitForFinished();
            return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        };
        auto tree = [&](const QByteArray& listing) {
            QProcess p;
            p.setWorkingDirectory(repo.path());
            p.start("git", { "mktree" });
            p.write(listing);
            p.closeWriteChannel();
            p.waitForFinished();
            return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        };
        const QString link = object(outside.path().toUtf8());
        const QString file = object("pwned\n");
        const QString sub = tree("100644 blob " + file.toUtf8() + "\tx\n");
        const QString root = tree("120000 blob " + link.toUtf8() + "\ta\n040000 tree " + sub.toUtf8() + "\ta\n");
        QVERIFY(!root.isEmpty());
        const QString commit
            = repo.git({ "-c", "user.name=t", "-c", "user.email=t@localhost", "commit-tree", root, "-m", "hostile" })
                  .trimmed();
        auto opened = GitRepository::discover(repo.path()).valueOr(nullptr);
        QVERIFY(opened);
        QTemporaryDir out;
        const Result exported = opened->exportTree(commit, QString(), out.filePath("code"));
        QVERIFY(!exported.isOk());
        QVERIFY2(exported.message().contains("twice") || exported.message().contains("symbolic link"),
                 qPrintable(exported.message()));
        QVERIFY(!QFileInfo::exists(outside.filePath("x")));
        QVERIFY(!opened->exportRepository(commit, out.filePath("repo")).isOk());
        QVERIFY(!QFileInfo::exists(outside.filePath("x")));
    }

    // Finding 12: a metric named =HYPERLINK(...) went into the CSV as a formula.
    void csvCellsAreNotFormulas_data()
    {
        QTest::addColumn<QString>("cell");
        QTest::addColumn<QString>("written");
        QTest::newRow("equals") << "=HYPERLINK(\"http://x\")"
                                << "\"'=HYPERLINK(\"\"http://x\"\")\"";
        QTest::newRow("at") << "@SUM(A1:A2)"
                            << "'@SUM(A1:A2)";
        QTest::newRow("plus") << "+cmd"
                              << "'+cmd";
        QTest::newRow("minus-text") << "-2+3"
                                    << "'-2+3";
        QTest::newRow("tab") << "\t=1"
                             << "'\t=1";
        QTest::newRow("negative-number") << "-0.5"
                                         << "-0.5";
        QTest::newRow("exponent") << "-1e-3"
                                  << "-1e-3";
        QTest::newRow("plain") << "loss"
                               << "loss";
    }
    void csvCellsAreNotFormulas()
    {
        QFETCH(QString, cell);
        QFETCH(QString, written);
        QCOMPARE(ResultsCsv::field(cell), written);
    }
};

QTEST_GUILESS_MAIN(TestHostileFiles)
#include "TestHostileFiles.moc"
