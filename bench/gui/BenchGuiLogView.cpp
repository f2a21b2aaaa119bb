// SPDX-License-Identifier: MIT
// The log view fed 50 MB of process output through the same path as a run
// (CommandRunner reading a real pipe): the longest the event loop is held up,
// how long until everything is on screen, and the memory it takes.
#include "CommandRunner.h"
#include "LogView.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <cstdio>

namespace {

qint64 statusKb(const char* field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const qint64 megabytes = argc > 1 ? QString::fromLocal8Bit(argv[1]).toLongLong() : 50;

    LogView view;
    view.resize(1000, 600);
    view.show();

    const qint64 rssBefore = statusKb("VmRSS:");
    // The beat: a 1 ms timer; the longest gap between two beats is the longest stall.
    QElapsedTimer sinceBeat;
    qint64 maxGapNs = 0;
    QList<qint64> gaps;
    QTimer beat;
    beat.setTimerType(Qt::PreciseTimer);
    beat.setInterval(1);
    QObject::connect(&beat, &QTimer::timeout, [&] {
        const qint64 gap = sinceBeat.nsecsElapsed();
        sinceBeat.restart();
        maxGapNs = qMax(maxGapNs, gap);
        gaps << gap;
    });

    CommandRunner runner;
    Command command;
    command.program = QStringLiteral("sh");
    command.arguments = { QStringLiteral("-c"),
                          QStringLiteral("yes 'epoch 12/100  step 4711  loss=0.123456  acc=0.98765  lr=0.001  "
                                         "a line of container output' | head -c %1")
                              .arg(megabytes * 1024 * 1024) };
    qint64 received = 0;
    qint64 peakRss = 0;
    QObject::connect(&runner, &CommandRunner::standardOutput, &view, [&](const QByteArray& data) {
        received += data.size();
        view.appendOutput(data);
    });
    QTimer sample;
    sample.setInterval(50);
    QObject::connect(&sample, &QTimer::timeout, [&] { peakRss = qMax(peakRss, statusKb("VmRSS:")); });

    QElapsedTimer total;
    bool processDone = false;
    qint64 processMs = 0;
    auto maybeQuit = [&] {
        if (processDone && view.isIdle())
            app.quit();
    };
    QObject::connect(&runner, &CommandRunner::finished, [&](int, const QString&) {
        processDone = true;
        processMs = total.elapsed();
        maybeQuit();
    });
    QObject::connect(&view, &LogView::drained, maybeQuit);

    QTimer::singleShot(0, [&] {
        total.start();
        sinceBeat.start();
        beat.start();
        sample.start();
        runner.start(command);
    });
    app.exec();
    peakRss = qMax(peakRss, statusKb("VmRSS:"));
    std::sort(gaps.begin(), gaps.end());
    const qint64 p99 = gaps.isEmpty() ? 0 : gaps.at(gaps.size() * 99 / 100);

    std::printf("log view fed %lld MB (%lld bytes received) through CommandRunner:\n", megabytes, received);
    std::printf("  output finished after %lld ms, all of it handled after %lld ms\n", processMs, total.elapsed());
    std::printf("  longest event-loop stall: %.1f ms (99th percentile gap between 1 ms beats: %.1f ms)\n",
                maxGapNs / 1e6, p99 / 1e6);
    std::printf("  lines kept: %d (maximum %d); output skipped to keep up: %.1f MB\n", view.document()->blockCount(),
                LogView::MaxLines, view.droppedChars() / 1048576.0);
    std::printf("  RSS before %lld MB, peak %lld MB (+%lld MB)\n", rssBefore / 1024, peakRss / 1024,
                (peakRss - rssBefore) / 1024);
    return maxGapNs / 1000000 < 50 ? 0 : 1;
}
