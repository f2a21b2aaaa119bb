// SPDX-License-Identifier: MIT
// Time from process start to the main window shown with its project listed:
// the real `logistician gui DIR` on the offscreen platform, a project of 50
// experiments (a real Git repository, a few of them modified), measured from
// QProcess::start() to the line the app prints once the window is shown and
// the project scan is in (LOGISTICIAN_QUIT_WHEN_SHOWN).
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>

namespace {

bool git(const QString& dir, const QStringList& args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"),
            QStringList { QStringLiteral("-c"), QStringLiteral("user.name=Bench"), QStringLiteral("-c"),
                          QStringLiteral("user.email=bench@example.invalid"), QStringLiteral("-c"),
                          QStringLiteral("commit.gpgsign=false") }
                + args);
    return p.waitForFinished(60000) && p.exitCode() == 0;
}

void write(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(content);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int experiments = 50;
    const int rounds = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 15;
    QTemporaryDir root;
    const QString project = root.path() + QStringLiteral("/project");
    QDir().mkpath(project);
    git(project, { QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main") });
    for (int i = 0; i < experiments; ++i) {
        const QString dir = project + QStringLiteral("/experiments/exp-%1").arg(i, 2, 10, QLatin1Char('0'));
        QByteArray conditions;
        for (int c = 0; c < 8; ++c)
            conditions += QStringLiteral("%1\"--lr 0.%2 --layers %3\"")
                              .arg(c ? QStringLiteral(", ") : QString())
                              .arg(c + 1)
                              .arg(c % 4 + 1)
                              .toUtf8();
        write(dir + QStringLiteral("/parameters.json"),
              "{\"experiment_name\": \"exp-" + QByteArray::number(i)
                  + "\", \"experiment_command\": \"sh run.sh\", "
                    "\"experiment_conditions\": ["
                  + conditions + "]}\n");
        write(dir + QStringLiteral("/Dockerfile"), "FROM debian:bookworm-slim\nWORKDIR /project\n");
        write(dir + QStringLiteral("/src/model.py"), QByteArray(4000, '#'));
    }
    git(project, { QStringLiteral("add"), QStringLiteral("-A") });
    git(project, { QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("bench") });
    for (int i = 0; i < experiments; i += 10)
        write(project + QStringLiteral("/experiments/exp-%1/Dockerfile").arg(i, 2, 10, QLatin1Char('0')),
              "FROM debian:bookworm\n");

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), root.path() + QStringLiteral("/config"));
    env.insert(QStringLiteral("LOGISTICIAN_QUIT_WHEN_SHOWN"), QStringLiteral("1"));

    QList<double> shown;
    for (int round = 0; round < rounds + 1; ++round) { // the first round warms the disk cache and is not counted
        QProcess p;
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::SeparateChannels);
        QElapsedTimer clock;
        clock.start();
        p.start(QStringLiteral(LOGISTICIAN_BINARY_PATH), { QStringLiteral("gui"), project });
        QByteArray out;
        while (!out.contains('\n') && p.waitForReadyRead(10000))
            out += p.readAllStandardOutput();
        const double ms = clock.nsecsElapsed() / 1e6;
        p.waitForFinished(10000);
        if (!out.startsWith("shown " + QByteArray::number(experiments))) {
            std::fprintf(stderr, "unexpected output: %s %s\n", out.constData(), p.readAllStandardError().constData());
            return 1;
        }
        if (round > 0)
            shown << ms;
    }
    std::sort(shown.begin(), shown.end());
    std::printf("process start to main window shown with %d experiments listed, %d runs:\n", experiments, rounds);
    std::printf("  min %.0f ms, median %.0f ms, max %.0f ms\n", shown.first(), shown.at(shown.size() / 2),
                shown.last());
    return shown.at(shown.size() / 2) < 300 ? 0 : 1;
}
