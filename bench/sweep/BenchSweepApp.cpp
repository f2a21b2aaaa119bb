// SPDX-License-Identifier: MIT
// The desktop app watching a live sweep: the real MainWindow opened on a
// project folder (as `logistician-gui DIR` does), its experiment's
// Deployments tab shown, so the board's DeploymentMonitor polls the
// deployment and the board renders it (offscreen) until every condition has
// ended and its results are home. Then it prints what the app cost: CPU time
// of its own process and of the commands it ran (getrusage SELF and
// CHILDREN), peak resident memory, and the status rounds it made.
//
//   QT_QPA_PLATFORM=offscreen bench_sweep_app EXPERIMENT_DIR [TIMEOUT_S=900]
//
// Run by bench/sweep/local-sweep.sh (WATCH=app or both); the experiment must
// already be deployed (`logistician deploy` returns after the hand-over).
// LOGISTICIAN_POLL_SECONDS sets the app's poll interval (default 5 s).
#include "ExperimentPage.h"
#include "MainWindow.h"
#include "Settings.h"
#include "Theme.h"
#include "board/DeploymentBoard.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

static void initResources()
{
    Q_INIT_RESOURCE(logistician);
}

namespace {

struct Cpu
{
    double selfUser = 0, selfSys = 0, childUser = 0, childSys = 0;
    long maxRssKiB = 0;
};

double seconds(const timeval& t)
{
    return t.tv_sec + t.tv_usec / 1e6;
}

Cpu cpuNow()
{
    rusage self {}, children {};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return { seconds(self.ru_utime), seconds(self.ru_stime), seconds(children.ru_utime), seconds(children.ru_stime),
             self.ru_maxrss };
}

long rssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    return -1;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_sweep_app EXPERIMENT_DIR [TIMEOUT_S]\n");
        return 2;
    }
    QApplication app(argc, argv);
    initResources();
    QApplication::setApplicationName(QStringLiteral("logistician"));
    Theme::apply(app, Theme::modeFromString(Settings().theme()));
    const QString dir = QString::fromLocal8Bit(argv[1]);
    const int timeoutS = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 900;

    QElapsedTimer clock;
    clock.start();
    MainWindow window;
    window.resize(1280, 800);
    DeploymentMonitor* monitor = nullptr;
    Cpu atOpen;
    qint64 openedMs = -1, finishedMs = -1;
    int rounds = 0, conditions = 0, failed = -1;
    QElapsedTimer round;
    QVector<qint64> roundMs;

    // The project scan runs on a worker thread; the experiment page comes with it.
    QObject::connect(&window, &MainWindow::projectLoaded, &app, [&] {
        if (monitor)
            return;
        ExperimentPage* page = window.currentPage();
        if (!page) {
            std::fprintf(stderr, "bench_sweep_app: %s opened no experiment\n", qPrintable(dir));
            QCoreApplication::exit(1);
            return;
        }
        page->showTab(3); // Deployments
        monitor = page->deployments()->monitor();
        conditions = monitor->model()->rowCount();
        if (!monitor->isLive()) {
            std::fprintf(stderr, "bench_sweep_app: %s has no live deployment\n", qPrintable(dir));
            QCoreApplication::exit(1);
            return;
        }
        atOpen = cpuNow();
        openedMs = clock.elapsed();
        if (monitor->operation() == DeploymentMonitor::Operation::Refresh)
            round.start(); // opening a live deployment refreshes it at once
        QObject::connect(monitor, &DeploymentMonitor::operationStarted, &app, [&](DeploymentMonitor::Operation op) {
            if (op == DeploymentMonitor::Operation::Refresh)
                round.start();
        });
        QObject::connect(monitor, &DeploymentMonitor::operationFinished, &app,
                         [&](DeploymentMonitor::Operation op, int, const QString&) {
                             if (op != DeploymentMonitor::Operation::Refresh || !round.isValid())
                                 return;
                             ++rounds;
                             roundMs << round.elapsed();
                             round.invalidate();
                         });
        QObject::connect(monitor, &DeploymentMonitor::deploymentFinished, &app, [&](int failedCount) {
            failed = failedCount;
            finishedMs = clock.elapsed();
        });
    });

    // Done when every condition has ended and the monitor stopped polling (results home: AutoSync).
    QTimer check;
    check.setInterval(250);
    QObject::connect(&check, &QTimer::timeout, &app, [&] {
        if (clock.elapsed() > timeoutS * 1000LL) {
            std::fprintf(stderr, "bench_sweep_app: not finished after %d s\n", timeoutS);
            QCoreApplication::exit(1);
        }
        if (monitor && finishedMs >= 0 && !monitor->isBusy() && !monitor->isPolling())
            QCoreApplication::exit(0);
    });
    check.start();

    window.openProject(dir);
    window.show();
    const int code = app.exec();
    const Cpu end = cpuNow();
    const double watchS = (clock.elapsed() - openedMs) / 1000.0;
    std::sort(roundMs.begin(), roundMs.end());
    const double self = end.selfUser + end.selfSys - atOpen.selfUser - atOpen.selfSys;
    const double children = end.childUser + end.childSys - atOpen.childUser - atOpen.childSys;
    std::printf("app: %d conditions, %d failed; board opened at %.1f s, all ended at %.1f s, done at %.1f s\n",
                conditions, failed, openedMs / 1000.0, finishedMs / 1000.0, clock.elapsed() / 1000.0);
    std::printf("app: poll interval %d ms, %d status rounds, round wall median %lld ms, max %lld ms\n",
                monitor ? monitor->pollInterval() : -1, rounds, roundMs.isEmpty() ? -1 : roundMs.at(roundMs.size() / 2),
                roundMs.isEmpty() ? -1 : roundMs.last());
    std::printf("app: while watching (%.1f s): app process %.2f s CPU (user %.2f, sys %.2f) = %.1f%% of one core; "
                "its commands %.2f s CPU = %.1f%%; together %.1f%%\n",
                watchS, self, end.selfUser - atOpen.selfUser, end.selfSys - atOpen.selfSys, 100 * self / watchS,
                children, 100 * children / watchS, 100 * (self + children) / watchS);
    std::printf("app: whole process: self %.2f s, commands %.2f s; start-up to board %.2f s CPU\n",
                end.selfUser + end.selfSys, end.childUser + end.childSys,
                atOpen.selfUser + atOpen.selfSys + atOpen.childUser + atOpen.childSys);
    std::printf("app: peak RSS %.1f MiB (VmHWM), RSS at the end %.1f MiB\n", end.maxRssKiB / 1024.0, rssKiB() / 1024.0);
    std::fflush(stdout);
    return code;
}
