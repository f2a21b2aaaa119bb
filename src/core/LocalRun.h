// SPDX-License-Identifier: MIT
#pragma once

#include "CommandRunner.h"
#include "Docker.h"
#include "Experiment.h"
#include "Result.h"
#include "deploy/Provenance.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QJsonObject>
#include <QObject>
#include <QTemporaryDir>
#include <memory>

// One local run of an experiment in Docker: a fresh data folder under data/
// (logs/, config/ with the commit and options, results/), the project (or, with
// clone, the HEAD commit's files) mounted at /project, the arguments passed
// through verbatim. The CLI's `run` and the GUI's Runs tab both use this.
class LocalRun : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QStringList arguments;
        bool clone = false;
        bool interactiveShell = false; // `shell`: bash in the container instead of the command
        bool tty = false; // the shell gets a terminal
        // Original-style folders (no experiment_command): the -o text as one string, given to the
        // image's own CMD in $OPTIONS through docker's environment, never a shell.
        QString optionsText;
        bool noVolume = false; // shell --no-volume: nothing mounted at /project
        QString dataReadOnly; // run --data_readonly DIR: DIR at /data, read-only
    };

    // A finished or running local run, read back from its config/run.json.
    struct Record
    {
        QString dataDir;
        QJsonObject config;
    };

    // How long a stopped container has between its stop signal and SIGKILL.
    static constexpr int StopGraceSeconds = 10;

    LocalRun(const Experiment& experiment, const Options& options, QObject* parent = nullptr);
    ~LocalRun() override;

    // Checks the experiment can run (command, Dockerfile, Git); touches nothing.
    Result validate() const;
    // Validates, then creates the data folder and writes config/run.json; nothing is started.
    Result prepare();
    // The same on a worker thread (a --clone export can be large); prepared() follows.
    void prepareInBackground();
    // Starts the container; finished() follows. prepare() must have succeeded.
    void start();
    // Stops the container by its name (`docker stop`), again until docker run has ended, however
    // early: the client forwards signals only once it has set up its proxy, and a client killed
    // before that would leave the container running. finished() follows.
    void cancel();

    QString dataDir() const { return m_dataDir; }
    QString containerName() const { return m_containerName; } // unique; set by prepare()
    const Command& command() const { return m_command; }

    // `run` and `shell` build first, as the original Logistician's did and as the app's Run does
    // ("Build before running"): the experiment's image is built (docker build of its folder, tagged
    // imageTag()) before anything is prepared. Whether the image is missing or stale is docker's build
    // cache's answer: one built from the current Dockerfile and files is a cache hit in a second, a
    // changed one is rebuilt from the first changed step, a missing one is built.
    static Command buildCommand(const Experiment& experiment);
    // For a run that does not build first (`--no-build`, the app's box unchecked): ok when the engine
    // has the experiment's image, else a failure that says how to build it; skippedBy says what skipped
    // the build ("--no-build"). Runs `docker image inspect`: not on the GUI thread.
    static Result checkImageBuilt(const Experiment& experiment, const QString& skippedBy);

    // Local runs of an experiment, newest first.
    static QList<Record> history(const Experiment& experiment);

Q_SIGNALS:
    void prepared(const Result& result);
    void standardOutput(const QByteArray& data);
    void standardError(const QByteArray& data);
    // exitCode is the container's; message explains a failure of docker itself.
    void finished(int exitCode, const QString& message);

private:
    void onFinished(int exitCode, const QString& error);
    void writeConfig();
    Result prepareFiles(); // thread-safe: creates no QObject
    // prepareFiles' steps: the folder mounted at /project (with clone, the commit exported into a temporary
    // one), the run's own data folder (its name), the docker run, and the run's config/ and provenance.
    ResultOf<QString> projectFolder(class GitRepository& repo, const QString& commit);
    ResultOf<QString> makeDataDir();
    Docker::RunSpec runSpec(const QString& projectDir, const QString& name) const;
    void recordConfig(const Docker::RunSpec& spec, const QString& commit, bool dirty);
    void openOutputLog();
    void stopContainer();

    Experiment m_experiment;
    Options m_options;
    QString m_dataDir;
    QJsonObject m_config;
    Provenance::Record m_provenance; // config/provenance.json, host "local"; none for shell sessions
    Command m_command;
    CommandRunner m_runner;
    QString m_docker; // local_docker_command
    QString m_containerName;
    CommandRunner m_stopper; // docker stop NAME
    QElapsedTimer m_stopping; // valid once cancel() was called
    std::unique_ptr<QTemporaryDir> m_cloneDir;
    std::unique_ptr<class QFile> m_outputLog;
    QByteArray m_stderrTail;
    QFutureWatcher<Result> m_preparing;
};
