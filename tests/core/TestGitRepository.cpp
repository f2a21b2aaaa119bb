// SPDX-License-Identifier: MIT
#include "ScratchRepository.h"
#include "git/GitRepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

class TestGitRepository : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void discoversRootFromSubfolder()
    {
        ScratchRepository repo;
        repo.writeFile("a/b/c.txt", "x");
        Result error;
        auto git = GitRepository::discover(repo.filePath("a/b"), &error);
        QVERIFY2(git, qPrintable(error.message()));
        QCOMPARE(QDir(git->workdir()).canonicalPath(), QDir(repo.path()).canonicalPath());
    }

    void notARepository()
    {
        QTemporaryDir dir;
        Result error;
        QVERIFY(!GitRepository::discover(dir.path(), &error));
        QCOMPARE(error.kind(), Result::Kind::BadInput);
        QVERIFY2(error.message().contains("is not inside a Git repository"), qPrintable(error.message()));
    }

    void headDirtyAndOrigin()
    {
        ScratchRepository repo;
        auto git = GitRepository::discover(repo.path());
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

        auto git = GitRepository::discover(repo.path());
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
