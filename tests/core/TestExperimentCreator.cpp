// SPDX-License-Identifier: MIT
#include "ExperimentCreator.h"
#include "Parameters.h"
#include "ScratchRepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

// Making a new experiment folder from the shipped templates (LOGISTICIAN_DATA_DIR).
class TestExperimentCreator : public QObject
{
    Q_OBJECT
private:
    static QByteArray read(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void createsFromTheTemplate()
    {
        QVERIFY(ExperimentCreator::templates().contains("shell"));
        ScratchRepository repo;
        ExperimentCreator::Options options;
        options.projectRoot = repo.path();
        options.name = "sweep-1";
        options.gitUrl = "https://example.invalid/team/repo.git";
        options.command = "sh train.sh --epochs 3";
        const ResultOf<ExperimentCreator::Created> r = ExperimentCreator::create(options);
        QVERIFY2(r, qPrintable(r.message()));
        const QString dir = r->experimentDir;
        QCOMPARE(dir, repo.path() + "/experiments/sweep-1");
        Result error;
        const auto params = Parameters::load(dir + "/parameters.json");
        error = params.error();
        QVERIFY2(params, qPrintable(error.message()));
        QCOMPARE(params->experimentName(), QString("sweep-1"));
        QCOMPARE(params->experimentCommand(), options.command);
        const QByteArray dockerfile = read(dir + "/Dockerfile");
        QVERIFY(!dockerfile.isEmpty());
        QVERIFY(!dockerfile.contains("{{"));
        QCOMPARE(read(dir + "/.gitignore"), QByteArray(".logistician/\ndata/\n"));

        // The same folder, or the same name in another folder (case aside), is refused; nothing is touched.
        QCOMPARE(ExperimentCreator::create(options).exitCode(), 2);
        QCOMPARE(read(dir + "/Dockerfile"), dockerfile);
        QVERIFY(QDir(repo.path() + "/experiments").rename("sweep-1", "renamed"));
        const Result again = ExperimentCreator::checkName(repo.path(), "SWEEP-1");
        QCOMPARE(again.exitCode(), 2);
        QVERIFY2(again.message().contains("already used by"), qPrintable(again.message()));
    }

    void writesNoRegionOrInstanceType()
    {
        // Neither key unless the user gives one: deploy then uses the defaults stored by `setup`.
        ScratchRepository repo;
        for (const QString& templateName : ExperimentCreator::templates()) {
            ExperimentCreator::Options options;
            options.projectRoot = repo.path();
            options.name = "from-" + templateName;
            options.templateName = templateName;
            const ResultOf<ExperimentCreator::Created> r = ExperimentCreator::create(options);
            QVERIFY2(r, qPrintable(r.message()));
            const QString dir = r->experimentDir;
            const QByteArray text = read(dir + "/parameters.json");
            QVERIFY2(!text.contains("\"aws_region\""), text.constData());
            QVERIFY2(!text.contains("\"aws_instance_type\""), text.constData());
            // The template's layout is kept: only the name and the command are filled in.
            QVERIFY2(text.contains("\n    \"experiment_name\": \"from-" + templateName.toUtf8() + "\",\n"),
                     text.constData());
        }
    }

    void refusesBadNamesTemplatesAndCommands()
    {
        ScratchRepository repo;
        ExperimentCreator::Options options;
        options.projectRoot = repo.path();
        for (const char* bad : { "", "../escape", "a b", "-x", "a/b" }) {
            options.name = QString::fromUtf8(bad);
            QCOMPARE(ExperimentCreator::create(options).exitCode(), 2);
        }
        options.name = "ok";
        options.templateName = "../../../etc";
        const ResultOf<ExperimentCreator::Created> path = ExperimentCreator::create(options);
        QCOMPARE(path.exitCode(), 2);
        QVERIFY2(path.message().startsWith("no template"), qPrintable(path.message()));
        options.templateName = "shell";
        options.command = "sh 'unclosed";
        QCOMPARE(ExperimentCreator::create(options).exitCode(), 2);
        QVERIFY(!QFileInfo::exists(repo.path() + "/experiments/ok"));
    }

    void projectRootIsTheFolderWithExperiments()
    {
        ScratchRepository repo;
        repo.writeFile("sub/experiments/a/parameters.json", "{}");
        repo.writeFile("sub/deeper/file", "x");
        repo.writeFile("other/file", "x");
        const QString root = QDir(repo.path()).canonicalPath();
        QCOMPARE(*ExperimentCreator::projectRootFor(repo.filePath("sub/experiments/a")), root + "/sub");
        QCOMPARE(*ExperimentCreator::projectRootFor(repo.filePath("sub/deeper")), root + "/sub");
        QCOMPARE(*ExperimentCreator::projectRootFor(repo.filePath("other")), root);
        QTemporaryDir notGit;
        const Result error = ExperimentCreator::projectRootFor(notGit.path()).error();
        QVERIFY(!error);
        QVERIFY(error.message().contains("not inside a Git repository"));
        QCOMPARE(error.kind(), Result::Kind::BadInput);
    }
};

QTEST_GUILESS_MAIN(TestExperimentCreator)
#include "TestExperimentCreator.moc"
