// SPDX-License-Identifier: MIT
// Where a new user trips on the command line (issue 23 item 7), through the real binary on the local engine:
// terminate keeps what each condition did; --rerun-failed counts what it reran; --dry-run names the
// containers, labels and folders deploy really uses; list shows an orphan's containers as they are; two
// copies of an example deploy side by side (or the refusal names the other's folder); a killed --dry-run
// leaves no scratch folder behind.
#include "DeployTestKit.h"
#include "workspace/ExampleCopier.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

class TestDeployTidy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void terminateKeepsWhatEachConditionDid();
    void rerunFailedSaysHowManyItReran();
    void dryRunNamesWhatDeployUses();
    void listShowsAnOrphansContainersAsTheyAre();
    void copiesOfAnExampleDeploySideBySide();
    void copyNamesAreExperimentNames();
    void killedDryRunLeavesNoScratchFolder();

private:
    CliResult run(const QStringList& args, const QString& dir = QString(), int timeoutMs = 300000)
    {
        const CliResult r = CliProcess::run(args, dir, m_kit->env(), QByteArray(), timeoutMs);
        qDebug().noquote() << "logistician" << args.join(QLatin1Char(' ')) << "->" << r.exitCode << "\n"
                           << r.err << r.out;
        return r;
    }
    static QJsonObject json(const CliResult& r)
    {
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        return lines.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(lines.last().toUtf8()).object();
    }
    static QString head(const QString& dir)
    {
        QProcess git;
        git.start(QStringLiteral("git"),
                  { QStringLiteral("-C"), dir, QStringLiteral("rev-parse"), QStringLiteral("HEAD") });
        git.waitForFinished();
        return QString::fromUtf8(git.readAllStandardOutput()).trimmed();
    }
    static QString gitStatus(const QString& dir)
    {
        QProcess git;
        git.start(QStringLiteral("git"),
                  { QStringLiteral("-C"), dir, QStringLiteral("status"), QStringLiteral("--porcelain") });
        git.waitForFinished();
        return QString::fromUtf8(git.readAllStandardOutput()).trimmed();
    }
    static QStringList runningContainers(const QString& experiment)
    {
        QProcess p;
        p.start(QStringLiteral("docker"),
                { QStringLiteral("ps"), QStringLiteral("--filter"),
                  QStringLiteral("label=logistician.experiment=") + experiment, QStringLiteral("--format"),
                  QStringLiteral("{{.Names}}") });
        p.waitForFinished(30000);
        return QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }
    static QString experimentName(const QString& experimentDir)
    {
        return QJsonDocument::fromJson(DeployTestKit::readFile(experimentDir + QStringLiteral("/parameters.json")))
            .object()
            .value(QStringLiteral("experiment_name"))
            .toString();
    }
    std::unique_ptr<DeployTestKit> m_kit;
    QTemporaryDir m_tmp;
};

void TestDeployTidy::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    QVERIFY(m_tmp.isValid());
}

void TestDeployTidy::terminateKeepsWhatEachConditionDid()
{
    // One succeeds, one fails, one is still running when terminate comes.
    auto project
        = m_kit->project({ QStringLiteral("--exit 0"), QStringLiteral("--exit 3"), QStringLiteral("--sleep 300") },
                         { { QStringLiteral("max_parallel"), 3 } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") })
                 .exitCode,
             0);
    QJsonObject status;
    QTRY_VERIFY_WITH_TIMEOUT(
        (status = m_kit->status(*project),
         DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString() == QLatin1String("succeeded")
             && DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString() == QLatin1String("failed")
             && DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString()
                 == QLatin1String("running")),
        120000);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());

    status = m_kit->status(*project);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("synced")).toBool(), true);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("exit_code")).toInt(), 0);
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(DeployTestKit::condition(status, 2).value(QStringLiteral("exit_code")).toInt(), 3);
    // Only the one stopped before it ended is terminated.
    QCOMPARE(DeployTestKit::condition(status, 3).value(QStringLiteral("state")).toString(),
             QStringLiteral("terminated"));

    const CliResult table = m_kit->cli(*project, { QStringLiteral("status") });
    QVERIFY2(table.out.startsWith(QLatin1String("2 of 3 done, 1 failed, 1 stopped")), qPrintable(table.out));
    QVERIFY2(table.out.contains(QRegularExpression(QStringLiteral("\\n1 .*succeeded in \\S+, synced\\n"))),
             qPrintable(table.out));
    const QJsonArray rows = json(m_kit->cli(*project, { QStringLiteral("results"), QStringLiteral("--json") }))
                                .value(QStringLiteral("rows"))
                                .toArray();
    QCOMPARE(rows.size(), 3);
    for (const QJsonValue& row : rows) {
        const QJsonObject r = row.toObject();
        const QString state = r.value(QStringLiteral("state")).toString();
        const QString dir = r.value(QStringLiteral("data_dir")).toString();
        if (dir.contains(QLatin1String("c1-exit-0")))
            QCOMPARE(state, QStringLiteral("succeeded"));
        else if (dir.contains(QLatin1String("c2-exit-3")))
            QCOMPARE(state, QStringLiteral("failed"));
        else
            QCOMPARE(state, QStringLiteral("terminated"));
    }
    // A terminated condition's log is what terminate saved.
    const CliResult logs = run({ QStringLiteral("logs"), project->experimentDir(), QStringLiteral("1") });
    QCOMPARE(logs.exitCode, 0);
    QVERIFY2(logs.out.contains(QLatin1String("<--exit>")), qPrintable(logs.out + logs.err));
}

void TestDeployTidy::rerunFailedSaysHowManyItReran()
{
    auto project
        = m_kit->project({ QStringLiteral("--exit 0"), QStringLiteral("--exit 0"), QStringLiteral("--exit 3") });
    const QStringList deploy { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"),
                               QStringLiteral("--wait") };
    const CliResult first = m_kit->cli(*project, deploy);
    QCOMPARE(first.exitCode, 1);
    QVERIFY2(first.err.contains(QLatin1String("3 condition(s) handed to 1 host(s)")), qPrintable(first.err));
    const CliResult rerun = m_kit->cli(*project, deploy + QStringList { QStringLiteral("--rerun-failed") });
    QCOMPARE(rerun.exitCode, 1);
    QVERIFY2(rerun.err.contains(QLatin1String("rerunning 1 condition(s) as a new attempt")), qPrintable(rerun.err));
    QVERIFY2(rerun.err.contains(QLatin1String("1 condition(s) handed to 1 host(s)")), qPrintable(rerun.err));
    QVERIFY2(!rerun.err.contains(QLatin1String("3 condition(s)")), qPrintable(rerun.err));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
}

void TestDeployTidy::dryRunNamesWhatDeployUses()
{
    auto project = m_kit->project({ QStringLiteral("--exit 0"), QStringLiteral("--exit 0 --n 2") });
    const QString commit = head(project->root());
    const CliResult preview = m_kit->cli(*project,
                                         { QStringLiteral("deploy"), QStringLiteral("--backend"),
                                           QStringLiteral("local"), QStringLiteral("--dry-run") });
    QCOMPARE(preview.exitCode, 0);
    QVERIFY2(preview.out.contains(QStringLiteral("logistician.experiment=") + project->name()),
             qPrintable(preview.out));
    QVERIFY2(preview.out.contains(QStringLiteral("logistician.commit=") + commit), qPrintable(preview.out));
    QVERIFY2(!preview.out.contains(QLatin1String("logistician--")), qPrintable(preview.out));
    QVERIFY2(preview.out.contains(QStringLiteral("logistician/%1:%2").arg(project->name().toLower(), commit.left(12))),
             qPrintable(preview.out));
    // The names it shows are the names the deploy gives.
    QStringList shown;
    static const QRegularExpression name(QStringLiteral("--name (\\S+)"));
    for (auto it = name.globalMatch(preview.out); it.hasNext();)
        shown << it.next().captured(1);
    QCOMPARE(m_kit
                 ->cli(*project,
                       { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local"),
                         QStringLiteral("--wait") })
                 .exitCode,
             0);
    QStringList made = DeployTestKit::containers(project->name());
    shown.sort();
    made.sort();
    QCOMPARE(shown, made);
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);

    // ssh: the data folder is the host's, never this machine's.
    auto ssh = m_kit->project({ QStringLiteral("--exit 0") },
                              { { QStringLiteral("hosts"), QJsonArray { QStringLiteral("someone@192.0.2.7") } } });
    const CliResult remote = m_kit->cli(
        *ssh,
        { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("ssh"), QStringLiteral("--dry-run") });
    QCOMPARE(remote.exitCode, 0);
    QVERIFY2(!remote.out.contains(ssh->experimentDir()), qPrintable(remote.out));
    QVERIFY2(remote.out.contains(QStringLiteral("~/logistician/%1/c1-exit-0/data:/data").arg(ssh->name())),
             qPrintable(remote.out));
    QVERIFY2(remote.out.contains(QStringLiteral("--name logistician-%1-c1-exit-0").arg(ssh->name().toLower())),
             qPrintable(remote.out));
}

void TestDeployTidy::listShowsAnOrphansContainersAsTheyAre()
{
    auto project = m_kit->project({ QStringLiteral("--sleep 300"), QStringLiteral("--sleep 300 --n 2") },
                                  { { QStringLiteral("max_parallel"), 2 } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") })
                 .exitCode,
             0);
    // Both run; nothing asked for a status since the hand-over, then the project's state folder goes.
    QTRY_COMPARE_WITH_TIMEOUT(runningContainers(project->name()).size(), 2, 60000);
    QVERIFY(QDir(project->experimentDir() + QStringLiteral("/.logistician")).removeRecursively());
    const QJsonArray listed = json(run({ QStringLiteral("list"), QStringLiteral("--json") }, project->root()))
                                  .value(QStringLiteral("deployments"))
                                  .toArray();
    QJsonObject row;
    for (const QJsonValue& d : listed) {
        if (d.toObject().value(QStringLiteral("experiment")).toString() == project->name())
            row = d.toObject();
    }
    QVERIFY(!row.isEmpty());
    QCOMPARE(row.value(QStringLiteral("orphan")).toBool(), true);
    QCOMPARE(row.value(QStringLiteral("running")).toInt(), 2);
    QCOMPARE(row.value(QStringLiteral("queued")).toInt(), 0);
    const CliResult text = run({ QStringLiteral("list") }, project->root());
    QVERIFY2(text.out.contains(QLatin1String("0 of 2 done, 2 running")), qPrintable(text.out));
    QCOMPARE(run({ QStringLiteral("terminate"), QStringLiteral("--experiment"), project->name(),
                   QStringLiteral("--yes"), QStringLiteral("--force") },
                 project->root())
                 .exitCode,
             0);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
}

void TestDeployTidy::copiesOfAnExampleDeploySideBySide()
{
    // The addition example as shipped (its Dockerfile needs only the base image).
    const QString one = m_tmp.filePath(QStringLiteral("one/addition"));
    const QString two = m_tmp.filePath(QStringLiteral("two/addition"));
    const QString sums = m_tmp.filePath(QStringLiteral("three/sums"));
    for (const QString& dest : { one, two, sums })
        QCOMPARE(run({ QStringLiteral("examples"), QStringLiteral("addition"), dest }).exitCode, 0);
    const QString oneExperiment = one + QStringLiteral("/experiments/1");
    const QString twoExperiment = two + QStringLiteral("/experiments/1");
    const QString sumsExperiment = sums + QStringLiteral("/experiments/1");
    // Named after the destination, in the copy's first commit.
    QCOMPARE(experimentName(oneExperiment), QStringLiteral("addition-1"));
    QCOMPARE(experimentName(sumsExperiment), QStringLiteral("sums-1"));
    QCOMPARE(gitStatus(sums), QString());
    // The rest of the file is as shipped.
    QByteArray shipped = DeployTestKit::readFile(qEnvironmentVariable("LOGISTICIAN_DATA_DIR")
                                                 + QStringLiteral("/examples/addition/experiments/1/parameters.json"));
    QVERIFY(!shipped.isEmpty());
    shipped.replace("\"addition-example-1\"", "\"sums-1\"");
    QCOMPARE(DeployTestKit::readFile(sumsExperiment + QStringLiteral("/parameters.json")), shipped);

    const QStringList deploy { QStringLiteral("deploy"), QStringLiteral("--backend"), QStringLiteral("local") };
    QCOMPARE(run(deploy + QStringList { oneExperiment }).exitCode, 0);
    // Another folder, the same name: refused, naming the folder those containers belong to.
    const CliResult clash = run(deploy + QStringList { twoExperiment });
    QCOMPARE(clash.exitCode, 2);
    QVERIFY2(clash.err.contains(QStringLiteral("deployed from %1").arg(oneExperiment)), qPrintable(clash.err));
    QVERIFY2(clash.err.contains(QLatin1String("experiment_name")), qPrintable(clash.err));
    // The refused copy owns nothing: the first one is deployed again (resumed) as before.
    QCOMPARE(run(deploy + QStringList { oneExperiment }).exitCode, 0);
    // A copy of another name deploys beside it.
    QCOMPARE(run(deploy + QStringList { sumsExperiment, QStringLiteral("--wait") }).exitCode, 0);
    for (const QString& dir : { oneExperiment, sumsExperiment })
        QCOMPARE(run({ QStringLiteral("terminate"), QStringLiteral("--yes"), dir }).exitCode, 0);
    for (const QString& experiment : { QStringLiteral("addition-1"), QStringLiteral("sums-1") })
        DeployTestKit::cleanUp(experiment);
}

void TestDeployTidy::copyNamesAreExperimentNames()
{
    QCOMPARE(ExampleCopier::experimentNameFor(QStringLiteral("/home/me/optimise"), QStringLiteral("1")),
             QStringLiteral("optimise-1"));
    QCOMPARE(ExampleCopier::experimentNameFor(QStringLiteral("/home/me/My Sweep/"), QStringLiteral("1")),
             QStringLiteral("My-Sweep-1"));
    QCOMPARE(ExampleCopier::experimentNameFor(QStringLiteral("/tmp/.hidden"), QStringLiteral("1")),
             QStringLiteral("hidden-1"));
    QCOMPARE(ExampleCopier::experimentNameFor(QStringLiteral("/tmp/été;rm -rf"), QStringLiteral("1")),
             QStringLiteral("t-rm-rf-1"));
    QCOMPARE(
        ExampleCopier::experimentNameFor(QStringLiteral("/tmp/") + QString(80, QLatin1Char('a')), QStringLiteral("1"))
            .size(),
        63);
}

void TestDeployTidy::killedDryRunLeavesNoScratchFolder()
{
    // A terraform that shows where it runs, then hangs (the first time) or fails at once: the dry run's scratch
    // folder is where the preview's `terraform init` runs.
    const QString bin = m_tmp.filePath(QStringLiteral("bin"));
    const QString where = m_tmp.filePath(QStringLiteral("terraform-ran-in"));
    const QString pidFile = m_tmp.filePath(QStringLiteral("terraform-pid"));
    QVERIFY(QDir().mkpath(bin));
    QFile terraform(bin + QStringLiteral("/terraform"));
    QVERIFY(terraform.open(QIODevice::WriteOnly));
    terraform.write(QStringLiteral("#!/bin/sh\n"
                                   "if [ -e '%1' ]; then exit 1; fi\n"
                                   "echo $$ > '%2'\n"
                                   "pwd > '%1.tmp' && mv '%1.tmp' '%1'\n"
                                   "exec sleep 300\n")
                        .arg(where, pidFile)
                        .toUtf8());
    terraform.close();
    terraform.setPermissions(terraform.permissions() | QFileDevice::ExeOwner);
    const QString tmp = m_tmp.filePath(QStringLiteral("tmp"));
    const QString cache = m_tmp.filePath(QStringLiteral("cache"));
    QVERIFY(QDir().mkpath(tmp));
    auto project = m_kit->project({ QStringLiteral("--n 1") },
                                  { { QStringLiteral("backend"), QStringLiteral("aws") },
                                    { QStringLiteral("aws_ami"), QStringLiteral("ami-0123456789abcdef0") } });
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_kit->env().cbegin(); it != m_kit->env().cend(); ++it)
        env.insert(it.key(), it.value());
    env.insert(QStringLiteral("PATH"), bin + QLatin1Char(':') + env.value(QStringLiteral("PATH")));
    env.insert(QStringLiteral("TMPDIR"), tmp);
    env.insert(QStringLiteral("XDG_CACHE_HOME"), cache);
    const QStringList args { QStringLiteral("deploy"), QStringLiteral("--dry-run"), QStringLiteral("--ssh-cidr"),
                             QStringLiteral("198.51.100.0/24"), project->experimentDir() };
    QProcess dryRun;
    dryRun.setProcessEnvironment(env);
    dryRun.start(CliProcess::binary(), args);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(where), 60000);
    const QString scratch = QString::fromUtf8(DeployTestKit::readFile(where)).trimmed();
    QVERIFY2(!scratch.startsWith(tmp) && !scratch.startsWith(QDir::tempPath() + QStringLiteral("/logistician-preview")),
             qPrintable(scratch));
    QVERIFY(QFileInfo::exists(scratch));
    dryRun.kill(); // as a user's kill -9: nothing of its own runs after this
    QVERIFY(dryRun.waitForFinished(10000));
    // The stand-in terraform the killed process left, by its own process id.
    const QString pid = QString::fromUtf8(DeployTestKit::readFile(pidFile)).trimmed();
    QVERIFY(!pid.isEmpty());
    QProcess::execute(QStringLiteral("kill"), { pid });
    // The next dry run cleans up what the killed one left; none is in the temporary folder.
    QProcess again;
    again.setProcessEnvironment(env);
    again.start(CliProcess::binary(), args);
    QVERIFY(again.waitForFinished(120000));
    QVERIFY2(!QFileInfo::exists(scratch), qPrintable(scratch));
    QCOMPARE(QDir(tmp).entryList({ QStringLiteral("logistician-preview-*") }, QDir::AllEntries | QDir::Hidden),
             QStringList());
    QCOMPARE(QDir(cache + QStringLiteral("/logistician/preview")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
             QStringList());
}

QTEST_GUILESS_MAIN(TestDeployTidy)
#include "TestDeployTidy.moc"
