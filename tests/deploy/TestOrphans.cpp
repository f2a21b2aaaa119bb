// SPDX-License-Identifier: MIT
// Orphans on the local engine (issue 13 items 5 and 8): a deployment whose .logistician, or whole
// project, was deleted is still listed and terminated (found through the per-user index and the containers'
// labels); a redeploy of another commit refuses to adopt what the old one left, or replaces it; terminate
// removes the image it built unless --keep-images; a hostile label is left alone.
#include "DeployTestKit.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

class TestOrphans : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void deletedStateFolderIsListedAndTerminatedByName();
    void terminateWithoutDeploymentJsonFindsTheContainers();
    void deletedProjectIsTerminatedFromTheIndex();
    void redeployOfAnotherCommitRefusesOrReplaces();
    void keepImagesKeepsTheImage();
    void hostileLabelIsLeftAlone();

private:
    CliResult run(const QStringList& args, TestProject& project)
    {
        const CliResult r = CliProcess::run(args, project.root(), m_kit->env());
        qDebug().noquote() << "logistician" << args.join(QLatin1Char(' ')) << "->" << r.exitCode << "\n"
                           << r.err << r.out;
        return r;
    }
    // list --json's row of this experiment (empty when not listed).
    QJsonObject listed(TestProject& project)
    {
        const CliResult r = run({ QStringLiteral("list"), QStringLiteral("--json") }, project);
        for (const QJsonValue& d :
             QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("deployments")).toArray()) {
            if (d.toObject().value(QStringLiteral("experiment")).toString() == project.name())
                return d.toObject();
        }
        return {};
    }
    static bool imageExists(const QString& image)
    {
        return QProcess::execute(
                   QStringLiteral("sh"),
                   { QStringLiteral("-c"), QStringLiteral("docker image inspect \"$0\" >/dev/null 2>&1"), image })
            == 0;
    }
    static QString head(TestProject& project)
    {
        QProcess git;
        git.start(QStringLiteral("git"),
                  { QStringLiteral("-C"), project.root(), QStringLiteral("rev-parse"), QStringLiteral("HEAD") });
        git.waitForFinished();
        return QString::fromUtf8(git.readAllStandardOutput()).trimmed();
    }
    static QString builtImage(TestProject& project)
    {
        return QStringLiteral("logistician/%1:%2").arg(project.name().toLower(), head(project).left(12));
    }
    std::unique_ptr<TestProject> deployed(const QStringList& conditions)
    {
        auto project = m_kit->project(conditions);
        const CliResult r
            = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") });
        if (r.exitCode != 0)
            return nullptr;
        return project;
    }
    std::unique_ptr<DeployTestKit> m_kit;
};

void TestOrphans::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
}

void TestOrphans::deletedStateFolderIsListedAndTerminatedByName()
{
    auto project = deployed({ QStringLiteral("--sleep 300") });
    QVERIFY(project);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 1, 60000);
    const QString image = builtImage(*project);
    QVERIFY(imageExists(image));
    QVERIFY(QDir(project->experimentDir() + QStringLiteral("/.logistician")).removeRecursively());

    const QJsonObject row = listed(*project);
    QVERIFY(!row.isEmpty());
    QCOMPARE(row.value(QStringLiteral("orphan")).toBool(), true);
    QCOMPARE(row.value(QStringLiteral("containers")).toArray().size(), 1);
    const CliResult text = run({ QStringLiteral("list") }, *project);
    QVERIFY2(text.out.contains(QLatin1String("orphan")), qPrintable(text.out));

    const CliResult terminated = run({ QStringLiteral("terminate"), QStringLiteral("--experiment"), project->name(),
                                       QStringLiteral("--yes"), QStringLiteral("--force") },
                                     *project);
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QVERIFY(!imageExists(image));
    QVERIFY(listed(*project).isEmpty());
}

void TestOrphans::terminateWithoutDeploymentJsonFindsTheContainers()
{
    auto project = deployed({ QStringLiteral("--sleep 300") });
    QVERIFY(project);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 1, 60000);
    QVERIFY(QFile::remove(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")));
    const CliResult terminated
        = m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") });
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY2(!terminated.err.contains(QLatin1String("nothing is deployed")), qPrintable(terminated.err));
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QVERIFY(listed(*project).isEmpty());
}

void TestOrphans::deletedProjectIsTerminatedFromTheIndex()
{
    auto project = deployed({ QStringLiteral("--sleep 300") });
    QVERIFY(project);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 1, 60000);
    const QString experimentDir = project->experimentDir();
    QVERIFY(QDir(experimentDir).removeRecursively());
    const QJsonObject row = listed(*project);
    QCOMPARE(row.value(QStringLiteral("orphan")).toBool(), true);
    QCOMPARE(row.value(QStringLiteral("folder_exists")).toBool(), false);

    // By the folder's path, which is gone.
    const CliResult terminated = run({ QStringLiteral("terminate"), QStringLiteral("--experiment"), experimentDir,
                                       QStringLiteral("--yes"), QStringLiteral("--force") },
                                     *project);
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QVERIFY(listed(*project).isEmpty());
}

void TestOrphans::redeployOfAnotherCommitRefusesOrReplaces()
{
    auto project = deployed({ QStringLiteral("--sleep 300") });
    QVERIFY(project);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 1, 60000);
    const QString oldImage = builtImage(*project);
    QVERIFY(QDir(project->experimentDir() + QStringLiteral("/.logistician")).removeRecursively());
    project->repo().writeFile(QStringLiteral("notes.txt"), "another commit\n");
    project->repo().commitAll(QStringLiteral("another commit"));

    const CliResult refused
        = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") });
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(DeployTestKit::containers(project->name()).value(0)), qPrintable(refused.err));
    QVERIFY2(refused.err.contains(QLatin1String("terminate --experiment")), qPrintable(refused.err));
    QVERIFY2(refused.err.contains(QLatin1String("--replace")), qPrintable(refused.err));
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 1);

    const CliResult replaced = m_kit->cli(*project,
                                          { QStringLiteral("deploy"), QStringLiteral("--backend"),
                                            QStringLiteral("local"), QStringLiteral("--replace") });
    QCOMPARE(replaced.exitCode, 0);
    QVERIFY(!imageExists(oldImage));
    // Only the new commit's container is there.
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 1, 60000);
    QProcess ps;
    ps.start(QStringLiteral("docker"),
             { QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
               QStringLiteral("label=logistician.experiment=") + project->name(), QStringLiteral("--format"),
               QStringLiteral("{{.Label \"logistician.commit\"}}") });
    ps.waitForFinished();
    QCOMPARE(QString::fromUtf8(ps.readAllStandardOutput()).trimmed(), head(*project));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--force") })
                 .exitCode,
             0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
}

void TestOrphans::keepImagesKeepsTheImage()
{
    auto project = m_kit->project({ QStringLiteral("--exit 0") });
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"),
                         QStringLiteral("--wait") })
                 .exitCode,
             0);
    const QString image = builtImage(*project);
    QCOMPARE(
        m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes"), QStringLiteral("--keep-images") })
            .exitCode,
        0);
    QVERIFY(imageExists(image));
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"),
                         QStringLiteral("--wait") })
                 .exitCode,
             0);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(!imageExists(image));
}

void TestOrphans::hostileLabelIsLeftAlone()
{
    auto project = m_kit->project({ QStringLiteral("--exit 0") });
    const QString marker = QDir::homePath() + QStringLiteral("/pwned");
    const QString name = QStringLiteral("hostile-") + project->name().toLower();
    QCOMPARE(
        QProcess::execute(QStringLiteral("docker"),
                          { QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"), name,
                            QStringLiteral("--label"), QStringLiteral("logistician.experiment=") + project->name(),
                            QStringLiteral("--label"), QStringLiteral("logistician.commit=$(touch %1)").arg(marker),
                            QStringLiteral("debian:bookworm-slim"), QStringLiteral("sleep"), QStringLiteral("300") }),
        0);
    const CliResult terminated = run({ QStringLiteral("terminate"), QStringLiteral("--experiment"), project->name(),
                                       QStringLiteral("--yes"), QStringLiteral("--json") },
                                     *project);
    QProcess::execute(QStringLiteral("docker"), { QStringLiteral("rm"), QStringLiteral("-f"), name });
    QCOMPARE(terminated.exitCode, 0);
    QVERIFY2(terminated.err.contains(QLatin1String("not a commit id")), qPrintable(terminated.err));
    const QJsonObject doc = QJsonDocument::fromJson(terminated.out.toUtf8()).object();
    QCOMPARE(doc.value(QStringLiteral("refused")).toArray().size(), 1);
    QVERIFY(doc.value(QStringLiteral("containers_removed")).toArray().isEmpty());
    QVERIFY(!QFileInfo::exists(marker));
}

QTEST_GUILESS_MAIN(TestOrphans)
#include "TestOrphans.moc"
