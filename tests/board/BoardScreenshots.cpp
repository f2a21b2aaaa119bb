// SPDX-License-Identifier: MIT
// Screenshots of the deployment board, taken from a real sweep on the local
// Docker engine: the deploy dialog, the board mid-run and at the end, a
// machine's log tail, the results table and chart. Run by
// scripts/screenshots.sh: board-screenshots OUTPUT_DIR. The window's shots are
// also taken at 800x600 and 1920x1080 (NAME-800x600.png, NAME-1920x1080.png);
// with LOGISTICIAN_DARK=1 only the window's shots and the local deploy dialog
// are taken, as NAME-dark.png (the palette is chosen before any widget exists).

#include "Dialogs.h"
#include "ExperimentPage.h"
#include "LogView.h"
#include "MainWindow.h"
#include "ScreenshotSize.h"
#include "SshKey.h"
#include "TestProject.h"
#include "Theme.h"
#include "board/BoardFilterModel.h"
#include "board/DeployDialog.h"
#include "board/DeploymentBoard.h"
#include "board/MachineLogPanel.h"
#include "board/ResultsPanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>
#include <functional>

namespace {

// Trains nothing, but prints and writes what a training run would.
const QByteArray TrainScript
    = "#!/bin/sh\n"
      "lr=0.001; layers=2; epochs=10\n"
      "[ \"$1\" = --lr ] && [ \"$2\" = 0.0003 ] && epochs=14\n"
      "while [ $# -gt 1 ]; do\n"
      "  case \"$1\" in --lr) lr=$2 ;; --layers) layers=$2 ;; --epochs) epochs=$2 ;; esac\n"
      "  shift 2\n"
      "done\n"
      "echo \"training: lr=$lr layers=$layers epochs=$epochs\"\n"
      "e=1\n"
      "while [ \"$e\" -le \"$epochs\" ]; do\n"
      "  awk -v lr=\"$lr\" -v l=\"$layers\" -v e=\"$e\" -v n=\"$epochs\" 'BEGIN { d = log(lr) / log(10) + 2.5;\n"
      "    loss = (0.25 + 0.12 * d * d - 0.02 * l) * (1 + 2 / e);\n"
      "    printf \"epoch %d/%d  loss %.4f  acc %.3f\\n\", e, n, loss, 1 - loss / 2 }'\n"
      "  if [ \"$lr\" = 0.01 ] && [ \"$layers\" = 4 ] && [ \"$e\" = 3 ]; then echo 'loss is nan: diverged' >&2; exit "
      "1; fi\n"
      "  e=$((e+1)); sleep 1\n"
      "done\n"
      "awk -v lr=\"$lr\" -v l=\"$layers\" -v n=\"$epochs\" 'BEGIN { d = log(lr) / log(10) + 2.5; loss = 0.25 + 0.12 * "
      "d * d - 0.02 * "
      "l;\n"
      "  printf \"{\\\"loss\\\": %.4f, \\\"accuracy\\\": %.4f, \\\"epochs\\\": %d}\\n\", loss, 1 - loss / 2, n }' "
      "> /data/results/metrics.json\n"
      "echo 'saved results/metrics.json'\n";

QString g_out;
QString g_suffix; // "-dark" in the dark palette

bool save(QWidget* widget, const QString& name)
{
    const QString path = g_out + QStringLiteral("/board-") + name + g_suffix + QStringLiteral(".png");
    const bool ok = widget->grab().save(path);
    std::fprintf(stderr, "%s %s\n", ok ? "wrote" : "could not write", qPrintable(path));
    return ok;
}

// "2 running, 1 failed, 5 queued": what the board holds, for a message.
QString describe(const BoardModel& model)
{
    QStringList parts;
    for (int p = 0; p < BoardModel::PhaseCount; ++p) {
        if (model.counts()[p] > 0)
            parts << QStringLiteral("%1 %2")
                         .arg(model.counts()[p])
                         .arg(BoardModel::phaseTitle(static_cast<BoardModel::Phase>(p)).toLower());
    }
    return parts.isEmpty() ? QStringLiteral("no conditions") : parts.join(QStringLiteral(", "));
}

const BoardModel* g_model = nullptr; // the board, named in a timeout's message

bool waitFor(const std::function<bool()>& condition, int seconds, const char* what)
{
    if (QTest::qWaitFor(condition, seconds * 1000))
        return true;
    std::fprintf(stderr, "timed out waiting for %s%s\n", what,
                 g_model ? qPrintable(QStringLiteral(" (the board: ") + describe(*g_model) + QLatin1Char(')')) : "");
    return false;
}

// The window as it is, then at a small and a large screen's size, then back (light palette only:
// the dark run saves just NAME-dark).
bool saveWindow(QWidget* window, const QString& name)
{
    bool ok = save(window, name);
    if (!g_suffix.isEmpty())
        return ok;
    const QSize size = window->size();
    for (const QSize other : { QSize(800, 600), QSize(1920, 1080) }) {
        window->resize(other);
        QTest::qWait(150); // the layout settles; elided texts are redone
        ok &= save(window, QStringLiteral("%1-%2x%3").arg(name).arg(other.width()).arg(other.height()));
    }
    window->resize(size);
    QTest::qWait(150);
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    qputenv("LOGISTICIAN_POLL_SECONDS", "1");
    QTemporaryDir config;
    qputenv("XDG_CONFIG_HOME", config.path().toUtf8());
    QApplication app(argc, argv);
    const bool dark = qEnvironmentVariableIntValue("LOGISTICIAN_DARK") == 1;
    Theme::apply(app, dark);
    g_suffix = dark ? QStringLiteral("-dark") : QString();
    app.setFont(QFont(QStringLiteral("DejaVu Sans"), 9));
    g_out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("docs/screenshots");
    QDir().mkpath(g_out);
    // The machines' SSH key, as a user who ran `logistician setup` has it (the aws dialog needs it).
    QDir().mkpath(QFileInfo(SshKey::privateKeyPath()).path());
    const Command keygen = SshKey::generateCommand(SshKey::privateKeyPath());
    if (QProcess::execute(keygen.program, keygen.arguments) != 0) {
        std::fprintf(stderr, "ssh-keygen failed\n");
        return 1;
    }

    TestProject project(QStringLiteral("sh train.sh"));
    project.repo().writeFile(QStringLiteral("train.sh"), TrainScript, true);
    // The diverging run (lr 0.01, 4 layers) is in the first five that start (max_parallel), so it fails
    // while the others of its round still have ~8 s to go and three more wait: a mid-run board that
    // lasts. (With lr ascending it started last, and failed just as the 14-epoch runs ended, so the
    // board held "1 failed, 3 running" for well under a poll, or never: "timed out waiting".)
    QJsonArray conditions;
    for (const char* lr : { "0.01", "0.003", "0.001", "0.0003" }) {
        for (const char* layers : { "2", "4" })
            conditions.append(QStringLiteral("--lr %1 --layers %2").arg(QLatin1String(lr), QLatin1String(layers)));
    }
    const QString name = QStringLiteral("lr-sweep-") + project.name().mid(2, 4);
    project.setParameters({ { QStringLiteral("experiment_name"), name },
                            { QStringLiteral("experiment_conditions"), conditions },
                            { QStringLiteral("backend"), QStringLiteral("local") },
                            { QStringLiteral("max_parallel"), 5 } });
    project.repo().commitAll(QStringLiteral("an lr sweep"));

    MainWindow window;
    window.resize(screenshotWindowSize(QSize(1280, 800)));
    window.show();
    window.openProject(project.root());
    if (!waitFor([&] { return !window.project().experiments.isEmpty(); }, 30, "the project"))
        return 1;
    ExperimentPage* page = window.openExperiment(project.experimentDir());
    page->showTab(3);
    DeploymentBoard* board = page->deployments();
    BoardModel* model = board->model();
    g_model = model;
    int status = 0;

    // The deploy dialog, on the AWS backend, to show what a cloud run would cost.
    DeployDialog* dialog = board->showDeployDialog();
    auto* backend = dialog->findChild<QComboBox*>(QStringLiteral("deployBackend"));
    if (!dark) {
        backend->setCurrentIndex(backend->findData(QStringLiteral("aws")));
        dialog->findChild<QLineEdit*>(QStringLiteral("deploySshCidr"))->setText(QStringLiteral("203.0.113.7/32"));
        if (!waitFor([&] { return !dialog->isWorking(); }, 60, "the deploy plan"))
            return 1;
        dialog->adjustSize();
        QTest::qWait(200);
        status |= !save(dialog, QStringLiteral("deploy-dialog-aws"));
    }
    backend->setCurrentIndex(backend->findData(QStringLiteral("local")));
    if (!waitFor([&] { return !dialog->isWorking(); }, 60, "the deploy plan"))
        return 1;
    dialog->adjustSize();
    QTest::qWait(200);
    status |= !save(dialog, QStringLiteral("deploy-dialog"));
    if (!dark) {
        // On a laptop's 800x600 screen the dialog is no bigger than the screen (its body scrolls).
        const QSize natural = dialog->size();
        dialog->resize(natural.boundedTo(QSize(780, 560)));
        QTest::qWait(200);
        status |= !save(dialog, QStringLiteral("deploy-dialog-800x600"));
        dialog->resize(natural);
    }
    dialog->findChild<QPushButton*>(QStringLiteral("deployConfirmButton"))->click();

    // Mid-run: some running, one failed, some queued or done. The bound covers the image's build
    // on a busy machine; the state itself lasts ~8 s (see the conditions' order).
    if (!waitFor(
            [&] {
                return model->count(DeploymentState::Phase::Failed) >= 1
                    && model->count(DeploymentState::Phase::Running) >= 3;
            },
            180, "a mid-run board"))
        return 1;
    QTableView* view = board->view();
    // The machine that started last, so its log is still live when it is taken.
    int latest = -1;
    qint64 shortest = -1;
    for (int r = 0; r < board->filterModel()->rowCount(); ++r) {
        const QModelIndex index = board->filterModel()->index(r, 0);
        const qint64 elapsed = index.data(BoardModel::ElapsedSecondsRole).toLongLong();
        if (index.data(BoardModel::PhaseRole).toInt() == static_cast<int>(DeploymentState::Phase::Running)
            && (latest < 0 || elapsed < shortest)) {
            latest = r;
            shortest = elapsed;
        }
    }
    view->setCurrentIndex(board->filterModel()->index(qMax(0, latest), 0));
    waitFor([&] { return board->machineLog()->logView()->toPlainText().count(QLatin1Char('\n')) >= 3; }, 30,
            "log lines");
    QTest::qWait(700); // last lines and elapsed times fill in
    status |= !saveWindow(&window, QStringLiteral("running"));
    // The log tail once it has a few epochs (the machine runs on; not fatal if it is slow).
    if (!dark) {
        waitFor([&] { return board->machineLog()->logView()->toPlainText().count(QLatin1Char('\n')) >= 6; }, 20,
                "more log lines");
        QTest::qWait(300);
        status |= !save(board->machineLog(), QStringLiteral("log-tail"));
    }
    auto* details = board->findChild<QTabWidget*>(QStringLiteral("boardDetails"));

    // The end.
    if (!waitFor([&] { return model->allFinished(); }, 180, "the end of the sweep"))
        return 1;
    QTest::qWait(2500);
    // The results as a user sees them: the docks and the splitter as they open.
    view->setCurrentIndex(board->filterModel()->index(0, 0));
    details->setCurrentWidget(board->results());
    waitFor([&] { return board->results()->model()->rowCount() >= 7; }, 30, "results");
    board->results()->showTab(0);
    QTest::qWait(300);
    status |= !saveWindow(&window, QStringLiteral("finished"));
    board->results()->setMetric(QStringLiteral("loss"));
    board->results()->setKey(QStringLiteral("lr"));
    board->results()->showTab(1);
    QTest::qWait(500);
    if (!dark)
        status |= !save(board->results(), QStringLiteral("results-chart"));
    status |= !saveWindow(&window, QStringLiteral("results-window"));

    // Clean up: terminate (the confirmation answered here), then drop the image.
    const QString image = board->monitor()->deployment()->state().image;
    Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
    board->terminateAll();
    waitFor([&] { return !board->monitor()->isLive() && !board->monitor()->isBusy(); }, 120, "terminate");
    QProcess rmi; // quiet: terminating may have removed the image already
    rmi.setStandardOutputFile(QProcess::nullDevice());
    rmi.setStandardErrorFile(QProcess::nullDevice());
    rmi.start(QStringLiteral("docker"),
              { QStringLiteral("rmi"), QStringLiteral("-f"), QStringLiteral("--no-prune"), image });
    rmi.waitForFinished(60000);
    return status;
}
