// SPDX-License-Identifier: MIT
// Orphans and retries on ssh machines (sshd on 127.0.0.x sharing this machine's engine): a deployment whose
// .logistician is gone is terminated on the hosts the index recorded (not by this machine's label scan);
// a redeploy of another commit refuses what the old one left on a host; a deploy that failed on a bad
// registry goes on with the registry parameters.json names now; containers on an ssh host whose project
// folder and index entry are both gone are found by their labels on the hosts the index knows, and removed
// there; a host that does not answer is reported, not fatal; no registry login is left on a host or here.
#include "DeployTestKit.h"
#include "LocalRegistry.h"
#include "SshMachines.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>

class TestOrphansSsh : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void orphanIsTerminatedOnItsHosts();
    void retriedDeployReadsTheRegistryAgain();
    void hostContainersAreFoundWithProjectAndEntryGone(); // last: it stops machine 1

private:
    // Where the CLI makes a push's login folder (its XDG_STATE_HOME), never the shared /tmp.
    QString loginFolder() const
    {
        return m_kit->env().value(QStringLiteral("XDG_STATE_HOME")) + QStringLiteral("/logistician/docker-login");
    }
    std::unique_ptr<DeployTestKit> m_kit;
    std::unique_ptr<SshMachines> m_machines;
    std::unique_ptr<LocalRegistry> m_registry;
};

namespace {

// A login folder as a deploy killed during its push or pull leaves it: the credential in its config.json.
QString plantLogin(const QString& dir)
{
    QDir().mkpath(dir);
    QFile config(dir + QStringLiteral("/config.json"));
    if (config.open(QIODevice::WriteOnly))
        config.write(R"({"auths": {"127.0.0.1:5000": {"auth": "bG9naXN0aWNpYW46c2VjcmV0"}}})");
    return dir;
}

// Where a registry login could have left its credential, on this machine (tmp, the CLI's TMPDIR) and on the
// hosts (their home is this test's): empty when nothing is left.
QStringList loginLeftovers(const QString& tmp, const QString& registry, const QString& logins)
{
    QStringList left;
    for (const QString& folder : { tmp, logins }) {
        for (const QString& d : QDir(folder).entryList({ QStringLiteral("logistician-docker-*") },
                                                       QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot))
            left << folder + QLatin1Char('/') + d;
    }
    const QString base = QDir::homePath() + QStringLiteral("/logistician");
    for (const QString& d : QDir(base).entryList({ QStringLiteral(".docker-login-*") },
                                                 QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot))
        left << base + QLatin1Char('/') + d;
    const QString config = QDir::homePath() + QStringLiteral("/.docker/config.json");
    if (DeployTestKit::readFile(config).contains(registry.toUtf8()))
        left << config;
    return left;
}

} // namespace

void TestOrphansSsh::initTestCase()
{
    m_kit = std::make_unique<DeployTestKit>();
    QVERIFY(m_kit->isValid());
    m_machines = std::make_unique<SshMachines>();
    QString error;
    QVERIFY2(m_machines->start(2, m_kit->keyPath() + QStringLiteral(".pub"), 2, &error), qPrintable(error));
    m_registry = std::make_unique<LocalRegistry>();
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    QDir().mkpath(m_kit->configDir() + QStringLiteral("/logistician"));
    QFile settings(m_kit->configDir() + QStringLiteral("/logistician/settings.ini"));
    QVERIFY(settings.open(QIODevice::WriteOnly));
    settings.write(QStringLiteral("[registry]\nuser=%1\n").arg(m_registry->user()).toUtf8());
    settings.close();
    m_kit->env().insert(QStringLiteral("LOGISTICIAN_REGISTRY_PASSWORD"), m_registry->password());
}

void TestOrphansSsh::orphanIsTerminatedOnItsHosts()
{
    auto project = m_kit->project({ QStringLiteral("--sleep 300"), QStringLiteral("--sleep 301") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray::fromStringList(m_machines->addresses()) } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 2, 90000);
    QVERIFY(QDir(project->experimentDir() + QStringLiteral("/.logistician")).removeRecursively());

    // A commit later, deploy refuses to run next to them (it never adopts them), naming them.
    project->repo().writeFile(QStringLiteral("notes.txt"), "another commit\n");
    project->repo().commitAll(QStringLiteral("another commit"));
    const CliResult refused = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(QLatin1String("not this deployment's")), qPrintable(refused.err));
    QCOMPARE(DeployTestKit::containers(project->name()).size(), 2);

    const CliResult terminated
        = CliProcess::run({ QStringLiteral("terminate"), QStringLiteral("--experiment"), project->name(),
                            QStringLiteral("--yes"), QStringLiteral("--force"), QStringLiteral("--json") },
                          project->root(), m_kit->env());
    qDebug().noquote() << terminated.err << terminated.out;
    QCOMPARE(terminated.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(terminated.out.toUtf8()).object();
    // Removed on the hosts the index recorded, by the restored deployment's terminate: nothing was left for
    // the scan of this machine's engine.
    QCOMPARE(doc.value(QStringLiteral("orphans")).toArray().size(), 1);
    QVERIFY(
        doc.value(QStringLiteral("orphans")).toArray().at(0).toObject().value(QStringLiteral("terminated")).toBool());
    QVERIFY(doc.value(QStringLiteral("containers_removed")).toArray().isEmpty());
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
}

void TestOrphansSsh::retriedDeployReadsTheRegistryAgain()
{
    // Nothing listens on port 1: the push fails, before anything is handed over.
    auto project = m_kit->project({ QStringLiteral("--exit 0") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray { m_machines->address(0) } },
                                    { QStringLiteral("registry"), QStringLiteral("127.0.0.1:1") } });
    const CliResult failed = m_kit->cli(*project, { QStringLiteral("deploy") });
    QCOMPARE(failed.exitCode, 1);
    QVERIFY(QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")));

    project->setParameters({ { QStringLiteral("registry"), m_registry->address() } });
    const CliResult retried = m_kit->cli(*project, { QStringLiteral("deploy"), QStringLiteral("--allow-dirty") });
    QCOMPARE(retried.exitCode, 0);
    QVERIFY2(retried.err.contains(QStringLiteral(" push ") + m_registry->address()), qPrintable(retried.err));
    int code = -1;
    const QJsonObject status = m_kit->status(*project, &code, true);
    QCOMPARE(code, 0);
    QCOMPARE(DeployTestKit::condition(status, 1).value(QStringLiteral("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("sync") }).exitCode, 0);
    // What a deploy killed during its push (here) or its pull (on the host) leaves: terminate removes them, and
    // only this experiment's.
    QTemporaryDir tmp;
    m_kit->env().insert(QStringLiteral("TMPDIR"), tmp.path());
    auto cleanEnv = qScopeGuard([this] { m_kit->env().remove(QStringLiteral("TMPDIR")); });
    const QString base = QDir::homePath() + QStringLiteral("/logistician/");
    const QString pull = plantLogin(base + QStringLiteral(".docker-login-%1@0123456789abcdef").arg(project->name()));
    const QString push
        = plantLogin(loginFolder() + QStringLiteral("/logistician-docker-%1@aBc123").arg(project->name()));
    // One planted in the shared /tmp is not this user's: terminate leaves it (and a symlink there) alone.
    const QString planted = plantLogin(tmp.filePath(QStringLiteral("logistician-docker-%1@x").arg(project->name())));
    const QString victim = plantLogin(tmp.filePath(QStringLiteral("victim")));
    QVERIFY(QFile::link(victim, tmp.filePath(QStringLiteral("logistician-docker-%1@y").arg(project->name()))));
    const QString other = plantLogin(base + QStringLiteral(".docker-login-%1x@0123456789abcdef").arg(project->name()));
    auto removeOther = qScopeGuard([other] { QDir(other).removeRecursively(); });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("terminate"), QStringLiteral("--yes") }).exitCode, 0);
    QVERIFY(!QFileInfo::exists(pull));
    QVERIFY(!QFileInfo::exists(push));
    QVERIFY(QFileInfo::exists(planted + QStringLiteral("/config.json")));
    QVERIFY(QFileInfo::exists(victim + QStringLiteral("/config.json")));
    QVERIFY(QFileInfo::exists(other + QStringLiteral("/config.json")));
}

void TestOrphansSsh::hostContainersAreFoundWithProjectAndEntryGone()
{
    // The CLI's temporary folder: no login folder may be made there (it goes in the user's state folder).
    QTemporaryDir tmp;
    m_kit->env().insert(QStringLiteral("TMPDIR"), tmp.path());
    auto project = m_kit->project({ QStringLiteral("--sleep 300"), QStringLiteral("--sleep 301") },
                                  { { QStringLiteral("backend"), QStringLiteral("ssh") },
                                    { QStringLiteral("hosts"), QJsonArray::fromStringList(m_machines->addresses()) },
                                    { QStringLiteral("registry"), m_registry->address() } });
    QCOMPARE(m_kit->cli(*project, { QStringLiteral("deploy") }).exitCode, 0);
    QTRY_COMPARE_WITH_TIMEOUT(DeployTestKit::containers(project->name()).size(), 2, 90000);
    const QStringList containers = DeployTestKit::containers(project->name());
    // The logins of the push (here) and of the pulls (on the hosts) left no credential behind.
    QCOMPARE(loginLeftovers(tmp.path(), m_registry->address(), loginFolder()), QStringList());
    QProcess inspect;
    inspect.start(QStringLiteral("docker"),
                  { QStringLiteral("inspect"), QStringLiteral("--format"), QStringLiteral("{{.Config.Image}}"),
                    containers.first() });
    QVERIFY(inspect.waitForFinished());
    const QString image = QString::fromUtf8(inspect.readAllStandardOutput()).trimmed();
    QVERIFY2(image.startsWith(m_registry->address()), qPrintable(image));

    // The project and its index entry go: only the index's list of ssh hosts remembers where it ran.
    QVERIFY(QDir(project->experimentDir()).removeRecursively());
    DeploymentIndex index(m_kit->env().value(QStringLiteral("XDG_STATE_HOME"))
                          + QStringLiteral("/logistician/deployments"));
    const QList<DeploymentIndex::Entry> entries = index.find(project->name());
    QCOMPARE(entries.size(), 1);
    QVERIFY(index.forgetKey(entries.first().key));
    QVERIFY(index.find(project->name()).isEmpty());
    // Machine 1 stops answering; and this machine's engine is out of reach, so what is found is found over ssh
    // (the test machines share this machine's engine).
    m_machines->stop(1);
    m_kit->env().insert(QStringLiteral("DOCKER_HOST"),
                        QStringLiteral("unix://") + tmp.filePath(QStringLiteral("none")));
    auto cleanEnv = qScopeGuard([this] {
        m_kit->env().remove(QStringLiteral("DOCKER_HOST"));
        m_kit->env().remove(QStringLiteral("TMPDIR"));
    });

    const CliResult listed
        = CliProcess::run({ QStringLiteral("list"), QStringLiteral("--json") }, project->root(), m_kit->env());
    qDebug().noquote() << listed.err << listed.out;
    QCOMPARE(listed.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(listed.out.toUtf8()).object();
    QJsonObject row;
    for (const QJsonValue& d : doc.value(QStringLiteral("deployments")).toArray()) {
        if (d.toObject().value(QStringLiteral("experiment")).toString() == project->name())
            row = d.toObject();
    }
    QCOMPARE(row.value(QStringLiteral("orphan")).toBool(), true);
    QCOMPARE(row.value(QStringLiteral("in_index")).toBool(), false);
    for (const QString& c : containers)
        QVERIFY2(row.value(QStringLiteral("containers")).toArray().contains(c), qPrintable(c));
    QVERIFY(row.value(QStringLiteral("container_hosts")).toArray().contains(m_machines->address(0)));
    const QJsonArray notAnswering = doc.value(QStringLiteral("hosts_not_answering")).toArray();
    QCOMPARE(notAnswering.size(), 1);
    QCOMPARE(notAnswering.at(0).toObject().value(QStringLiteral("host")).toString(), m_machines->address(1));
    const CliResult text = CliProcess::run({ QStringLiteral("list") }, project->root(), m_kit->env());
    QVERIFY2(text.out.contains(QLatin1String("orphan")) && text.out.contains(m_machines->address(0)),
             qPrintable(text.out));
    QVERIFY2(text.err.contains(m_machines->address(1)), qPrintable(text.err));

    // A killed deploy's login folders (see retriedDeployReadsTheRegistryAgain) go with the orphan too.
    plantLogin(QDir::homePath()
               + QStringLiteral("/logistician/.docker-login-%1@fedcba9876543210").arg(project->name()));
    plantLogin(loginFolder() + QStringLiteral("/logistician-docker-%1@zYx987").arg(project->name()));
    const CliResult terminated = CliProcess::run({ QStringLiteral("terminate"), QStringLiteral("--experiment"),
                                                   project->name(), QStringLiteral("--yes"), QStringLiteral("--json") },
                                                 project->root(), m_kit->env());
    qDebug().noquote() << terminated.err << terminated.out;
    QCOMPARE(terminated.exitCode, 0);
    const QJsonObject result = QJsonDocument::fromJson(terminated.out.toUtf8()).object();
    QVERIFY(!result.value(QStringLiteral("containers_removed_on_hosts")).toArray().isEmpty());
    QCOMPARE(result.value(QStringLiteral("hosts_not_answering")).toArray().size(), 1);
    QVERIFY(DeployTestKit::containers(project->name()).isEmpty());
    // The runners there were stopped first, and the image pulled from the registry is gone.
    const QString onHost = QDir::homePath() + QStringLiteral("/logistician/") + project->name();
    const QStringList runners = QDir(onHost).entryList({ QStringLiteral("runner-*") }, QDir::Dirs);
    QVERIFY(!runners.isEmpty());
    for (const QString& r : runners)
        QVERIFY2(QFileInfo::exists(onHost + QLatin1Char('/') + r + QStringLiteral("/stop")), qPrintable(r));
    QVERIFY(QProcess::execute(QStringLiteral("docker"), { QStringLiteral("image"), QStringLiteral("inspect"), image })
            != 0);
    QCOMPARE(loginLeftovers(tmp.path(), m_registry->address(), loginFolder()), QStringList());

    const CliResult after
        = CliProcess::run({ QStringLiteral("list"), QStringLiteral("--json") }, project->root(), m_kit->env());
    for (const QJsonValue& d :
         QJsonDocument::fromJson(after.out.toUtf8()).object().value(QStringLiteral("deployments")).toArray())
        QVERIFY(d.toObject().value(QStringLiteral("experiment")).toString() != project->name());
    // Machine 0 is asked again only while something labelled is left on its engine (this machine's, shared with
    // other tests); machine 1 did not answer: it stays known.
    QStringList known;
    for (const DeploymentIndex::KnownHost& h : index.knownHosts())
        known << h.address;
    QProcess ps;
    ps.start(QStringLiteral("docker"),
             { QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
               QStringLiteral("label=logistician.experiment") });
    QVERIFY(ps.waitForFinished());
    const bool anyLabelled = !ps.readAllStandardOutput().trimmed().isEmpty();
    QVERIFY2(known.contains(m_machines->address(0)) == anyLabelled, qPrintable(known.join(QLatin1Char(' '))));
    QVERIFY2(known.contains(m_machines->address(1)), qPrintable(known.join(QLatin1Char(' '))));
}

QTEST_GUILESS_MAIN(TestOrphansSsh)
#include "TestOrphansSsh.moc"
