// SPDX-License-Identifier: MIT
#pragma once

#include "Docker.h"
#include "deploy/DeploymentState.h"
#include "slurm/SlurmParameters.h"

#include <QList>
#include <QString>
#include <QStringList>

// The pure parts of the slurm backend: the sbatch command, the job script and
// conditions file, the container command of one task, and the reading of what
// squeue, scontrol and sacct say. Everything here is a string or an argv;
// SlurmDeploy runs them on the login node.
namespace SlurmJob {

// "1-4%2", "2,5-7%3": the array indexes (condition indexes, 1-based) at most maxParallel at a time.
QString arraySpec(QList<int> indexes, int maxParallel);

// sbatch's argv: the array, its resources from the slurm object, the job's name and output, and the script.
QStringList sbatchArgv(const SlurmParameters::Settings& settings, const QString& array, const QString& jobName,
                       const QString& experimentDir);

// templates/remote/slurm-job.sh for this experiment's folder on the cluster (its error says what failed).
ResultOf<QString> jobScript(const QString& experimentDir, const QString& runtime, const QStringList& dockerWords);

// What array task N reads of condition N: its folder, its container's name, and the data folders of its
// current attempt and of attempt 1, both inside its folder ("data", "data/attempt-2").
struct Task
{
    int index = 0; // the condition's, 1-based
    QString slug;
    QString container;
    QString data;
    QString firstData;
};
// One line per condition, line N the four words of condition N; the error names a word the job script would
// refuse (each is [a-z0-9._/-], none starts with '.').
ResultOf<QByteArray> conditionsFile(const QList<Task>& tasks);

// The container command of one task, from the docker run of the other backends: docker or podman run
// in the foreground, removed when it ends; apptainer exec of the image file with the same binds.
QStringList runArgv(Docker::RunSpec spec, const QString& runtime, const QString& imageFile);
// One word per line: what the job script reads into "$@" (no word has a line break: conditions are checked).
QByteArray argvFile(const QStringList& argv);

// templates/remote/slurm-status.sh with a "j" call per job and an "s" call per condition (slug, data folder).
QString statusScript(const QStringList& jobs, const QList<QPair<QString, QString>>& conditions);
// templates/remote/slurm-cancel.sh cancelling these jobs or tasks.
QString cancelScript(const QStringList& jobs);

// What the scheduler says of one task.
struct Seen
{
    QString state; // PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, ...
    QString reason; // Priority, Resources, JobArrayTaskLimit, ...; "None" dropped
};
// The task lines of statusScript's output, by "JOBID_N"; squeue first, then scontrol, then sacct.
QHash<QString, Seen> parseScheduler(const QByteArray& output);

// Applies statusScript's output to the state: the scheduler's state and reason, and from them and the
// run wrapper's files the phase, exit code and times. Returns the positions whose phase, state or reason
// changed; *notes gets a line on each task that ended without its exit code (timeout, cancel, node failure).
QList<int> apply(DeploymentState* state, const QByteArray& output, QStringList* notes = nullptr);

// What the scheduler says of a condition's task, for a person: "waiting: Priority", "RUNNING", "TIMEOUT";
// empty where there is no task (the other backends).
QString describe(const DeploymentState::Condition& condition);

// The phase a scheduler state stands for when the run wrapper has not recorded an end.
DeploymentState::Phase phaseFor(const QString& schedulerState);

} // namespace SlurmJob
