// SPDX-License-Identifier: MIT
#include "ScratchRepository.h"
#include "git/GitRepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

namespace {
void writeFileAt(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
}
} // namespace

class TestGitRepository : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_home;

private Q_SLOTS:
    void initTestCase()
    {
        // No Git identity but what a test sets: HOME is a scratch folder before libgit2 first reads it.
        QVERIFY(m_home.isValid());
        qputenv("HOME", m_home.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", (m_home.path() + "/.config").toUtf8());
        qputenv("GIT_CONFIG_NOSYSTEM", "1");
    }

    // With no user.name/user.email anywhere, a commit is refused naming the setting; saved, it works.
    void commitWithoutAnAuthorSaysWhatToSet()
    {
        ScratchRepository repo;
        repo.writeFile("a.txt", "a\n");
        auto git = GitRepository::discover(repo.path()).valueOr(nullptr);
        QVERIFY(!git->identity().isValid());
        const ResultOf<QString> refused = git->commitPaths({ "a.txt" }, "first");
        QCOMPARE(refused.kind(), Result::Kind::BadInput);
        QVERIFY2(refused.message().contains("user.name"), qPrintable(refused.message()));
        QVERIFY(git->headCommit().isEmpty());
        QCOMPARE(GitRepository::saveGlobalIdentity({ "", "x@example.invalid" }).kind(), Result::Kind::BadInput);
        const Result saved = GitRepository::saveGlobalIdentity({ "Grace Hopper", "grace@example.invalid" });
        QVERIFY2(saved, qPrintable(saved.message()));
        QFile config(m_home.filePath(".gitconfig"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QVERIFY(config.readAll().contains("Grace Hopper"));
        auto fresh = GitRepository::discover(repo.path()).valueOr(nullptr); // a repository opened afresh reads it
        QCOMPARE(fresh->identity().email, QString("grace@example.invalid"));
        QVERIFY(fresh->commitPaths({ "a.txt" }, "first"));
        QCOMPARE(repo.git({ "log", "-1", "--format=%an" }), QString("Grace Hopper"));
    }

    void discoversRootFromSubfolder()
    {
        ScratchRepository repo;
        repo.writeFile("a/b/c.txt", "x");
        auto discovered = GitRepository::discover(repo.filePath("a/b"));
        QVERIFY2(discovered, qPrintable(discovered.message()));
        const auto git = discovered.take();
        QCOMPARE(QDir(git->workdir()).canonicalPath(), QDir(repo.path()).canonicalPath());
    }

    void notARepository()
    {
        QTemporaryDir dir;
        const Result error = GitRepository::discover(dir.path()).error();
        QVERIFY(!error);
        QCOMPARE(error.kind(), Result::Kind::BadInput);
        QVERIFY2(error.message().contains("is not inside a Git repository"), qPrintable(error.message()));
    }

    void headDirtyAndOrigin()
    {
        ScratchRepository repo;
        auto git = GitRepository::discover(repo.path()).valueOr(nullptr);
        QVERIFY(git);
        QCOMPARE(git->headCommit(), QString()); // unborn
        QCOMPARE(git->remoteUrl(), QString());

        repo.writeFile("file.txt", "one\n");
        const QString first = repo.commitAll();
        QCOMPARE(git->headCommit(), first);
        QCOMPARE(first.size(), 40);
        QVERIFY(!git->isDirty());

        repo.writeFile("untracked.txt", "u");
        QVERIFY(!git->isDirty()); // untracked files are in no commit
        repo.writeFile("file.txt", "two\n");
        QVERIFY(git->isDirty());
        repo.git({ "add", "file.txt" });
        QVERIFY(git->isDirty()); // staged is dirty too
        const QString second = repo.commitAll();
        QVERIFY(second != first);
        QCOMPARE(git->headCommit(), second);
        QVERIFY(!git->isDirty());

        const QString url = repo.addBareOrigin();
        QCOMPARE(git->remoteUrl(), url);
    }

    // An experiment that was never committed: its files are untracked, and a run of it is not reproducible
    // from HEAD. Before, isDirty() said clean (and provenance.json dirty:false against a commit without it).
    void untrackedFilesOfTheExperimentAreDirty()
    {
        ScratchRepository repo;
        repo.writeFile("experiments/old/parameters.json", "{}\n");
        repo.writeFile("experiments/old/.gitignore", ".logistician/\ndata/\n");
        repo.commitAll();
        repo.writeFile("experiments/new/parameters.json", "{}\n");
        repo.writeFile("experiments/new/sub/code.py", "print(1)\n");
        auto git = GitRepository::discover(repo.path()).valueOr(nullptr);
        QVERIFY(git);
        QVERIFY(git->isDirty(repo.filePath("experiments/new")));
        QVERIFY(!git->isDirty(repo.filePath("experiments/old"))); // another experiment's new files are not its own
        QVERIFY(!git->isDirty()); // without an experiment, untracked files do not count
        // Listed file by file, inside the new folder too.
        QStringList untracked;
        for (const GitRepository::Change& c : git->changes()) {
            QVERIFY(c.untracked());
            untracked << c.path;
        }
        QCOMPARE(untracked, QStringList({ "experiments/new/parameters.json", "experiments/new/sub/code.py" }));
        QCOMPARE(git->changedPaths(), untracked);
    }

    void ignoredAndOwnOutputAreNotDirty()
    {
        ScratchRepository repo;
        repo.writeFile("experiments/e/parameters.json", "{}\n");
        repo.writeFile("experiments/e/.gitignore", "data/\n");
        repo.writeFile("experiments/orig/parameters.json", "{}\n"); // no .gitignore, as the original's
        repo.commitAll();
        repo.writeFile("experiments/e/data/local-1/results/x.txt", "1\n"); // ignored by .gitignore
        repo.writeFile("experiments/orig/data/c1/results/x.txt", "1\n"); // the app's own output
        repo.writeFile("experiments/orig/.logistician/deployment.json", "{}\n");
        auto git = GitRepository::discover(repo.path()).valueOr(nullptr);
        QVERIFY(!git->isDirty(repo.filePath("experiments/e")));
        QVERIFY(!git->isDirty(repo.filePath("experiments/orig")));
        QVERIFY(git->changes().isEmpty());
        // A data/ folder that is not an experiment's is the user's own: it counts.
        repo.writeFile("experiments/orig/lib/data/table.csv", "1\n");
        QVERIFY(git->isDirty(repo.filePath("experiments/orig")));
    }

    void initProjectWritesGitignoreAndFirstCommit()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath("my project");
        writeFileAt(project + "/experiments/e/parameters.json", "{}\n");
        writeFileAt(project + "/experiments/e/data/local-1/out.txt", "big\n");
        writeFileAt(project + "/.logistician/state.json", "{}\n");
        const ResultOf<QString> made = GitRepository::initProject(project);
        QVERIFY2(made, qPrintable(made.message()));
        const QString commit = *made;
        QCOMPARE(commit.size(), 40);
        auto git = GitRepository::discover(project).valueOr(nullptr);
        QVERIFY(git);
        QCOMPARE(git->headCommit(), commit);
        QVERIFY(!git->isDirty(project + "/experiments/e"));
        QVERIFY(git->changes().isEmpty());
        QFile ignore(project + "/.gitignore");
        QVERIFY(ignore.open(QIODevice::ReadOnly));
        const QByteArray ignored = ignore.readAll();
        QVERIFY(ignored.contains("experiments/*/data/\n"));
        QVERIFY(ignored.contains(".logistician/\n"));
        // The commit holds the code and the .gitignore, not the data or the app's state.
        QTemporaryDir out;
        QVERIFY(git->exportTree(commit, QString(), out.path()));
        QVERIFY(QFile::exists(out.filePath("experiments/e/parameters.json")));
        QVERIFY(QFile::exists(out.filePath(".gitignore")));
        QVERIFY(!QFile::exists(out.filePath("experiments/e/data")));
        QVERIFY(!QFile::exists(out.filePath(".logistician")));
        // A second time is bad input: it is a repository already.
        const ResultOf<QString> again = GitRepository::initProject(project);
        QCOMPARE(again.kind(), Result::Kind::BadInput);
        // Never the home folder.
        QCOMPARE(GitRepository::initProject(QDir::homePath()).kind(), Result::Kind::BadInput);
        // A folder that does not exist yet is made.
        QVERIFY(GitRepository::initProject(dir.filePath("new/one")));
        QVERIFY(QFile::exists(dir.filePath("new/one/.gitignore")));
    }

    void commitsTheSelectedFilesOnly()
    {
        ScratchRepository repo;
        repo.git({ "config", "user.name", "Ada Author" });
        repo.git({ "config", "user.email", "ada@example.invalid" });
        repo.writeFile("keep.txt", "one\n");
        repo.writeFile("gone.txt", "bye\n");
        repo.writeFile("staged.txt", "s\n");
        const QString first = repo.commitAll();
        repo.writeFile("keep.txt", "two\n");
        repo.writeFile("new/run.sh", "#!/bin/sh\n", true);
        repo.writeFile("left.txt", "not chosen\n");
        QVERIFY(QFile::remove(repo.filePath("gone.txt")));
        repo.writeFile("staged.txt", "staged, not chosen\n");
        repo.git({ "add", "staged.txt" });

        auto git = GitRepository::discover(repo.path()).valueOr(nullptr);
        QCOMPARE(git->identity().name, QString("Ada Author"));
        const ResultOf<QString> committed = git->commitPaths({ "keep.txt", "new/run.sh", "gone.txt" }, "Chosen files");
        QVERIFY2(committed, qPrintable(committed.message()));
        QCOMPARE(*committed, git->headCommit());
        QCOMPARE(repo.git({ "rev-parse", "HEAD~1" }), first);
        QCOMPARE(repo.git({ "log", "-1", "--format=%an <%ae> %s" }),
                 QString("Ada Author <ada@example.invalid> Chosen files"));
        QCOMPARE(repo.git({ "show", "--name-status", "--format=", "HEAD" }),
                 QString("D\tgone.txt\nM\tkeep.txt\nA\tnew/run.sh"));
        QCOMPARE(repo.git({ "ls-tree", "HEAD", "new/run.sh" }).left(6), QString("100755"));
        // What was not chosen stays as it was: staged stays staged, untracked stays untracked.
        QCOMPARE(repo.git({ "status", "--porcelain" }), QString("M  staged.txt\n?? left.txt"));

        // No message, no files: bad input.
        QCOMPARE(git->commitPaths({ "left.txt" }, "  ").kind(), Result::Kind::BadInput);
        QCOMPARE(git->commitPaths({}, "x").kind(), Result::Kind::BadInput);
    }

    void firstCommitOfAnUnbornRepository()
    {
        ScratchRepository repo;
        repo.git({ "config", "user.name", "Ada" });
        repo.git({ "config", "user.email", "ada@example.invalid" });
        repo.writeFile("a.txt", "a\n");
        auto git = GitRepository::discover(repo.path()).valueOr(nullptr);
        QVERIFY(git->isDirty(repo.path()));
        QVERIFY(git->commitPaths({ "a.txt" }, "first"));
        QCOMPARE(repo.git({ "rev-list", "--count", "HEAD" }), QString("1"));
        QVERIFY(!git->isDirty(repo.path()));
    }

    void exportTreeWritesCommittedFilesOnly()
    {
        ScratchRepository repo;
        repo.writeFile("proj/run.sh", "#!/bin/sh\necho committed\n", true);
        repo.writeFile("proj/sub/data.txt", "data\n");
        repo.writeFile("other/x.txt", "x\n");
        const QString commit = repo.commitAll();
        QVERIFY(QFile::link("run.sh", repo.filePath("proj/link.sh")));
        repo.commitAll("link");
        repo.writeFile("proj/run.sh", "#!/bin/sh\necho uncommitted\n", true);
        repo.writeFile("proj/new.txt", "not committed\n");

        auto git = GitRepository::discover(repo.path()).valueOr(nullptr);
        QTemporaryDir out;
        Result exported = git->exportTree(git->headCommit(), "proj", out.path());
        QVERIFY2(exported, qPrintable(exported.message()));
        QFile run(out.filePath("run.sh"));
        QVERIFY(run.open(QIODevice::ReadOnly));
        QCOMPARE(run.readAll(), QByteArray("#!/bin/sh\necho committed\n"));
        QVERIFY(QFileInfo(out.filePath("run.sh")).isExecutable());
        QVERIFY(QFileInfo(out.filePath("link.sh")).isSymLink());
        QCOMPARE(QFileInfo(out.filePath("link.sh")).symLinkTarget(), out.filePath("run.sh"));
        QVERIFY(QFile::exists(out.filePath("sub/data.txt")));
        QVERIFY(!QFile::exists(out.filePath("new.txt")));
        QVERIFY(!QFile::exists(out.filePath("other")));

        // An older commit, by id, and the whole tree.
        QTemporaryDir all;
        exported = git->exportTree(commit, QString(), all.path());
        QVERIFY2(exported, qPrintable(exported.message()));
        QVERIFY(QFile::exists(all.filePath("other/x.txt")));
        QVERIFY(!QFile::exists(all.filePath("proj/link.sh")));

        exported = git->exportTree(commit, "nope", all.path());
        QVERIFY(!exported);
        QVERIFY2(exported.message().contains("nope is not in commit"), qPrintable(exported.message()));
    }
};

QTEST_GUILESS_MAIN(TestGitRepository)
#include "TestGitRepository.moc"
