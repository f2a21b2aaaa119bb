// SPDX-License-Identifier: MIT
// A backend is its folder and one registration line (ARCHITECTURE.md, "Adding a backend"): the ledger backend
// of tests/deploy/backends/ledger/, added to this test by its one line in tests/deploy/CMakeLists.txt as the
// built-in ones are by LOGISTICIAN_BACKENDS, is offered by name and traits, its key is checked by the loader,
// and it deploys, answers a status round and terminates through the core, the Deployment the CLI and the GUI
// use; the board asks it what to add to a condition's state.
#include "DeployTestKit.h"
#include "Experiment.h"
#include "ParameterSchema.h"
#include "board/BoardModel.h"
#include "deploy/Deployment.h"
#include "deploy/backends/BackendRegistry.h"
#include "workspace/DeploymentIndex.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

class TestBackendPlugin : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void registeredByNameAndTraits();
    void itsKeyIsInTheSchema();
    void deploysStatusesAndTerminatesThroughTheCore();

private:
    DeployTestKit m_kit;
    QStringList m_experiments;
};

void TestBackendPlugin::initTestCase()
{
    QVERIFY(m_kit.isValid());
    // The kit's own configuration, state and home, for this process as for the binaries it runs.
    for (auto it = m_kit.env().cbegin(); it != m_kit.env().cend(); ++it)
        qputenv(qPrintable(it.key()), it.value().toUtf8());
}

void TestBackendPlugin::cleanupTestCase()
{
    for (const QString& e : std::as_const(m_experiments))
        DeployTestKit::cleanUp(e);
}

void TestBackendPlugin::registeredByNameAndTraits()
{
    QVERIFY(BackendRegistry::names().contains(QStringLiteral("ledger")));
    // The built-in ones by the names of their folders in LOGISTICIAN_BACKENDS, as each describes itself.
    QStringList builtIn = BackendRegistry::names();
    builtIn.removeOne(QStringLiteral("ledger"));
    QCOMPARE(builtIn, ParameterSchema::builtInBackends());
    const BackendTraits t = BackendRegistry::traits(QStringLiteral("ledger"));
    QCOMPARE(t.label, QStringLiteral("A ledger (test backend: runs nothing)"));
    QVERIFY(!t.remote && !t.costsMoney && !t.usesRunner);
    // Offered where the front ends list backends: nearest first, those that cost money last.
    const QList<BackendTraits> all = BackendRegistry::all();
    QVERIFY(std::any_of(all.cbegin(), all.cend(),
                        [](const BackendTraits& b) { return b.name == QLatin1String("ledger"); }));
    QVERIFY(all.last().costsMoney);
    // parameters.json takes it: the loader asks the registry.
    auto project = m_kit.project({ QStringLiteral("0") }, { { QStringLiteral("backend"), QStringLiteral("ledger") } });
    Experiment experiment;
    const auto openedExperiment = Experiment::open(project->experimentDir());
    const Result opened = openedExperiment.error();
    experiment = openedExperiment.valueOr(Experiment());
    QVERIFY2(opened.isOk(), qPrintable(opened.message()));
    QCOMPARE(experiment.parameters().backend(), QStringLiteral("ledger"));
    m_experiments << experiment.parameters().experimentName();
}

void TestBackendPlugin::itsKeyIsInTheSchema()
{
    // ledger/LedgerParameters.h: its key among the others, checked by its rule and its backend's check.
    QVERIFY(ParameterSchema::contains(QStringLiteral("ledger_note")));
    QCOMPARE(ParameterSchema::key(QStringLiteral("ledger_note")).label, QStringLiteral("Ledger note"));
    QVERIFY(Parameters::parse(R"({"experiment_name": "x", "backend": "ledger", "ledger_note": "one line"})",
                              QStringLiteral("parameters.json")));
    const auto twoLines
        = Parameters::parse("{\"experiment_name\": \"x\", \"backend\": \"ledger\",\n\"ledger_note\": \"a\\nb\"}",
                            QStringLiteral("parameters.json"));
    QVERIFY(!twoLines);
    QCOMPARE(twoLines.message(), QStringLiteral("parameters.json:2:16: ledger_note must be one line"));
    const auto otherBackend
        = Parameters::parse("{\"experiment_name\": \"x\",\n\"ledger_note\": \"x\"}", QStringLiteral("parameters.json"));
    QVERIFY(!otherBackend);
    QCOMPARE(otherBackend.message(), QStringLiteral("parameters.json:2:16: ledger_note needs \"backend\": \"ledger\""));
}

void TestBackendPlugin::deploysStatusesAndTerminatesThroughTheCore()
{
    auto project = m_kit.project({ QStringLiteral("0"), QStringLiteral("0") },
                                 { { QStringLiteral("backend"), QStringLiteral("ledger") } });
    Experiment experiment;
    const auto openedExperiment = Experiment::open(project->experimentDir());
    QVERIFY(openedExperiment);
    experiment = *openedExperiment;
    m_experiments << experiment.parameters().experimentName();
    Deployment deployment(experiment);
    QVERIFY(deployment.load());
    QSignalSpy finished(&deployment, &Deployment::finished);

    const Deployment::Plan plan = deployment.plan(DeployOptions());
    QVERIFY2(plan.check.isOk(), qPrintable(plan.check.message()));
    QCOMPARE(plan.backend, QStringLiteral("ledger"));
    QCOMPARE(plan.summary, QStringLiteral("2 condition(s) written into a ledger"));
    // The backend's own rule: no rerun of chosen conditions.
    DeployOptions chosen;
    chosen.rerun = { QStringLiteral("1") };
    QVERIFY(deployment.plan(chosen).check.message().contains(QStringLiteral("not supported on ledger")));

    deployment.deploy(DeployOptions());
    QVERIFY(finished.wait(300000));
    QList<QVariant> end = finished.takeFirst();
    QVERIFY2(end.at(0).toInt() == 0, qPrintable(end.at(1).toString()));
    QCOMPARE(deployment.state().backend, QStringLiteral("ledger"));
    QCOMPARE(DeploymentIndex().find(experiment.dir()).size(), 1); // recorded as any deployment is
    for (const DeploymentState::Condition& c : deployment.state().conditions)
        QCOMPARE(c.phase, DeploymentState::Phase::Running);
    // The board shows what the backend adds to a condition's state (Backend::conditionDetail).
    BoardModel board;
    board.setState(deployment.state());
    QCOMPARE(board.index(0, BoardModel::StateColumn).data().toString(), QStringLiteral("running · in the ledger"));

    deployment.refreshStatus();
    QVERIFY(finished.wait(60000));
    finished.clear();
    for (const DeploymentState::Condition& c : deployment.state().conditions)
        QCOMPARE(c.phase, DeploymentState::Phase::Succeeded);
    QCOMPARE(Deployment::exitCodeFor(deployment.state()), 0);

    deployment.terminate(Deployment::TerminateOptions());
    QVERIFY(finished.wait(120000));
    end = finished.takeFirst();
    QVERIFY2(end.at(0).toInt() == 0, qPrintable(end.at(1).toString()));
    QVERIFY(deployment.state().terminated);

    // Every step reached the backend, in order: the machines, each hand-over (after the status round deploy
    // asks first), a status round, the stop of terminate last.
    const QString ledger
        = QString::fromUtf8(DeployTestKit::readFile(experiment.dir() + QStringLiteral("/.logistician/ledger.txt")));
    const QStringList lines = ledger.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY2(!lines.isEmpty() && lines.first() == QLatin1String("provision"), qPrintable(ledger));
    const int c1 = lines.indexOf(QStringLiteral("hand over c1-0 to local"));
    const int c2 = lines.indexOf(QStringLiteral("hand over c2-0 to local"));
    QVERIFY2(c1 > 0 && c2 > c1, qPrintable(ledger));
    QVERIFY2(lines.indexOf(QStringLiteral("status"), c2) > c2, qPrintable(ledger));
    QCOMPARE(lines.last(), QStringLiteral("stop all"));
    QCOMPARE(lines.count(QStringLiteral("stop all")), 1);
    // The per-user index took it as any other deployment while it was live, and forgot it once terminated.
    QVERIFY(DeploymentIndex().find(experiment.dir()).isEmpty());
}

QTEST_GUILESS_MAIN(TestBackendPlugin)
#include "TestBackendPlugin.moc"
