// SPDX-License-Identifier: MIT
// The results a researcher would put in a paper draft: at 1280x800, with the
// window's docks as they open, the chart of a 3x3 learning-rate sweep has its
// title, axis titles and tick labels in full (none elided), plots the loss
// against --lr on a log scale with a line per --layers, and lists under it the
// conditions it leaves out (one diverged, one failed); the choices come back
// for the experiment after a restart; the chart saves at the size shown; and
// Export CSV writes what `logistician results --format csv` prints.
#include "CliProcess.h"
#include "CommandLogDock.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestProject.h"
#include "board/BoardModel.h"
#include "board/DeploymentBoard.h"
#include "board/ResultsPanel.h"
#include "deploy/DeploymentState.h"
#include "workspace/DeploymentIndex.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QLogValueAxis>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QValueAxis>

namespace {

bool writeAll(const QString& path, const QByteArray& data)
{
    QFile file(path);
    return QDir().mkpath(QFileInfo(path).absolutePath()) && file.open(QIODevice::WriteOnly)
        && file.write(data) == data.size();
}

// A finished local sweep of --lr 0.0001/0.001/0.01 x --layers 2/4/8: results/metrics.json with loss and
// accuracy; --lr 0.01 --layers 8 diverged (loss NaN, as Python's json writes it); the last failed with none.
QString writeSweep(const QString& experimentDir, const QString& experiment)
{
    DeploymentState state;
    state.experiment = experiment;
    state.backend = QStringLiteral("local");
    state.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    state.createdAt = QDateTime::currentDateTimeUtc().addSecs(-3600);
    state.hosts << DeploymentState::Host::at(QStringLiteral("local"));
    int index = 0;
    for (const char* lr : { "0.0001", "0.001", "0.01" }) {
        for (const char* layers : { "2", "4", "8" }) {
            DeploymentState::Condition c;
            c.index = ++index;
            c.text = QStringLiteral("--lr %1 --layers %2").arg(QLatin1String(lr), QLatin1String(layers));
            c.arguments = c.text.split(QLatin1Char(' '));
            c.slug = DeploymentState::slugFor(c.index, c.text);
            c.host = QStringLiteral("local");
            c.phase = DeploymentState::Phase::Succeeded;
            c.exitCode = 0;
            c.startedAt = state.createdAt.addSecs(10 * index);
            c.finishedAt = c.startedAt.addSecs(100 + index);
            const double loss
                = 0.9 / (1 + QByteArray(layers).toInt()) + std::abs(std::log10(QByteArray(lr).toDouble()) + 3) * 0.1;
            QByteArray json = QStringLiteral(R"({"loss": %1, "accuracy": %2})").arg(loss).arg(1 - loss / 2).toUtf8();
            if (index == 9)
                json = R"({"loss": NaN, "accuracy": 0.1})";
            if (!writeAll(experimentDir + QStringLiteral("/data/") + c.slug + QStringLiteral("/results/metrics.json"),
                          json))
                return {};
            state.conditions << c;
        }
    }
    DeploymentState::Condition failed;
    failed.index = ++index;
    failed.text = QStringLiteral("--lr 0.1 --layers 2");
    failed.arguments = failed.text.split(QLatin1Char(' '));
    failed.slug = DeploymentState::slugFor(failed.index, failed.text);
    failed.host = QStringLiteral("local");
    failed.phase = DeploymentState::Phase::Failed;
    failed.exitCode = 1;
    failed.startedAt = state.createdAt.addSecs(200);
    failed.finishedAt = failed.startedAt.addSecs(3);
    state.conditions << failed;
    const QString stateDir = experimentDir + QStringLiteral("/.logistician");
    if (!QDir().mkpath(stateDir) || !state.save(stateDir) || !DeploymentIndex().record(experimentDir, stateDir, state))
        return {};
    return stateDir;
}

} // namespace

class TestGuiResults : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup() { destroyMainWindow(); }
    void theChartReadsInFullAt1280x800();
    void theChoicesComeBackForTheExperiment();
    void exportCsvWritesWhatTheCliPrints();
    void theBoardAndTheResultsFitALaptop();
    void aBoardRowSelectsItsConditionAndTheLastLineFits();

private:
    // The window at size, the project open, its board's Results tab shown and scanned.
    ResultsPanel* openResults(const QSize& size);
    std::unique_ptr<TestProject> m_project;
};

void TestGuiResults::initTestCase()
{
    CHECKED(isolateSettings());
    m_project = std::make_unique<TestProject>();
    QVERIFY(!writeSweep(m_project->experimentDir(), m_project->name()).isEmpty());
}

ResultsPanel* TestGuiResults::openResults(const QSize& size)
{
    createMainWindow();
    window()->resize(size);
    if (!openProject(m_project->root()))
        return nullptr;
    ExperimentPage* page = window()->currentPage();
    if (!page)
        return nullptr;
    page->showTab(3);
    auto* details = page->deployments()->findChild<QTabWidget*>(QStringLiteral("boardDetails"));
    ResultsPanel* results = page->deployments()->results();
    if (!details || !results)
        return nullptr;
    details->setCurrentWidget(results);
    if (!QTest::qWaitFor([&] { return results->model()->rowCount() == 9; }, 15000))
        return nullptr;
    QTest::qWait(100); // laid out and painted, as a user sees it
    return results;
}

void TestGuiResults::theChartReadsInFullAt1280x800()
{
    ResultsPanel* results = openResults(QSize(1280, 800));
    QVERIFY(results);
    results->showTab(1);
    QTest::qWait(100);

    // The loss against the learning rate (the first numeric key that varies), a line per --layers.
    NEED(QComboBox, metric, results, "metricCombo");
    NEED(QComboBox, key, results, "keyCombo");
    NEED(QComboBox, series, results, "seriesCombo");
    QCOMPARE(metric->currentText(), QStringLiteral("accuracy"));
    results->setMetric(QStringLiteral("loss"));
    QCOMPARE(key->currentData().toString(), QStringLiteral("lr"));
    QCOMPARE(series->currentData().toString(), QStringLiteral("layers"));
    QTest::qWait(100);
    QChart* chart = results->chart();
    QCOMPARE(chart->series().size(), 6); // a line and its dots per --layers value
    QCOMPARE(chart->title(), QStringLiteral("loss against --lr, a line per --layers"));
    // Learning rates over two decades: a log scale with whole decades.
    const QList<QAbstractAxis*> xs = chart->axes(Qt::Horizontal);
    QCOMPARE(xs.size(), 1);
    auto* x = qobject_cast<QLogValueAxis*>(xs.first());
    QVERIFY(x);
    QVERIFY(x->min() <= 0.0001 && x->min() > 0.00001);
    QVERIFY(x->max() >= 0.01 && x->max() < 0.1);
    QCOMPARE(x->titleText(), QStringLiteral("--lr"));
    auto* y = qobject_cast<QValueAxis*>(chart->axes(Qt::Vertical).value(0));
    QVERIFY(y);
    QCOMPARE(y->titleText(), QStringLiteral("loss"));

    // What is drawn: every text in full. Qt Charts cuts a label that does not fit to "text...".
    NEED(QChartView, view, results, "resultsChart");
    if (!qEnvironmentVariableIsEmpty("LOGISTICIAN_GRAB_DIR"))
        window()->grab().save(qEnvironmentVariable("LOGISTICIAN_GRAB_DIR") + QStringLiteral("/results-1280x800.png"));
    QVERIFY2(view->height() >= 200, qPrintable(QString::number(view->height())));
    QStringList texts;
    for (QGraphicsItem* item : view->scene()->items()) {
        auto* text = dynamic_cast<QGraphicsTextItem*>(item);
        if (!text || !text->isVisible())
            continue;
        const QString plain = text->toPlainText();
        texts << plain;
        QVERIFY2(!plain.contains(QStringLiteral("...")) && !plain.contains(QChar(0x2026)),
                 qPrintable(QStringLiteral("elided: \"%1\"").arg(plain)));
    }
    for (const QString& whole :
         { QStringLiteral("loss against --lr, a line per --layers"), QStringLiteral("--lr"), QStringLiteral("loss"),
           QStringLiteral("0.0001"), QStringLiteral("0.001"), QStringLiteral("0.01"), QStringLiteral("layers=8") })
        QVERIFY2(texts.contains(whole), qPrintable(texts.join(QStringLiteral(" | "))));
    // Nice tick values: short numbers (0.2, 0.25), not 0.0008375.
    int ticks = 0;
    for (const QString& t : std::as_const(texts)) {
        bool number = false;
        t.toDouble(&number);
        if (number) {
            ++ticks;
            QVERIFY2(t.size() <= 6, qPrintable(t));
        }
    }
    QVERIFY2(ticks >= 5, qPrintable(texts.join(QStringLiteral(" | "))));

    // What the chart leaves out, and why, under it.
    NEED(QLabel, missing, results, "chartMissing");
    QVERIFY(missing->isVisible());
    QVERIFY2(missing->text().contains(QStringLiteral("--lr 0.01 --layers 8 — diverged")), qPrintable(missing->text()));
    QVERIFY2(missing->text().contains(QStringLiteral("--lr 0.1 --layers 2 — failed (exit 1)")),
             qPrintable(missing->text()));
    QVERIFY(missing->text().contains(QStringLiteral("(2 of 10)")));

    // Saved, the chart is what is shown: its size and its title.
    const QString png = QDir(configDir()).filePath(QStringLiteral("chart.png"));
    QVERIFY(results->saveChart(png));
    QImage image(png);
    QCOMPARE(image.size() / image.devicePixelRatio(), chart->size().toSize());
    QTest::qWait(50);
    NEED(QLabel, saved, results, "resultsSaved");
    QVERIFY2(saved->text().contains(png), qPrintable(saved->text()));
}

void TestGuiResults::theChoicesComeBackForTheExperiment()
{
    ResultsPanel* results = openResults(QSize(1280, 800));
    QVERIFY(results);
    results->showTab(1);
    results->setMetric(QStringLiteral("accuracy"));
    results->setKey(QStringLiteral("layers"));
    results->setSeriesKey(QString());
    destroyMainWindow();

    results = openResults(QSize(1280, 800));
    QVERIFY(results);
    NEED(QComboBox, metric, results, "metricCombo");
    NEED(QComboBox, key, results, "keyCombo");
    NEED(QComboBox, series, results, "seriesCombo");
    NEED(QTabWidget, tabs, results, "resultsTabs");
    QCOMPARE(metric->currentText(), QStringLiteral("accuracy"));
    QCOMPARE(key->currentData().toString(), QStringLiteral("layers"));
    QCOMPARE(series->currentData().toString(), QString());
    QCOMPARE(tabs->currentIndex(), 1);
    QCOMPARE(results->chart()->title(), QStringLiteral("accuracy against --layers"));
}

void TestGuiResults::exportCsvWritesWhatTheCliPrints()
{
    ResultsPanel* results = openResults(QSize(1280, 800));
    QVERIFY(results);
    const QString path = QDir(configDir()).filePath(QStringLiteral("export.csv"));
    QVERIFY(results->exportCsv(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString exported = QString::fromUtf8(file.readAll());
    const CliResult cli = CliProcess::run(
        { QStringLiteral("results"), QStringLiteral("--format"), QStringLiteral("csv"), m_project->experimentDir() },
        QString(), { { QStringLiteral("XDG_CONFIG_HOME"), configDir() } });
    QCOMPARE(cli.exitCode, 0);
    QCOMPARE(exported.section(QLatin1Char('\n'), 0, 0),
             QStringLiteral("condition,lr,layers,accuracy,loss,state,attempt,exit_code,elapsed_seconds,commit,"
                            "image_id,host"));
    QCOMPARE(exported, cli.out);
}

void TestGuiResults::theBoardAndTheResultsFitALaptop()
{
    auto grab = [this](const QString& name) {
        if (!qEnvironmentVariableIsEmpty("LOGISTICIAN_GRAB_DIR"))
            window()->grab().save(qEnvironmentVariable("LOGISTICIAN_GRAB_DIR") + QLatin1Char('/') + name);
    };
    auto rowsShown
        = [](QTableView* view) { return view->viewport()->height() / view->verticalHeader()->defaultSectionSize(); };
    {
        // A first start: no window layout saved yet.
        Settings settings;
        settings.setWindowState({});
        settings.setWindowGeometry({});
    }
    ResultsPanel* results = openResults(QSize(800, 600));
    QVERIFY(results);
    // Below 1000 px the command log starts closed: the experiment has the height.
    QVERIFY(!window()->commandLog()->isVisible());
    results->showTab(0);
    QTest::qWait(100);
    grab(QStringLiteral("results-800x600.png"));
    NEED(QTableView, table, results, "resultsTable");
    QVERIFY2(rowsShown(table) >= 5, qPrintable(QString::number(rowsShown(table))));
    // With the Results tab open the board above it still shows 8 conditions.
    NEED(QTableView, boardWithResults, window(), "boardView");
    QVERIFY2(rowsShown(boardWithResults) >= 8, qPrintable(QString::number(rowsShown(boardWithResults))));
    // So does a window that becomes that small with the Results tab open.
    window()->resize(1280, 800);
    QTest::qWait(50);
    window()->resize(800, 600);
    QTest::qWait(100);
    QVERIFY2(rowsShown(table) >= 5, qPrintable(QString::number(rowsShown(table))));
    QVERIFY2(rowsShown(boardWithResults) >= 8, qPrintable(QString::number(rowsShown(boardWithResults))));
    // The Log tab: the board's conditions get the height.
    NEED(QTabWidget, details, window(), "boardDetails");
    details->setCurrentIndex(0);
    QTest::qWait(100);
    grab(QStringLiteral("board-800x600.png"));
    NEED(QTableView, board, window(), "boardView");
    QVERIFY2(rowsShown(board) >= 8, qPrintable(QString::number(rowsShown(board))));

    // A tall window opens it, until the user says otherwise; then it stays as they left it.
    window()->resize(1280, 1024);
    QTRY_VERIFY(window()->commandLog()->isVisible());
    window()->commandLog()->toggleViewAction()->trigger();
    QVERIFY(!window()->commandLog()->isVisible());
    window()->resize(1280, 1100);
    QTest::qWait(50);
    QVERIFY(!window()->commandLog()->isVisible());
    window()->commandLog()->toggleViewAction()->trigger();
    destroyMainWindow();
    createMainWindow(); // at the size it was left
    QTest::qWait(50);
    QVERIFY(window()->commandLog()->isVisible());
}

// Issue 27, item 11: the board's Last line column has the room of a training log's line at 1200 px (the
// other columns as wide as what they hold), and a row chosen on the board is the condition shown in Files.
void TestGuiResults::aBoardRowSelectsItsConditionAndTheLastLineFits()
{
    ResultsPanel* results = openResults(QSize(1200, 760));
    QVERIFY(results);
    NEED(QTableView, board, window(), "boardView");
    QHeaderView* header = board->horizontalHeader();
    const int lastLine = header->sectionSize(BoardModel::LastLineColumn);
    const int wanted = board->fontMetrics().horizontalAdvance(QStringLiteral("epoch 10/10  loss 0.3600  acc 0.820"));
    QVERIFY2(lastLine >= wanted, qPrintable(QStringLiteral("%1 < %2").arg(lastLine).arg(wanted)));
    QVERIFY2(header->length() <= board->viewport()->width(),
             qPrintable(QStringLiteral("%1 > %2").arg(header->length()).arg(board->viewport()->width())));

    results->showTab(2);
    NEED(QListWidget, conditions, results, "resultsConditions");
    const QModelIndex fifth = board->model()->index(4, BoardModel::ConditionColumn);
    board->setFocus();
    board->setCurrentIndex(fifth);
    const QString slug = window()->currentPage()->deployments()->model()->slug(fifth.data(BoardModel::RowRole).toInt());
    QTRY_VERIFY(conditions->currentItem());
    QCOMPARE(conditions->currentItem()->text(), slug);
    // And the compare table's current row is that condition too.
    NEED(QTableView, table, results, "resultsTable");
    QVERIFY2(table->currentIndex().data().toString().contains(QStringLiteral("--lr 0.001 --layers 4")),
             qPrintable(table->currentIndex().data().toString()));
}

QTEST_MAIN(TestGuiResults)
#include "TestGuiResults.moc"
