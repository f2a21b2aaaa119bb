// SPDX-License-Identifier: MIT
// Deployment benchmarks on simulated machines (real sshd servers on
// 127.0.0.x, real ssh and rsync), see README.md:
//   sync:   N machines with M MiB of results each, fetched by Deployment::sync
//           several at a time against one after another (as the original tool did);
//   status: one Deployment::refreshStatus round over K machines, with new
//           connections and with the master connections reused.
// Usage: bench_deploy [--machines N] [--mb M] [--bwlimit KBPS] [--status-machines K]

#include "CommandLog.h"
#include "Experiment.h"
#include "ScratchRepository.h"
#include "SshMachines.h"
#include "deploy/Deployment.h"
#include "deploy/Ssh.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>

namespace {

struct Setup
{
    ScratchRepository repo;
    QString experimentDir;
    QString name;
};

// An experiment whose deployment.json says every condition ran on its own
// machine and finished, with its results waiting on the machine.
bool prepare(Setup& s, const SshMachines& machines, int mb, const QString& name)
{
    s.name = name;
    s.experimentDir = s.repo.filePath(QStringLiteral("experiments/") + name);
    s.repo.writeFile(QStringLiteral("experiments/") + name + QStringLiteral("/parameters.json"),
                     QJsonDocument(QJsonObject { { QStringLiteral("experiment_name"), name },
                                                 { QStringLiteral("experiment_command"), QStringLiteral("true") } })
                         .toJson());
    s.repo.writeFile(QStringLiteral("experiments/") + name + QStringLiteral("/.gitignore"), ".logistician/\ndata/\n");
    s.repo.commitAll();
    DeploymentState state;
    state.experiment = name;
    state.backend = QStringLiteral("ssh");
    state.commit = QStringLiteral("0000000000000000000000000000000000000000");
    state.createdAt = QDateTime::currentDateTimeUtc();
    QByteArray blob(mb * 1024 * 1024, '\0');
    for (int i = 0; i < machines.count(); ++i) {
        for (int k = 0; k < blob.size(); k += 4096) // incompressible enough for ssh, cheap to make
            blob[k] = static_cast<char>((i * 131 + k / 4096 * 17) & 0xff);
        DeploymentState::Condition c;
        c.index = i + 1;
        c.text = QStringLiteral("--i %1").arg(i);
        c.arguments = { QStringLiteral("--i"), QString::number(i) };
        c.slug = DeploymentState::slugFor(c.index, c.text);
        c.host = machines.address(i);
        c.phase = DeploymentState::Phase::Succeeded;
        c.exitCode = 0;
        c.startedAt = QDateTime::currentDateTimeUtc();
        c.finishedAt = c.startedAt;
        state.conditions.append(c);
        state.hosts.append(DeploymentState::Host::at(c.host, QDir::homePath()));
        state.hosts.last().phase = DeploymentState::HostPhase::Ready;
        const QString data = QStringLiteral("%1/logistician/%2/%3/data").arg(QDir::homePath(), name, c.slug);
        QDir().mkpath(data + QStringLiteral("/logs"));
        QDir().mkpath(data + QStringLiteral("/results"));
        QFile f(data + QStringLiteral("/results/blob.bin"));
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write(blob);
        QFile code(data + QStringLiteral("/logs/exit_code.txt"));
        code.open(QIODevice::WriteOnly);
        code.write("0\n");
    }
    return state.save(s.experimentDir + QStringLiteral("/.logistician")).isOk();
}

double run(const QString& experimentDir, const std::function<void(Deployment&)>& start, int* exitCode)
{
    const Experiment experiment = Experiment::open(experimentDir).valueOr(Experiment());
    Deployment deployment(experiment);
    deployment.load();
    QEventLoop loop;
    QObject::connect(&deployment, &Deployment::finished, &loop, [&](int code, const QString& message) {
        *exitCode = code;
        if (code != 0)
            fprintf(stderr, "failed: %s\n", qPrintable(message));
        loop.quit();
    });
    QElapsedTimer timer;
    timer.start();
    start(deployment);
    loop.exec();
    return timer.nsecsElapsed() / 1e9;
}

void closeMasters(const QString& experimentDir, const SshMachines& machines, const QString& key)
{
    for (const QString& address : machines.addresses()) {
        const Command c = SshAccess(address, experimentDir + QStringLiteral("/.logistician"), key).closeMaster();
        QProcess::execute(c.program, c.arguments);
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption machinesOption(QStringLiteral("machines"), QStringLiteral("Machines to sync."),
                                            QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption mbOption(QStringLiteral("mb"), QStringLiteral("MiB of results per machine."),
                                      QStringLiteral("M"), QStringLiteral("20"));
    const QCommandLineOption bwOption(QStringLiteral("bwlimit"),
                                      QStringLiteral("Each machine's bandwidth in KiB/s (0: loopback speed)."),
                                      QStringLiteral("KBPS"), QStringLiteral("10240"));
    const QCommandLineOption statusOption(QStringLiteral("status-machines"),
                                          QStringLiteral("Machines for the status round."), QStringLiteral("K"),
                                          QStringLiteral("50"));
    const QCommandLineOption plainOption(
        QStringLiteral("plain-shell"),
        QStringLiteral("Sessions on the simulated machines skip this machine's ~/.bashrc."));
    parser.addOptions({ machinesOption, mbOption, bwOption, statusOption, plainOption });
    parser.process(app);
    const int n = parser.value(machinesOption).toInt();
    const int mb = parser.value(mbOption).toInt();
    const int bw = parser.value(bwOption).toInt();
    const int k = parser.value(statusOption).toInt();

    QTemporaryDir config;
    qputenv("XDG_CONFIG_HOME", config.path().toUtf8());
    const QString key = config.path() + QStringLiteral("/logistician/ssh-key");
    QString error;
    if (!SshMachines::generateKey(key, &error)) {
        fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    QObject::connect(CommandLog::instance(), &CommandLog::commandStarted, [](const QString&) {});

    // --- sync ---
    {
        SshMachines machines;
        machines.setPlainShell(parser.isSet(plainOption));
        if (!machines.start(n, key + QStringLiteral(".pub"), 100, &error)) {
            fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        Setup setup;
        if (!prepare(setup, machines, mb, QStringLiteral("bench-sync"))) {
            fprintf(stderr, "cannot prepare the sync benchmark\n");
            return 1;
        }
        auto once = [&](int parallel) {
            QDir(setup.experimentDir + QStringLiteral("/data")).removeRecursively();
            closeMasters(setup.experimentDir, machines, key);
            int code = -1;
            Deployment::SyncOptions options;
            options.parallel = parallel;
            options.bandwidthLimitKBps = bw;
            const double seconds = run(
                setup.experimentDir, [&](Deployment& d) { d.sync(options); }, &code);
            return code == 0 ? seconds : -1.0;
        };
        const double sequential = once(1);
        const double parallel8 = once(8);
        const double parallelAll = once(n);
        printf("sync %d machines x %d MiB, %s per machine:\n", n, mb,
               bw > 0 ? qPrintable(QStringLiteral("%1 KiB/s").arg(bw)) : "loopback speed");
        printf("  one after another: %.2f s\n", sequential);
        printf("  8 at a time (default): %.2f s  ratio %.3f\n", parallel8, parallel8 / sequential);
        printf("  all %d at once: %.2f s  ratio %.3f\n", n, parallelAll, parallelAll / sequential);
        fflush(stdout);
        closeMasters(setup.experimentDir, machines, key);
        QDir(QDir::homePath() + QStringLiteral("/logistician/bench-sync")).removeRecursively();
    }

    // --- status ---
    {
        SshMachines machines;
        machines.setPlainShell(parser.isSet(plainOption));
        if (!machines.start(k, key + QStringLiteral(".pub"), 150, &error)) {
            fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        Setup setup;
        if (!prepare(setup, machines, 0, QStringLiteral("bench-status"))) {
            fprintf(stderr, "cannot prepare the status benchmark\n");
            return 1;
        }
        int code = -1;
        const double cold = run(
            setup.experimentDir, [](Deployment& d) { d.refreshStatus(); }, &code);
        const double warm = run(
            setup.experimentDir, [](Deployment& d) { d.refreshStatus(); }, &code);
        printf("status round over %d machines: %.2f s with new connections, %.2f s reusing them%s\n", k, cold, warm,
               code == 0 ? "" : " (FAILED)");
        closeMasters(setup.experimentDir, machines, key);
        QDir(QDir::homePath() + QStringLiteral("/logistician/bench-status")).removeRecursively();
    }
    return 0;
}
