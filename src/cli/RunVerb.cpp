// SPDX-License-Identifier: MIT
#include "RunVerb.h"

#include "CommandRunner.h"
#include "Console.h"
#include "Docker.h"
#include "Experiment.h"
#include "LocalRun.h"
#include "ShellWords.h"
#include "Wait.h"

#include <QCoreApplication>
#include <QJsonValue>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// Ctrl-C stops the container through docker's own signal proxy; this process
// waits for it instead of dying and leaving the run folder unfinished.
int g_signalPipe[2] = { -1, -1 };
void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}

} // namespace

int RunVerb::execute(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption options({ QStringLiteral("o"), QStringLiteral("options") },
                                     QStringLiteral("Arguments for the experiment command, split with shell word "
                                                    "rules and passed verbatim (nothing is evaluated)."),
                                     QStringLiteral("ARGS"));
    const QCommandLineOption condition({ QStringLiteral("c"), QStringLiteral("condition") },
                                       QStringLiteral("Run condition N (1-based) of parameters.json instead of -o."),
                                       QStringLiteral("N"));
    const QCommandLineOption clone(QStringLiteral("clone"),
                                   QStringLiteral("Run the code of the HEAD commit instead of the working tree."));
    const QCommandLineOption dataReadOnly({ QStringLiteral("data_readonly"), QStringLiteral("data-readonly") },
                                          QStringLiteral("Mount DIR read-only at /data (as the original did)."),
                                          QStringLiteral("DIR"));
    parser.addOption(options);
    parser.addOption(condition);
    parser.addOption(clone);
    parser.addOption(dataReadOnly);
    const QCommandLineOption noBuild = noBuildOption();
    parser.addOption(noBuild);
    parser.addOption(jsonOption());
    if (int code = parseWithExperimentDir(parser, arguments); code >= 0)
        return code;
    ResultOf<Experiment> opened = openExperiment(parser);
    if (!opened)
        return Console::exitWith(opened.error());
    const Experiment experiment = opened.take();

    QString argumentText = parser.value(options);
    // main() decodes argv as UTF-8; a byte that is not UTF-8 arrives as U+FFFD and
    // would reach the container changed. Refuse it rather than pass other bytes.
    if (argumentText.contains(QChar::ReplacementCharacter)) {
        return Console::exitWith(
            Result::badInput(QStringLiteral("run: -o is not valid UTF-8 (it holds a byte sequence that cannot be "
                                            "decoded, or U+FFFD); give the arguments in UTF-8")));
    }
    if (parser.isSet(condition)) {
        if (parser.isSet(options))
            return Console::exitWith(Result::badInput(QStringLiteral("run: give either -o or --condition, not both")));
        const QStringList conditions = experiment.parameters().allConditions();
        bool ok = false;
        const int n = parser.value(condition).toInt(&ok);
        if (!ok || n < 1 || n > conditions.size())
            return Console::exitWith(
                Result::badInput(QStringLiteral("run: --condition must be between 1 and %1").arg(conditions.size())));
        argumentText = conditions.at(n - 1);
    }
    const auto words = ShellWords::split(argumentText);
    if (!words)
        return Console::exitWith(
            Result::badInput(QStringLiteral("run: -o \"%1\": %2").arg(argumentText, words.message())));

    LocalRun::Options runOptions;
    runOptions.arguments = *words;
    runOptions.clone = parser.isSet(clone);
    runOptions.optionsText = argumentText;
    runOptions.dataReadOnly = parser.value(dataReadOnly);
    LocalRun run(experiment, runOptions);
    return prepareAndRun(run, experiment, parser.isSet(noBuild));
}

QCommandLineOption RunVerb::noBuildOption()
{
    return QCommandLineOption(QStringLiteral("no-build"),
                              QStringLiteral("Do not build the image first (by default it is built, which is quick "
                                             "when nothing changed); it must exist."));
}

int RunVerb::prepareAndRun(LocalRun& run, const Experiment& experiment, bool noBuild)
{
    // Bad input first (exit 2), then the engine and the image (exit 1); only then is anything written.
    if (const Result valid = run.validate(); !valid)
        return Console::exitWith(valid);
    if (const Result engine = Docker::engineAnswers(); !engine)
        return Console::exitWith(engine);
    const Result image
        = noBuild ? LocalRun::checkImageBuilt(experiment, QStringLiteral("run with --no-build")) : build(experiment);
    if (!image)
        return Console::exitWith(image);
    if (const Result prepared = run.prepare(); !prepared)
        return Console::exitWith(prepared);
    return runToEnd(run);
}

Result RunVerb::build(const Experiment& experiment)
{
    CommandRunner runner;
    Result result;
    const auto toStderr = [](const QByteArray& d) {
        fwrite(d.constData(), 1, static_cast<size_t>(d.size()), stderr);
        fflush(stderr);
    };
    QObject::connect(&runner, &CommandRunner::standardOutput, toStderr);
    QObject::connect(&runner, &CommandRunner::standardError, toStderr);
    QObject::connect(&runner, &CommandRunner::finished, [&](int exitCode, const QString& message) {
        if (exitCode != 0)
            result = Result::failed(
                QStringLiteral("building %1 failed (%2); nothing was run")
                    .arg(experiment.imageTag(),
                         message.isEmpty() ? QStringLiteral("docker build exited with %1").arg(exitCode) : message));
    });
    Wait::forSignal(
        &runner, &CommandRunner::finished, [&] { runner.start(LocalRun::buildCommand(experiment)); },
        [&] { return runner.isRunning(); });
    return result;
}

int RunVerb::runToEnd(LocalRun& run)
{
    int code = 0;
    QObject::connect(&run, &LocalRun::standardOutput, [](const QByteArray& d) { Console::passOutput(d); });
    QObject::connect(&run, &LocalRun::standardError, [](const QByteArray& d) {
        fwrite(d.constData(), 1, static_cast<size_t>(d.size()), stderr);
        fflush(stderr);
    });
    QObject::connect(&run, &LocalRun::finished, [&](int exitCode, const QString& message) {
        // The container's own exit code is passed on; a message means docker itself
        // failed, not the experiment, and that is a failure like any other.
        code = exitCode;
        if (!message.isEmpty()) {
            Console::error(message);
            code = Result::failed(message).exitCode();
        }
        if (Console::jsonMode())
            Console::printJson(
                { { QStringLiteral("verb"), Console::jsonVerb() }, // run or shell
                  { QStringLiteral("exit_code"), code },
                  { QStringLiteral("error"), message.isEmpty() ? QJsonValue() : QJsonValue(message) },
                  { QStringLiteral("run_dir"), run.dataDir().isEmpty() ? QJsonValue() : QJsonValue(run.dataDir()) } });
    });

    std::unique_ptr<QSocketNotifier> notifier;
    if (g_signalPipe[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) == 0) {
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    if (g_signalPipe[0] >= 0) {
        notifier = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
        QObject::connect(notifier.get(), &QSocketNotifier::activated, [&run] {
            char c;
            [[maybe_unused]] auto n = ::read(g_signalPipe[0], &c, 1);
            run.cancel();
        });
    }
    Wait::forSignal(&run, &LocalRun::finished, [&] { run.start(); });
    return code;
}
