// SPDX-License-Identifier: MIT
// The status board with N machines (default 1,000) receiving status rounds, as
// a deployment's refresh delivers them: the board's model is given the new
// state, the filter/sort proxy and the table view react, and the window
// repaints. Reports the GUI-thread time per round (median, 95th percentile,
// worst) for a few kinds of round, and the resident memory.
//
//   bench-board [MACHINES] [ROUNDS]

#include "board/BoardFilterModel.h"
#include "board/BoardModel.h"
#include "board/DeploymentBoard.h"
#include "board/SummaryBar.h"
#include "board/SyntheticDeployment.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QStackedWidget>
#include <QTableView>
#include <QWindow>
#include <algorithm>
#include <cstdio>
#include <functional>

using Phase = DeploymentState::Phase;

namespace {

long rssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    }
    return -1;
}

DeploymentState synthetic(int count)
{
    return SyntheticDeployment::make(count);
}

// Finished machines start over, so every round keeps changing rows.
void advance(DeploymentState::Condition* c, QRandomGenerator* random)
{
    SyntheticDeployment::advance(c, random, SyntheticDeployment::Finished::StartOver);
}

QWidget* s_board = nullptr;

// Counts the table's paints, to show the rounds really repaint it.
class PaintCounter : public QObject
{
public:
    int paints = 0;
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return false;
    }
};

struct Figures
{
    double median = 0, p95 = 0, worst = 0;
};

Figures measure(int rounds, const std::function<void(int)>& round)
{
    QList<double> ms;
    for (int r = 0; r < rounds; ++r) {
        QElapsedTimer timer;
        timer.start();
        round(r);
        // Everything the round causes on the GUI thread: the proxy and view
        // reacting, layout, and painting the whole window (rendered here, which
        // is more than a real frame does: only dirty rows are repainted there;
        // the offscreen platform paints nothing on its own).
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        s_board->grab();
        ms << timer.nsecsElapsed() / 1e6;
    }
    std::sort(ms.begin(), ms.end());
    Figures f;
    f.median = ms.at(ms.size() / 2);
    f.p95 = ms.at(std::min<qsizetype>(ms.size() - 1, (ms.size() * 95) / 100));
    f.worst = ms.last();
    return f;
}

void report(const char* what, const Figures& f)
{
    std::printf("| %-58s | %7.2f | %7.2f | %7.2f |\n", what, f.median, f.p95, f.worst);
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int machines = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 100;
    const long rssStart = rssKiB();

    DeploymentBoard board;
    board.resize(1360, 860);
    board.show();
    s_board = &board;
    // The board page (not the "nothing deployed" page): no deployment is opened here, the model is fed directly.
    board.findChild<QStackedWidget*>(QString(), Qt::FindDirectChildrenOnly)->setCurrentIndex(1);
    PaintCounter counter;
    board.view()->viewport()->installEventFilter(&counter);
    QElapsedTimer exposed;
    exposed.start();
    while (!board.windowHandle()->isExposed() && exposed.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    BoardModel* model = board.model();
    QRandomGenerator random(7);
    DeploymentState state = synthetic(machines);
    const long rssEmptyBoard = rssKiB();
    QElapsedTimer first;
    first.start();
    model->setState(state);
    QCoreApplication::processEvents();
    board.grab();
    const double firstMs = first.nsecsElapsed() / 1e6;
    const long rssLoaded = rssKiB();

    std::printf("%d machines, %d rounds per row; GUI-thread ms per round\n\n", machines, rounds);
    std::printf("| %-58s | %7s | %7s | %7s |\n", "round", "median", "p95", "worst");
    std::printf("|%s|---------|---------|---------|\n", QByteArray(60, '-').constData());
    std::printf("| %-58s | %7.2f |         |         |\n", "first load (reset, 1 row per machine)", firstMs);

    auto third = [&](int) {
        for (DeploymentState::Condition& c : state.conditions) {
            if (random.bounded(3) == 0)
                advance(&c, &random);
        }
        model->setState(state);
    };
    report("a third of the machines change, sorted by condition", measure(rounds, third));
    board.view()->sortByColumn(BoardModel::StateColumn, Qt::AscendingOrder);
    report("a third change, sorted by state (rows move)", measure(rounds, third));
    board.filterModel()->setPhases({ Phase::Running, Phase::Failed });
    report("a third change, sorted by state, filtered to running+failed", measure(rounds, third));
    board.filterModel()->setPhases({});
    board.view()->sortByColumn(BoardModel::ConditionColumn, Qt::AscendingOrder);
    auto all = [&](int) {
        for (DeploymentState::Condition& c : state.conditions)
            advance(&c, &random);
        model->setState(state);
    };
    report("every machine changes", measure(rounds, all));
    report("nothing changes", measure(rounds, [&](int) { model->setState(state); }));
    report("last log line of every machine", measure(rounds, [&](int r) {
               for (int i = 0; i < machines; ++i)
                   model->setLastLine(i, QStringLiteral("epoch %1/100 loss 0.%2").arg(r).arg(i));
           }));
    report("the elapsed-time tick (once a second)", measure(rounds, [&](int) { model->tick(); }));
    const long rssEnd = rssKiB();

    std::printf("\nresident memory: %ld MiB at start, %ld MiB with the empty board, %ld MiB with %d machines "
                "(+%ld KiB, %.1f KiB per machine), %ld MiB after all rounds\n",
                rssStart / 1024, rssEmptyBoard / 1024, rssLoaded / 1024, machines, rssLoaded - rssEmptyBoard,
                double(rssLoaded - rssEmptyBoard) / machines, rssEnd / 1024);
    std::printf("summary bar: %s; the table was painted %d times\n", qPrintable(board.summaryBar()->text()),
                counter.paints);
    return 0;
}
