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
        QString error;
        auto git = GitRepository::discover(repo.filePath("a/b"), &error);
        QVERIFY2(git, qPrintable(error));
        QCOMPARE(QDir(git->workdir()).canonicalPath(), QDir(repo.path()).canonicalPath());
    }

    void notARepository()
    {
        QTemporaryDir dir;
        QString error;
        QVERIFY(!GitRepository::discover(dir.path(), &error));
        QVERIFY2(error.contains("is not inside a Git repository"), qPrintable(error));
    }

    void headDirtyAndOrigin()
    {
        ScratchRepository repo;
        QString error;
        auto git = GitRepository::discover(repo.path(), &error);
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

        QString error;
        auto git = GitRepository::discover(repo.path(), &error);
        QTemporaryDir out;
        QVERIFY2(git->exportTree(git->headCommit(), "proj", out.path(), &error), qPrintable(error));
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
        QVERIFY2(git->exportTree(commit, QString(), all.path(), &error), qPrintable(error));
        QVERIFY(QFile::exists(all.filePath("other/x.txt")));
        QVERIFY(!QFile::exists(all.filePath("proj/link.sh")));

        QVERIFY(!git->exportTree(commit, "nope", all.path(), &error));
        QVERIFY2(error.contains("nope is not in commit"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestGitRepository)
#include "TestGitRepository.moc"
