// SPDX-License-Identifier: MIT
#include "SlurmJob.h"

#include "ShellWords.h"
#include "deploy/RemoteScript.h"

#include <QHash>
#include <QRegularExpression>
#include <algorithm>

using Phase = DeploymentState::Phase;

namespace SlurmJob {

QString arraySpec(QList<int> indexes, int maxParallel)
{
    std::sort(indexes.begin(), indexes.end());
    indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
    QStringList parts;
    for (int i = 0; i < indexes.size();) {
        int j = i;
        while (j + 1 < indexes.size() && indexes.at(j + 1) == indexes.at(j) + 1)
            ++j;
        parts << (j == i ? QString::number(indexes.at(i))
                         : QStringLiteral("%1-%2").arg(indexes.at(i)).arg(indexes.at(j)));
        i = j + 1;
    }
    return parts.join(QLatin1Char(',')) + QStringLiteral("%") + QString::number(qMax(1, maxParallel));
}

QStringList sbatchArgv(const SlurmParameters::Settings& s, const QString& array, const QString& jobName,
                       const QString& experimentDir)
{
    // Every value was checked when parameters.json was loaded; each is one argv word (ssh quotes it).
    QStringList argv { QStringLiteral("sbatch"),
                       QStringLiteral("--parsable"),
                       QStringLiteral("--array=") + array,
                       QStringLiteral("--job-name=") + jobName,
                       QStringLiteral("--chdir=") + experimentDir + QStringLiteral("/slurm"),
                       QStringLiteral("--output=") + experimentDir + QStringLiteral("/slurm/slurm-%A_%a.out"),
                       QStringLiteral("--cpus-per-task=") + QString::number(s.cpusPerTask) };
    if (!s.partition.isEmpty())
        argv << QStringLiteral("--partition=") + s.partition;
    if (!s.account.isEmpty())
        argv << QStringLiteral("--account=") + s.account;
    if (!s.time.isEmpty())
        argv << QStringLiteral("--time=") + s.time;
    if (!s.memory.isEmpty())
        argv << QStringLiteral("--mem=") + s.memory;
    if (s.gpusPerTask > 0)
        argv << QStringLiteral("--gpus-per-task=") + QString::number(s.gpusPerTask);
    argv << experimentDir + QStringLiteral("/slurm/job.sh");
    return argv;
}

ResultOf<QString> jobScript(const QString& experimentDir, const QString& runtime, const QStringList& dockerWords)
{
    RemoteScript script(QStringLiteral("slurm-job"));
    script.set(QStringLiteral("DIR"), experimentDir)
        .set(QStringLiteral("RUNTIME"), runtime)
        .setWords(QStringLiteral("DOCKER"), dockerWords);
    if (const QString why = script.error(); !why.isEmpty())
        return Result::failed(why);
    // RemoteScript drops the template's comments (the #! line too); sbatch wants the interpreter first.
    return QStringLiteral(
               "#!/bin/sh\n# Logistician job array: task N runs condition N (templates/remote/slurm-job.sh)\n")
        + script.render();
}

ResultOf<QByteArray> conditionsFile(const QList<Task>& tasks)
{
    // The job script's own check of each word, made here first so a deploy never submits a task that refuses.
    static const QRegularExpression word(QStringLiteral("^(?!\\.)(?!.*/\\.)[a-z0-9._/-]+$"));
    int last = 0;
    for (const Task& t : tasks)
        last = qMax(last, t.index);
    QList<QByteArray> lines(last);
    for (const Task& t : tasks) {
        const QStringList words { t.slug, t.container, t.data, t.firstData };
        for (const QString& w : words) {
            if (!word.match(w).hasMatch())
                return Result::failed(QStringLiteral("condition %1: \"%2\" is not a name the slurm job script takes")
                                          .arg(t.index)
                                          .arg(w));
        }
        lines[t.index - 1] = words.join(QLatin1Char(' ')).toUtf8();
    }
    QByteArray text;
    for (const QByteArray& line : std::as_const(lines))
        text += line + '\n';
    return text;
}

QStringList runArgv(Docker::RunSpec spec, const QString& runtime, const QString& imageFile)
{
    spec.detach = false; // the task is the run: it ends when the container does
    spec.remove = true; // nothing is left behind; the exit code and output are in data/logs
    spec.interactive = false;
    spec.tty = false;
    if (runtime != QLatin1String("apptainer"))
        return Docker::argv(Docker::run(spec));
    // apptainer: the same folders at the same places, the image from its .sif file; no daemon, no name.
    QStringList argv { QStringLiteral("apptainer"), QStringLiteral("exec"), QStringLiteral("--cleanenv"),
                       QStringLiteral("--pwd"), QStringLiteral("/project") };
    if (!spec.projectDir.isEmpty())
        argv << QStringLiteral("--bind") << spec.projectDir + QStringLiteral(":/project");
    if (!spec.dataDir.isEmpty())
        argv << QStringLiteral("--bind") << spec.dataDir + QStringLiteral(":/data");
    for (const QString& volume : std::as_const(spec.volumes))
        argv << QStringLiteral("--bind") << volume;
    for (const QString& variable : std::as_const(spec.environment))
        argv << QStringLiteral("--env") << variable;
    for (const QString& file : std::as_const(spec.environmentFiles))
        argv << QStringLiteral("--env-file") << file;
    if (!Docker::gpusFor(spec.docker, spec.gpus).isEmpty())
        argv << QStringLiteral("--nv");
    argv << imageFile;
    if (!spec.entrypoint.isEmpty())
        argv << spec.entrypoint;
    return argv + spec.command + spec.arguments;
}

QByteArray argvFile(const QStringList& argv)
{
    QByteArray text;
    for (const QString& word : argv)
        text += word.toUtf8() + '\n';
    return text;
}

QString statusScript(const QStringList& jobs, const QList<QPair<QString, QString>>& conditions)
{
    RemoteScript script(QStringLiteral("slurm-status"));
    for (const QString& job : jobs)
        script.call(QStringLiteral("j"), { job });
    for (const auto& [slug, dataDir] : conditions)
        script.call(QStringLiteral("s"), { slug, dataDir });
    return script.render();
}

QString cancelScript(const QStringList& jobs)
{
    return RemoteScript(QStringLiteral("slurm-cancel")).call(QStringLiteral("c"), jobs).render();
}

namespace {

// "3", "1-4", "1,3,5-7", each maybe with "%N": the task indexes.
QList<int> expandTasks(QString text)
{
    text = text.section(QLatin1Char('%'), 0, 0);
    QList<int> tasks;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool okA = false;
        bool okB = false;
        const int a = part.section(QLatin1Char('-'), 0, 0).toInt(&okA);
        const int b = part.contains(QLatin1Char('-')) ? part.section(QLatin1Char('-'), 1, 1).toInt(&okB) : a;
        if (!okA || (part.contains(QLatin1Char('-')) && !okB) || b < a || b - a > 100000)
            continue;
        for (int i = a; i <= b; ++i)
            tasks << i;
    }
    return tasks;
}

QString cleanReason(const QString& reason)
{
    const QString r = reason.trimmed();
    return r == QLatin1String("None") || r == QLatin1String("(null)") ? QString() : r;
}

} // namespace

QHash<QString, Seen> parseScheduler(const QByteArray& output)
{
    QHash<QString, Seen> fromQueue;
    QHash<QString, Seen> fromControl;
    QHash<QString, Seen> fromAccounting;
    static const QRegularExpression field(QStringLiteral("(\\w+)=(\\S*)"));
    for (const QByteArray& raw : output.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.startsWith(QLatin1String("Q|"))) {
            const QStringList f = line.split(QLatin1Char('|'));
            // 12_3, or 12_[4-9%2] for tasks not yet split off the pending array.
            const QString id = f.value(1);
            const QString job = id.section(QLatin1Char('_'), 0, 0);
            QString tasks = id.section(QLatin1Char('_'), 1);
            tasks.remove(QLatin1Char('[')).remove(QLatin1Char(']'));
            for (int t : expandTasks(tasks))
                fromQueue.insert(QStringLiteral("%1_%2").arg(job).arg(t), Seen { f.value(2), cleanReason(f.value(3)) });
        } else if (line.startsWith(QLatin1String("C|"))) {
            QHash<QString, QString> values;
            for (auto it = field.globalMatch(line.mid(2)); it.hasNext();) {
                const auto m = it.next();
                if (!values.contains(m.captured(1)))
                    values.insert(m.captured(1), m.captured(2));
            }
            const QString job = values.value(QStringLiteral("ArrayJobId"));
            if (job.isEmpty())
                continue;
            for (int t : expandTasks(values.value(QStringLiteral("ArrayTaskId"))))
                fromControl.insert(QStringLiteral("%1_%2").arg(job).arg(t),
                                   Seen { values.value(QStringLiteral("JobState")),
                                          cleanReason(values.value(QStringLiteral("Reason"))) });
        } else if (line.startsWith(QLatin1String("A|"))) {
            const QStringList f = line.split(QLatin1Char('|'));
            const QString id = f.value(1);
            const QString job = id.section(QLatin1Char('_'), 0, 0);
            QString tasks = id.section(QLatin1Char('_'), 1);
            tasks.remove(QLatin1Char('[')).remove(QLatin1Char(']'));
            // sacct says "CANCELLED by 0": the state is the first word.
            for (int t : expandTasks(tasks))
                fromAccounting.insert(QStringLiteral("%1_%2").arg(job).arg(t),
                                      Seen { f.value(2).section(QLatin1Char(' '), 0, 0), QString() });
        }
    }
    QHash<QString, Seen> seen = fromAccounting;
    for (auto it = fromControl.cbegin(); it != fromControl.cend(); ++it)
        seen.insert(it.key(), it.value());
    for (auto it = fromQueue.cbegin(); it != fromQueue.cend(); ++it)
        seen.insert(it.key(), it.value());
    return seen;
}

QString describe(const DeploymentState::Condition& c)
{
    if (c.job.isEmpty() || c.schedulerState.isEmpty())
        return QString();
    if (c.schedulerState == QLatin1String("PENDING"))
        return c.schedulerReason.isEmpty() ? QStringLiteral("waiting")
                                           : QStringLiteral("waiting: %1").arg(c.schedulerReason);
    return c.schedulerReason.isEmpty() ? c.schedulerState
                                       : QStringLiteral("%1 (%2)").arg(c.schedulerState, c.schedulerReason);
}

Phase phaseFor(const QString& s)
{
    if (s == QLatin1String("PENDING") || s == QLatin1String("REQUEUED") || s == QLatin1String("REQUEUE_HOLD")
        || s == QLatin1String("REQUEUE_FED") || s == QLatin1String("RESV_DEL_HOLD"))
        return Phase::Queued;
    if (s == QLatin1String("RUNNING") || s == QLatin1String("CONFIGURING") || s == QLatin1String("COMPLETING")
        || s == QLatin1String("SUSPENDED") || s == QLatin1String("STOPPED") || s == QLatin1String("SIGNALING")
        || s == QLatin1String("STAGE_OUT") || s == QLatin1String("RESIZING"))
        return Phase::Running;
    // COMPLETED without the wrapper's exit code, FAILED, TIMEOUT, CANCELLED, PREEMPTED, NODE_FAIL,
    // OUT_OF_MEMORY, BOOT_FAIL, DEADLINE: the run did not record its own end.
    return Phase::Failed;
}

QList<int> apply(DeploymentState* state, const QByteArray& output, QStringList* notes)
{
    const QHash<QString, Seen> seen = parseScheduler(output);
    QHash<QString, QStringList> wrapper;
    for (const QByteArray& raw : output.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.startsWith(QLatin1String("W|")))
            wrapper.insert(line.section(QLatin1Char('|'), 1, 1), line.split(QLatin1Char('|')));
    }
    QList<int> changed;
    for (int i = 0; i < state->conditions.size(); ++i) {
        DeploymentState::Condition& c = state->conditions[i];
        if (c.job.isEmpty() || c.isTerminated())
            continue;
        const Phase before = c.phase;
        const QString stateBefore = c.schedulerState;
        const QString reasonBefore = c.schedulerReason;
        const QStringList w = wrapper.value(c.slug);
        const QDateTime start = QDateTime::fromString(w.value(3).trimmed(), Qt::ISODate);
        const QDateTime end = QDateTime::fromString(w.value(4).trimmed(), Qt::ISODate);
        bool codeOk = false;
        const int code = w.value(2).trimmed().toInt(&codeOk);
        const auto s = seen.constFind(c.job);
        if (s != seen.cend()) {
            c.schedulerState = s->state;
            c.schedulerReason = s->reason;
        }
        if (codeOk) {
            // The run wrapper recorded its end: its exit code is the answer, whatever the scheduler adds.
            c.exitCode = code;
            c.phase = code == 0 ? Phase::Succeeded : Phase::Failed;
            if (start.isValid())
                c.startedAt = start;
            if (end.isValid())
                c.finishedAt = end;
            if (s == seen.cend() || phaseFor(s->state) != Phase::Failed)
                c.schedulerState = code == 0 ? QStringLiteral("COMPLETED") : QStringLiteral("FAILED");
        } else if (s != seen.cend()) {
            c.phase = phaseFor(s->state);
            if (start.isValid())
                c.startedAt = start;
            if (c.phase == Phase::Running && !c.startedAt.isValid())
                c.startedAt = QDateTime::currentDateTimeUtc();
            if (c.phase == Phase::Failed && !c.finishedAt.isValid()) {
                c.finishedAt = QDateTime::currentDateTimeUtc();
                if (!c.startedAt.isValid())
                    c.startedAt = c.finishedAt;
            }
            if (c.phase == Phase::Failed && before != Phase::Failed && notes)
                *notes << QStringLiteral("%1: task %2 ended %3 without an exit code of its own")
                              .arg(c.slug, c.job, s->state);
        } else if (!DeploymentState::isTerminal(c.phase) && !wrapper.isEmpty()) {
            // Neither the scheduler (it forgets a job after MinJobAge) nor the wrapper knows it: lost.
            c.phase = Phase::Failed;
            c.schedulerState = QStringLiteral("UNKNOWN");
            if (!c.finishedAt.isValid())
                c.finishedAt = QDateTime::currentDateTimeUtc();
            if (!c.startedAt.isValid())
                c.startedAt = c.finishedAt;
            if (notes)
                *notes << QStringLiteral("%1: the scheduler no longer knows task %2 and it left no exit code")
                              .arg(c.slug, c.job);
        }
        c.lastRunPhase = c.phase;
        if (c.phase != before || c.schedulerState != stateBefore || c.schedulerReason != reasonBefore)
            changed << i;
    }
    return changed;
}

} // namespace SlurmJob
