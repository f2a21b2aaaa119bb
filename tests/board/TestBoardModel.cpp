// SPDX-License-Identifier: MIT
#include "Checked.h"
#include "board/BoardFilterModel.h"
#include "board/BoardModel.h"
#include "board/ResultsScanner.h"
#include "board/SyntheticDeployment.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using Phase = DeploymentState::Phase;

namespace {

DeploymentState synthetic(int count)
{
    return SyntheticDeployment::make(count);
}

void advance(DeploymentState::Condition* c, QRandomGenerator* random)
{
    SyntheticDeployment::advance(c, random);
}

int sumOfCounts(const BoardModel& model)
{
    int sum = 0;
    for (int n : model.counts())
        sum += n;
    return sum;
}

} // namespace

class TestBoardModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void thousandMachinesChangingState();
    void unchangedRoundAnnouncesNothing();
    void newDeploymentResets();
    void filterAndSort();
    void formatting();
    void resultsScanner();
    void slurmStateAndReason();
};

void TestBoardModel::thousandMachinesChangingState()
{
    BoardModel model;
    BoardFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.sort(BoardModel::StateColumn);
    filter.setPhases({ Phase::Running, Phase::Failed });

    DeploymentState state = synthetic(1000);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QCOMPARE(model.setState(state), 1000);
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.rowCount(), 1000);
    QCOMPARE(model.count(Phase::Provisioning), 1000);
    QCOMPARE(filter.rowCount(), 0);

    QRandomGenerator random(42);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy counts(&model, &BoardModel::countsChanged);
    for (int round = 0; round < 12; ++round) {
        // Each round moves a random third of the machines on, as a status round would.
        int moved = 0;
        for (DeploymentState::Condition& c : state.conditions) {
            if (random.bounded(3) == 0) {
                const Phase before = c.phase;
                advance(&c, &random);
                moved += before != c.phase;
            }
        }
        changes.clear();
        QCOMPARE(model.setState(state), moved);
        QCOMPARE(resets.count(), 1); // never a reset for the same deployment
        QVERIFY(changes.count() <= moved);
        QVERIFY(moved == 0 || !changes.isEmpty());
        // The model agrees with the state, row by row, and its counts add up.
        std::array<int, BoardModel::PhaseCount> expected {};
        for (int i = 0; i < state.conditions.size(); ++i) {
            const DeploymentState::Condition& c = state.conditions.at(i);
            ++expected[static_cast<size_t>(c.phase)];
            QCOMPARE(model.index(i, BoardModel::StateColumn).data(BoardModel::PhaseRole).toInt(),
                     static_cast<int>(c.phase));
        }
        QCOMPARE(model.counts(), expected);
        QCOMPARE(sumOfCounts(model), 1000);
        // The filtered, sorted view holds exactly the running and failed machines, in state order.
        QCOMPARE(filter.rowCount(), model.count(Phase::Running) + model.count(Phase::Failed));
        for (int r = 1; r < filter.rowCount(); ++r) {
            QVERIFY(filter.index(r - 1, BoardModel::StateColumn).data(BoardModel::PhaseRole).toInt()
                    <= filter.index(r, BoardModel::StateColumn).data(BoardModel::PhaseRole).toInt());
        }
        // Single updates, as Deployment::conditionChanged delivers them.
        const int one = static_cast<int>(random.bounded(1000));
        advance(&state.conditions[one], &random);
        model.updateCondition(state, one);
        QCOMPARE(model.phase(one), state.conditions.at(one).phase);
    }
    QVERIFY(counts.count() > 0);
    QVERIFY(model.count(Phase::Succeeded) > 0);
    QVERIFY(model.count(Phase::Failed) > 0);
    for (int i = 0; i < model.rowCount(); ++i) {
        if (model.phase(i) == Phase::Failed)
            QCOMPARE(model.index(i, BoardModel::StateColumn).data().toString(), QStringLiteral("failed (exit 3)"));
    }

    // Last lines and the clock's tick announce only their column.
    changes.clear();
    model.setLastLine(7, QStringLiteral("epoch 3/10 loss 0.25"));
    QCOMPARE(changes.count(), 1);
    QCOMPARE(changes.first().at(0).value<QModelIndex>().column(), int(BoardModel::LastLineColumn));
    QCOMPARE(model.index(7, BoardModel::LastLineColumn).data().toString(), QStringLiteral("epoch 3/10 loss 0.25"));
    changes.clear();
    model.tick();
    for (const QList<QVariant>& change : std::as_const(changes)) {
        QCOMPARE(change.at(0).value<QModelIndex>().column(), int(BoardModel::ElapsedColumn));
        QCOMPARE(change.at(1).value<QModelIndex>().column(), int(BoardModel::ElapsedColumn));
    }
    QCOMPARE(changes.isEmpty(), model.count(Phase::Running) == 0);
    // The last line survives status rounds.
    state.conditions[7].phase = Phase::Terminated;
    model.setState(state);
    QCOMPARE(model.index(7, BoardModel::LastLineColumn).data().toString(), QStringLiteral("epoch 3/10 loss 0.25"));
}

void TestBoardModel::unchangedRoundAnnouncesNothing()
{
    BoardModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    DeploymentState state = synthetic(1000);
    model.setState(state);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy counts(&model, &BoardModel::countsChanged);
    QCOMPARE(model.setState(state), 0);
    QCOMPARE(changes.count(), 0);
    QCOMPARE(counts.count(), 0);
    // Two neighbours and one far away: two ranges.
    state.conditions[10].phase = Phase::Booting;
    state.conditions[12].phase = Phase::Booting;
    state.conditions[900].phase = Phase::Booting;
    QCOMPARE(model.setState(state), 3);
    QCOMPARE(changes.count(), 2);
    QCOMPARE(changes.at(0).at(0).value<QModelIndex>().row(), 10);
    QCOMPARE(changes.at(0).at(1).value<QModelIndex>().row(), 12);
    QCOMPARE(changes.at(1).at(0).value<QModelIndex>().row(), 900);
    QCOMPARE(counts.count(), 1);
    QCOMPARE(model.count(Phase::Booting), 3);
}

void TestBoardModel::slurmStateAndReason()
{
    // slurm: the scheduler's state and its reason beside the board's state, the task beside the login node.
    BoardModel model;
    DeploymentState state = synthetic(2);
    state.backend = QStringLiteral("slurm"); // the backend says what to add (Backend::conditionDetail)
    state.conditions[0].phase = Phase::Queued;
    state.conditions[0].host = QStringLiteral("alice@login");
    state.conditions[0].job = QStringLiteral("42_1");
    state.conditions[0].schedulerState = QStringLiteral("PENDING");
    state.conditions[0].schedulerReason = QStringLiteral("Priority");
    model.setState(state);
    QCOMPARE(model.index(0, BoardModel::StateColumn).data().toString(), QStringLiteral("queued · waiting: Priority"));
    QCOMPARE(model.index(0, BoardModel::MachineColumn).data().toString(), QStringLiteral("job 42_1 via alice@login"));
    QVERIFY(!model.index(1, BoardModel::StateColumn).data().toString().contains(QStringLiteral("·")));
    // A change of reason alone is a change of the row.
    state.conditions[0].schedulerReason = QStringLiteral("Resources");
    QCOMPARE(model.setState(state), 1);
    QCOMPARE(model.index(0, BoardModel::StateColumn).data().toString(), QStringLiteral("queued · waiting: Resources"));
}

void TestBoardModel::newDeploymentResets()
{
    BoardModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setState(synthetic(5));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    DeploymentState other = synthetic(5);
    other.conditions[2].slug = QStringLiteral("c3-other");
    model.setState(other);
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.slug(2), QStringLiteral("c3-other"));
    // An index past the end (a deploy that just added conditions) falls back to a full update.
    model.updateCondition(synthetic(8), 7);
    QCOMPARE(model.rowCount(), 8);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.allFinished());
}

void TestBoardModel::filterAndSort()
{
    BoardModel model;
    BoardFilterModel filter;
    filter.setSourceModel(&model);
    DeploymentState state = synthetic(4);
    state.conditions[0].phase = Phase::Running;
    state.conditions[0].startedAt = QDateTime::currentDateTimeUtc().addSecs(-30);
    state.conditions[1].phase = Phase::Failed;
    state.conditions[1].exitCode = 2;
    state.conditions[1].startedAt = QDateTime::currentDateTimeUtc().addSecs(-100);
    state.conditions[1].finishedAt = QDateTime::currentDateTimeUtc().addSecs(-10);
    state.conditions[2].phase = Phase::Succeeded;
    state.conditions[2].exitCode = 0;
    state.conditions[2].startedAt = QDateTime::currentDateTimeUtc().addSecs(-500);
    state.conditions[2].finishedAt = QDateTime::currentDateTimeUtc().addSecs(-5);
    model.setState(state);

    filter.sort(BoardModel::ElapsedColumn, Qt::DescendingOrder);
    QCOMPARE(filter.index(0, 0).data(BoardModel::RowRole).toInt(), 2);
    QCOMPARE(filter.index(1, 0).data(BoardModel::RowRole).toInt(), 1);
    QCOMPARE(filter.index(2, 0).data(BoardModel::RowRole).toInt(), 0);

    filter.setPhases({ Phase::Failed });
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, BoardModel::StateColumn).data().toString(), QStringLiteral("failed (exit 2)"));
    QCOMPARE(filter.index(0, BoardModel::ExitCodeColumn).data().toString(), QStringLiteral("2"));
    filter.setPhases({});
    filter.setText(QStringLiteral("SEED 3"));
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, 0).data(BoardModel::RowRole).toInt(), 3);
    filter.setText(QStringLiteral("10.0.0.2"));
    QCOMPARE(filter.rowCount(), 1);
    filter.setText(QString());
    QCOMPARE(filter.rowCount(), 4);
    QCOMPARE(model.unsyncedCount(), 3);

    // The synced marker: the time in the column, the whole date in its tooltip; a finished row not yet synced
    // says so.
    QCOMPARE(model.index(2, BoardModel::SyncedColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("finished, results not synced yet"));
    const QDateTime synced = QDateTime::currentDateTimeUtc();
    state.conditions[2].syncedAt = synced;
    model.setState(state);
    QCOMPARE(model.unsyncedCount(), 2);
    QCOMPARE(model.index(2, BoardModel::SyncedColumn).data().toString(),
             synced.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
    QCOMPARE(model.index(2, BoardModel::SyncedColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("results synced %1").arg(synced.toLocalTime().toString(Qt::ISODate)));
}

void TestBoardModel::formatting()
{
    QCOMPARE(BoardModel::formatElapsed(-1), QString());
    QCOMPARE(BoardModel::formatElapsed(42), QStringLiteral("42s"));
    QCOMPARE(BoardModel::formatElapsed(192), QStringLiteral("3m 12s"));
    QCOMPARE(BoardModel::formatElapsed(3840), QStringLiteral("1h 04m"));
    QCOMPARE(BoardModel::formatElapsed(2 * 86400 + 3 * 3600), QStringLiteral("2d 3h"));
    QCOMPARE(BoardModel::phaseTitle(Phase::Unreachable), QStringLiteral("Unreachable"));
}

void TestBoardModel::resultsScanner()
{
    using namespace ResultsScanner;
    const auto json = numbersFromJson(R"({"loss": 0.25, "train": {"acc": [0.5, 0.75, 0.9]}, "name": "x",
                                         "history": [{"step": 1}, {"step": 2}], "nan": null})");
    QCOMPARE(json.value(QStringLiteral("loss")), 0.25);
    QCOMPARE(json.value(QStringLiteral("train.acc")), 0.9);
    QCOMPARE(json.value(QStringLiteral("history.step")), 2.0);
    QVERIFY(!json.contains(QStringLiteral("name")));
    QVERIFY(numbersFromJson("not json").isEmpty());
    // A diverged run, as Python's json module writes it: NaN and Infinity are named, not numbers; a
    // string that says NaN is text.
    QStringList nonFinite;
    const auto diverged = numbersFromJson(
        R"({"loss": NaN, "grad": -Infinity, "acc": [0.5, Infinity], "note": "NaN, \"Infinity\"", "lr": 0.1})",
        &nonFinite);
    QCOMPARE(diverged.keys(), QStringList({ "lr" }));
    QCOMPARE(nonFinite, QStringList({ "acc", "grad", "loss" }));
    nonFinite.clear();
    QCOMPARE(numbersFromCsv("epoch,loss\n1,nan\n", &nonFinite).keys(), QStringList({ "epoch" }));
    QCOMPARE(nonFinite, QStringList({ "loss" }));

    const auto csv = numbersFromCsv("epoch,loss,\"name\"\n1,0.9,a\n2,0.5,\"b, c\"\n");
    QCOMPARE(csv.value(QStringLiteral("epoch")), 2.0);
    QCOMPARE(csv.value(QStringLiteral("loss")), 0.5);
    QVERIFY(!csv.contains(QStringLiteral("name")));
    QCOMPARE(numbersFromCsv("a;b\n1;2\n").value(QStringLiteral("b")), 2.0);

    QTemporaryDir dir;
    auto write = [&](const QString& relative, const QByteArray& data) {
        QDir().mkpath(QFileInfo(dir.filePath(relative)).absolutePath());
        QFile f(dir.filePath(relative));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(data);
    };
    CHECKED(write(QStringLiteral("c1/results/metrics.json"), R"({"loss": 0.5, "accuracy": 0.8})"));
    CHECKED(write(QStringLiteral("c1/results/curve/train.csv"), "step,loss\n1,0.9\n2,0.7\n"));
    CHECKED(write(QStringLiteral("c2/results/metrics.json"), R"({"loss": 0.25, "accuracy": 0.9})"));
    CHECKED(write(QStringLiteral("c3/results/notes.txt"), "no numbers"));
    const QList<ConditionResults> results = scan({
        { QStringLiteral("c1"), QStringLiteral("--lr 0.1 --opt adam"), dir.filePath(QStringLiteral("c1")) },
        { QStringLiteral("c2"), QStringLiteral("--lr 0.2"), dir.filePath(QStringLiteral("c2")) },
        { QStringLiteral("c3"), QStringLiteral("raw words"), dir.filePath(QStringLiteral("c3")) },
        { QStringLiteral("c4"), QStringLiteral("--lr 0.4"), dir.filePath(QStringLiteral("c4")) },
    });
    QCOMPARE(results.size(), 4);
    // The curve's file is read second: its loss is told apart by the file's name.
    QCOMPARE(results.at(0).metrics.value(QStringLiteral("loss")), 0.5);
    QCOMPARE(results.at(0).metrics.value(QStringLiteral("train.loss")), 0.7);
    QCOMPARE(results.at(0).metrics.value(QStringLiteral("step")), 2.0);
    QCOMPARE(keyValue(results.at(0), QStringLiteral("opt")), QStringLiteral("adam"));
    QVERIFY(results.at(2).hasResults);
    QVERIFY(results.at(2).metrics.isEmpty());
    QVERIFY(!results.at(3).hasResults);
    QCOMPARE(keyNames(results), (QStringList { QStringLiteral("lr"), QStringLiteral("opt") }));

    ResultsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setResults(results);
    QCOMPARE(model.rowCount(), 3); // c4 has nothing yet
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("--lr"));
    const int accuracy
        = 1 + static_cast<int>(model.keys().size() + model.metrics().indexOf(QStringLiteral("accuracy")));
    QCOMPARE(model.index(1, accuracy).data(ResultsModel::NumberRole).toDouble(), 0.9);
    QCOMPARE(model.index(1, 1).data(ResultsModel::NumberRole).toDouble(), 0.2);
    QVERIFY(!model.index(2, accuracy).data(ResultsModel::NumberRole).isValid());
}

QTEST_GUILESS_MAIN(TestBoardModel)
#include "TestBoardModel.moc"
