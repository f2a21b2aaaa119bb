// SPDX-License-Identifier: MIT
// Regenerates docs/screenshots/*.png: each screen of the desktop app, grabbed
// with QWidget::grab() on the offscreen platform, from a small demo project
// made on the fly (a real Git repository; the run in progress is a real
// container on the local engine). Run through scripts/screenshots.sh.
#include "AboutDialog.h"
#include "CommandLogDock.h"
#include "CommitDialog.h"
#include "ConditionsEditor.h"
#include "ConditionsModel.h"
#include "Dialogs.h"
#include "EnvironmentEditor.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "LiveDeploymentsPanel.h"
#include "LocalRunsPanel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "NewExperimentWizard.h"
#include "ScreenshotSize.h"
#include "SettingsDialog.h"
#include "SetupWizard.h"
#include "Theme.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>
#include <cstdio>

namespace {

QString g_out;
int g_failures = 0;

void save(QWidget* widget, const QString& name)
{
    QApplication::processEvents();
    const QString path = g_out + QLatin1Char('/') + name + QStringLiteral(".png");
    if (widget->grab().save(path)) {
        std::printf("wrote %s\n", qPrintable(path));
    } else {
        std::fprintf(stderr, "could not write %s\n", qPrintable(path));
        ++g_failures;
    }
}

bool waitFor(const std::function<bool()>& condition, int ms = 20000)
{
    if (QTest::qWaitFor(condition, ms))
        return true;
    std::fprintf(stderr, "screenshots: timed out waiting\n");
    ++g_failures;
    return false;
}

// A Git working tree at a readable path (the window shows it), made with the real git.
class DemoRepository
{
public:
    explicit DemoRepository(const QString& dir)
        : m_dir(dir)
    {
        QDir().mkpath(dir);
        git({ QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main") });
    }
    QString path() const { return m_dir; }
    void writeFile(const QString& relative, const QByteArray& content, bool executable = false)
    {
        const QString path = m_dir + QLatin1Char('/') + relative;
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            ++g_failures;
        file.close();
        if (executable)
            file.setPermissions(file.permissions() | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    }
    void addOrigin()
    {
        git({ QStringLiteral("remote"), QStringLiteral("add"), QStringLiteral("origin"),
              QStringLiteral("https://git.example.org/lab/rnn-study.git") });
    }
    void commitAll(const QString& message)
    {
        git({ QStringLiteral("add"), QStringLiteral("-A") });
        git({ QStringLiteral("-c"), QStringLiteral("user.name=Alice Researcher"), QStringLiteral("-c"),
              QStringLiteral("user.email=alice@example.org"), QStringLiteral("-c"),
              QStringLiteral("commit.gpgsign=false"), QStringLiteral("commit"), QStringLiteral("-q"),
              QStringLiteral("-m"), message });
    }

private:
    void git(const QStringList& args)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir);
        p.start(QStringLiteral("git"), args);
        if (!p.waitForFinished(30000) || p.exitCode() != 0) {
            std::fprintf(stderr, "git %s failed\n", qPrintable(args.join(QLatin1Char(' '))));
            ++g_failures;
        }
    }
    QString m_dir;
};

void makeDemoProject(DemoRepository& repo)
{
    repo.writeFile(QStringLiteral("README.md"), "# RNN study\nDoes depth help more than a smaller learning rate?\n");
    repo.writeFile(QStringLiteral("train.sh"),
                   "#!/bin/sh\n"
                   "# Stands in for a training script: prints a loss per epoch, writes a result.\n"
                   "echo \"training with: $*\"\n"
                   "i=1; loss=2.3000\n"
                   "while [ $i -le 24 ]; do\n"
                   "  loss=$(awk -v l=$loss 'BEGIN { printf \"%.4f\", l * 0.91 }')\n"
                   "  echo \"epoch $i/24  loss=$loss  lr=${2:-0.1}\"\n"
                   "  i=$((i + 1)); sleep 0.15\n"
                   "done\n"
                   "echo \"final loss $loss\" > /data/results/loss.txt\n",
                   true);
    repo.writeFile(QStringLiteral("experiments/rnn-sweep/Dockerfile"),
                   "# The software environment of the sweep.\n"
                   "FROM debian:bookworm-slim\n"
                   "LABEL org.opencontainers.image.source=\"https://git.example.org/lab/rnn-study\"\n"
                   "ENV PYTHONUNBUFFERED=1 \\\n"
                   "    OMP_NUM_THREADS=4\n"
                   "ARG USER=researcher\n"
                   "# The project is mounted at /project; outputs go to /data.\n"
                   "WORKDIR /project\n"
                   "CMD [\"sh\", \"train.sh\"]\n");
    repo.writeFile(QStringLiteral("experiments/rnn-sweep/parameters.json"),
                   "{\n"
                   "  \"experiment_name\": \"rnn-sweep\",\n"
                   "  \"experiment_command\": \"sh train.sh\",\n"
                   "  \"experiment_conditions\": [\n"
                   "    \"--lr 0.1 --layers 2 --cell lstm\",\n"
                   "    \"--lr 0.1 --layers 4 --cell lstm\",\n"
                   "    \"--lr 0.01 --layers 2 --cell lstm\",\n"
                   "    \"--lr 0.01 --layers 4 --cell lstm\",\n"
                   "    \"--lr 0.1 --layers 2 --cell gru\",\n"
                   "    \"--lr 0.1 --layers 4 --cell gru\",\n"
                   "    \"--lr 0.01 --layers 2 --cell gru\",\n"
                   "    \"--lr 0.01 --layers 4 --cell gru\"\n"
                   "  ],\n"
                   "  \"aws_instance_type\": \"c6i.large\",\n"
                   "  \"aws_region\": \"eu-central-1\",\n"
                   "  \"backend\": \"local\"\n"
                   "}\n");
    repo.writeFile(QStringLiteral("experiments/baseline/Dockerfile"), "FROM debian:bookworm-slim\nWORKDIR /project\n");
    repo.writeFile(QStringLiteral("experiments/baseline/parameters.json"),
                   "{\"experiment_name\": \"baseline\", \"experiment_command\": \"sh train.sh\",\n"
                   " \"experiment_conditions\": [\"small 0.1\", \"large 0.1\"]}\n");
    repo.writeFile(QStringLiteral("experiments/data-prep/Dockerfile"), "FROM debian:bookworm-slim\nWORKDIR /project\n");
    repo.writeFile(QStringLiteral("experiments/data-prep/parameters.json"),
                   "{\"experiment_name\": \"data-prep\", \"experiment_command\": \"sh prep.sh\",\n"
                   " \"parameter_grid\": {\"shard\": [0, 1, 2, 3]}}\n");
    repo.writeFile(QStringLiteral("experiments/old-attempt/parameters.json"),
                   "{\n  \"experiment_name\": \"old-attempt\",\n  \"experiment_conditions\": [\"--seed 1\", 2]\n}\n");
    for (const char* path : { ".gitignore" })
        repo.writeFile(QLatin1String(path), "data/\n.logistician/\n");
    repo.addOrigin();
    repo.commitAll(QStringLiteral("RNN study: a sweep, a baseline, data preparation"));
    // Work in progress: data-prep changed since the commit.
    repo.writeFile(QStringLiteral("experiments/data-prep/Dockerfile"),
                   "FROM debian:bookworm-slim\nWORKDIR /project\nENV SHARDS=4\n");
}

void selectExperiment(MainWindow& window, const QString& name)
{
    auto* browser = window.findChild<QTreeWidget*>(QStringLiteral("projectBrowser"));
    for (int i = 0; i < browser->topLevelItemCount(); ++i) {
        if (browser->topLevelItem(i)->text(0).section(QLatin1Char('/'), -1) == name)
            browser->setCurrentItem(browser->topLevelItem(i));
    }
}

// The header's Git state arrives from a worker thread.
void waitForGitState(MainWindow& window)
{
    QLabel* state = window.currentPage()->findChild<QLabel*>(QStringLiteral("gitState"));
    waitFor([state] { return !state->text().isEmpty(); });
}

QAbstractButton* wizardNext(QWizard* wizard)
{
    return wizard->button(QWizard::NextButton);
}

// The setup wizard, page by page: setup-N-PAGE<suffix>.png.
void saveSetupWizard(MainWindow& window, const QString& suffix, const QSize& screen = QSize())
{
    auto* setup = static_cast<SetupWizard*>(window.showSetupWizard());
    waitFor([&] { return setup->isVisible() && wizardNext(setup)->isEnabled(); });
    if (screen.isValid()) {
        setup->resize(setup->size().boundedTo(screen));
        QTest::qWait(100);
    }
    save(setup, QStringLiteral("setup-1-tools") + suffix);
    wizardNext(setup)->click();
    setup->findChild<QLineEdit*>(QStringLiteral("registryEdit"))->setText(QStringLiteral("registry.example.org/lab"));
    setup->findChild<QLineEdit*>(QStringLiteral("registryUserEdit"))->setText(QStringLiteral("alice"));
    setup->findChild<QLineEdit*>(QStringLiteral("registryPasswordEdit"))->setText(QStringLiteral("not-a-real-one"));
    QTest::qWait(300);
    save(setup, QStringLiteral("setup-2-registry") + suffix);
    wizardNext(setup)->click();
    save(setup, QStringLiteral("setup-3-aws") + suffix);
    wizardNext(setup)->click();
    save(setup, QStringLiteral("setup-4-ssh-key") + suffix);
    wizardNext(setup)->click();
    save(setup, QStringLiteral("setup-5-summary") + suffix);
    setup->reject();
}

// data-prep's conditions come from its parameter_grid: the generated rows, read-only.
void saveGeneratedConditions(MainWindow& window, const QString& suffix)
{
    selectExperiment(window, QStringLiteral("data-prep"));
    waitForGitState(window);
    window.currentPage()->showTab(0);
    save(&window, QStringLiteral("conditions-generated") + suffix);
    selectExperiment(window, QStringLiteral("rnn-sweep"));
    waitForGitState(window);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("logistician"));
    QApplication::setApplicationDisplayName(QStringLiteral("Logistician"));
    const QStringList args = app.arguments();
    const bool dark = args.contains(QStringLiteral("--dark"));
    // --main-only: just the main screens (no run, no wizards), each saved as NAME<suffix>.png.
    const bool mainOnly = args.contains(QStringLiteral("--main-only"));
    QString suffix;
    for (const QString& arg : args) {
        if (arg.startsWith(QLatin1String("--suffix=")))
            suffix = arg.mid(9);
    }
    g_out = args.size() > 1 && !args.last().startsWith(QLatin1String("--"))
        ? args.last()
        : QStringLiteral(LOGISTICIAN_SOURCE_DIR "/docs/screenshots");
    QDir().mkpath(g_out);
    Theme::apply(app, dark);
    QIcon icon;
    for (int size : { 32, 64, 128, 256 })
        icon.addFile(QStringLiteral(LOGISTICIAN_SOURCE_DIR "/resources/icons/logistician-%1.png").arg(size),
                     QSize(size, size));
    QApplication::setWindowIcon(icon);

    QTemporaryDir home(QDir::tempPath() + QStringLiteral("/logistician-demo-XXXXXX"));
    qputenv("XDG_CONFIG_HOME", (home.path() + QStringLiteral("/.config")).toUtf8());
    // The deployment index of the demo's own: the Running overview shows only what this program writes.
    qputenv("XDG_STATE_HOME", (home.path() + QStringLiteral("/.local/state")).toUtf8());
    if (qEnvironmentVariableIsEmpty("LOGISTICIAN_KEYCHAIN_SERVICE"))
        qputenv("LOGISTICIAN_KEYCHAIN_SERVICE", "logistician-screenshots");
    DemoRepository repo(home.path() + QStringLiteral("/rnn-study"));
    makeDemoProject(repo);

    MainWindow window;
    window.resize(screenshotWindowSize(QSize(1280, 800)));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        ++g_failures;

    if (mainOnly)
        save(&window, QStringLiteral("welcome") + suffix);
    if (!mainOnly) {
        save(&window, QStringLiteral("welcome"));
        window.showAbout();
        auto* about = window.findChild<AboutDialog*>();
        waitFor([&] { return about && about->isVisible(); });
        about->adjustSize();
        save(about, QStringLiteral("about"));
        about->close();

        // File > Open Example, from the welcome page.
        QDialog* examples = window.showExampleDialog();
        waitFor([&] { return examples && examples->isVisible(); });
        save(examples, QStringLiteral("open-example"));
        examples->reject();
    }

    QSignalSpy loaded(&window, &MainWindow::projectLoaded);
    window.openProject(repo.path());
    waitFor([&] { return loaded.count() > 0; });
    selectExperiment(window, QStringLiteral("rnn-sweep"));
    ExperimentPage* page = window.currentPage();
    waitForGitState(window);
    if (mainOnly) {
        // The main screens, as they are without a run: each tab, the command log, the shortcuts.
        page->showTab(0);
        page->conditions()->table()->selectRow(2);
        save(&window, QStringLiteral("main-window") + suffix);
        const char* tabs[] = { nullptr, "environment", "runs", "deployments", "experiment-settings" };
        for (int i = 1; i < 5; ++i) {
            page->showTab(i);
            save(&window, QLatin1String(tabs[i]) + suffix);
        }
        page->showTab(0);
        saveGeneratedConditions(window, suffix);
        if (suffix == QLatin1String("-800x600")) // a laptop's screen: the wizard within it
            saveSetupWizard(window, suffix, QSize(780, 560));
        if (dark) { // the dialogs' size does not follow the window's: only their palette is new
            auto* shortcuts = window.showShortcuts();
            waitFor([&] { return shortcuts->isVisible(); });
            save(shortcuts, QStringLiteral("keyboard-shortcuts") + suffix);
            shortcuts->close();
            saveSetupWizard(window, suffix);
        }
        Gui::MessageBox::setNextAnswer(QMessageBox::Discard);
        window.close();
        return g_failures == 0 ? 0 : 1;
    }

    // A real run, so the log and the command log hold real output.
    page->showTab(2);
    LocalRunsPanel* runs = page->runs();
    auto* combo = runs->findChild<QComboBox*>(QStringLiteral("conditionCombo"));
    combo->setCurrentIndex(3);
    runs->findChild<QLineEdit*>(QStringLiteral("argumentsEdit"))->setText(combo->currentData().toString());
    runs->run();
    if (waitFor([&] { return runs->logView()->toPlainText().contains(QStringLiteral("epoch 9/24")); }, 120000))
        save(&window, QStringLiteral("run-in-progress"));
    waitFor([&] { return !runs->isBusy(); }, 60000);
    waitFor([&] { return runs->logView()->isIdle(); });
    save(&window, QStringLiteral("run-finished"));

    page->showTab(0);
    page->conditions()->table()->selectRow(2);
    save(&window, QStringLiteral("main-window"));

    // A problem in a cell: shown red, with the reason; then undone.
    ConditionsModel* model = page->conditions()->model();
    model->setData(model->index(5, model->argumentsColumn()), QStringLiteral("--lr 0.1 --layers 4 --cell 'gru"),
                   Qt::EditRole);
    model->setData(model->index(6, 1), QStringLiteral("--4"), Qt::EditRole);
    page->conditions()->table()->clearSelection();
    save(&window, QStringLiteral("conditions-problem"));
    page->undoStack()->undo();
    page->undoStack()->undo();

    // The grid dialog, prefilled from the conditions, with a key added.
    page->conditions()->openGridDialog();
    auto* grid = page->findChild<QDialog*>(QStringLiteral("gridDialog"));
    waitFor([&] { return grid && grid->isVisible(); });
    auto* axes = grid->findChild<QTableWidget*>(QStringLiteral("gridAxes"));
    axes->item(1, 1)->setText(QStringLiteral("2, 4, 8"));
    axes->insertRow(3);
    axes->setItem(3, 0, new QTableWidgetItem(QStringLiteral("dropout")));
    axes->setItem(3, 1, new QTableWidgetItem(QStringLiteral("0, 0.2")));
    grid->resize(680, 520);
    save(grid, QStringLiteral("conditions-grid-dialog"));
    grid->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    save(&window, QStringLiteral("conditions-grid"));
    page->undoStack()->undo();

    page->showTab(1);
    save(&window, QStringLiteral("environment"));
    page->showTab(4);
    save(&window, QStringLiteral("experiment-settings"));
    saveGeneratedConditions(window, QString());

    selectExperiment(window, QStringLiteral("old-attempt"));
    waitForGitState(window);
    save(&window, QStringLiteral("malformed-parameters"));
    selectExperiment(window, QStringLiteral("rnn-sweep"));
    window.currentPage()->showTab(0);

    // New experiment wizard.
    auto* create = static_cast<NewExperimentWizard*>(window.showNewExperimentWizard());
    waitFor([&] { return create->isVisible(); });
    create->findChild<QLineEdit*>(QStringLiteral("nameEdit"))->setText(QStringLiteral("rnn-sweep"));
    save(create, QStringLiteral("new-experiment-1-name-taken"));
    create->findChild<QLineEdit*>(QStringLiteral("nameEdit"))->setText(QStringLiteral("transformer-1"));
    save(create, QStringLiteral("new-experiment-1-name"));
    wizardNext(create)->click();
    create->findChild<QLineEdit*>(QStringLiteral("commandEdit"))
        ->setText(QStringLiteral("sh train.sh --model transformer"));
    save(create, QStringLiteral("new-experiment-2-details"));
    create->reject();

    saveSetupWizard(window, QString());

    auto* settings = window.showSettings();
    QTest::qWait(500);
    settings->adjustSize();
    save(settings, QStringLiteral("settings"));
    settings->close();

    auto* shortcuts = window.showShortcuts();
    waitFor([&] { return shortcuts->isVisible(); });
    save(shortcuts, QStringLiteral("keyboard-shortcuts"));
    shortcuts->close();

    // Experiment > Commit Changes…: data-prep's edited Dockerfile and a script not committed yet.
    selectExperiment(window, QStringLiteral("data-prep"));
    repo.writeFile(QStringLiteral("experiments/data-prep/prep.sh"), "#!/bin/sh\necho \"shard $1\"\n", true);
    auto* commit = qobject_cast<CommitDialog*>(window.showCommitDialog());
    waitFor([&] { return commit->isVisible() && !commit->isWorking(); });
    commit->setMessage(QStringLiteral("data-prep: four shards, and the script that splits them"));
    save(commit, QStringLiteral("commit-dialog"));
    commit->close();
    QFile::remove(repo.path() + QStringLiteral("/experiments/data-prep/prep.sh"));

    // View > Running Deployments: two live sweeps of other projects, as their deploys record them.
    for (const QString& name : { QStringLiteral("lm-finetune"), QStringLiteral("protein-fold") }) {
        const QString dir = home.path() + QStringLiteral("/%1/experiments/%1").arg(name);
        QDir().mkpath(dir);
        GuiTestBase::writeLiveDeployment(dir, name);
    }
    // Only these two: the containers of whatever else this machine's engine runs are not the demo's.
    qputenv("DOCKER_HOST", QByteArray("unix://") + home.path().toUtf8() + "/no-engine.sock");
    QSignalSpy refreshed(window.runningPanel(), &LiveDeploymentsPanel::refreshed);
    window.runningPanel()->toggleViewAction()->trigger();
    waitFor([&] { return refreshed.count() > 0; }, 30000);
    save(&window, QStringLiteral("running-deployments"));
    window.runningPanel()->toggleViewAction()->trigger();

    Gui::MessageBox::setNextAnswer(QMessageBox::Discard);
    window.close();
    return g_failures == 0 ? 0 : 1;
}
