// SPDX-License-Identifier: MIT
#include "SlurmDeploy.h"

#include "CommandRunner.h"
#include "Docker.h"
#include "ShellWords.h"
#include "deploy/DeployOperation.h"
#include "slurm/SlurmBackend.h"
#include "slurm/SlurmJob.h"

#include <QDir>
#include <QTimer>

using Phase = DeploymentState::Phase;

namespace SlurmDeploy {

namespace {

SlurmParameters::Settings settingsOf(const DeployContext& ctx)
{
    return SlurmParameters::read(ctx.experiment.parameters());
}

QString archiveDir(const DeployContext& ctx, const DeploymentState::Host& host)
{
    return ctx.remoteExperimentDir(host) + QStringLiteral("/image");
}

QString imageFile(const DeployContext& ctx, const DeploymentState::Host& host)
{
    return archiveDir(ctx, host) + QStringLiteral("/image.sif");
}

} // namespace

void shipImage(DeployContext& ctx, const DeploymentState::Host& host, Done done)
{
    const QString runtime = settingsOf(ctx).runtime;
    const QString local = ctx.stateDir + QStringLiteral("/image");
    QDir().mkpath(local);
    const QStringList docker = Docker::programWords(ctx.dockerSetting(false));
    Command save;
    save.program = docker.first();
    save.arguments = docker.mid(1)
        + QStringList { QStringLiteral("save"), QStringLiteral("-o"), local + QStringLiteral("/image.tar"),
                        ctx.state.image };
    Q_EMIT ctx.progress(QStringLiteral("saving %1 for the cluster's %2").arg(ctx.state.image, runtime));
    ctx.run(save, [&ctx, host, runtime, local, done](const CommandOutcome& o) {
        if (!o.ok()) {
            done(o.toResult(QStringLiteral("docker save")));
            return;
        }
        const QString remote = archiveDir(ctx, host);
        ctx.run(ctx.backend->ssh(host).upload(local, remote),
                [&ctx, host, runtime, remote, local, done](const CommandOutcome& o) {
                    QFile::remove(local + QStringLiteral("/image.tar"));
                    if (!o.ok()) {
                        done(o.toResult(QStringLiteral("upload of the image")));
                        return;
                    }
                    const QString tar = remote + QStringLiteral("/image.tar");
                    const QStringList load = runtime == QLatin1String("apptainer")
                        ? QStringList { QStringLiteral("apptainer"), QStringLiteral("build"), QStringLiteral("--force"),
                                        imageFile(ctx, host), QStringLiteral("docker-archive:") + tar }
                        : Docker::programWords(ctx.dockerSetting(true))
                            + QStringList { QStringLiteral("load"), QStringLiteral("-q"), QStringLiteral("-i"), tar };
                    ctx.run(ctx.backend->command(host, load), [runtime, done](const CommandOutcome& o) {
                        done(o.toResult(runtime == QLatin1String("apptainer") ? QStringLiteral("apptainer build")
                                                                              : QStringLiteral("podman load")));
                    });
                });
    });
}

void uploadCode(DeployContext& ctx, const DeploymentState::Host& host, Done done)
{
    ctx.run(ctx.backend->ssh(host).upload(ctx.codeDir(), ctx.remoteExperimentDir(host) + QStringLiteral("/project")),
            [done](const CommandOutcome& o) { done(o.toResult(QStringLiteral("upload of the code"))); });
}

ResultOf<QString> jobScript(const DeployContext& ctx, const DeploymentState::Host& host)
{
    return SlurmJob::jobScript(ctx.remoteExperimentDir(host), settingsOf(ctx).runtime, ctx.dockerWords(true));
}

QList<SlurmJob::Task> tasks(const DeployContext& ctx, const DeploymentState::Host& host)
{
    // The names and folders the other backends use (DeployContext), inside the condition's folder on the cluster.
    QList<SlurmJob::Task> out;
    for (const DeploymentState::Condition& c : ctx.state.conditions) {
        const QString dir = ctx.remoteDir(host, c) + QLatin1Char('/');
        SlurmJob::Task t;
        t.index = c.index;
        t.slug = c.slug;
        t.container = ctx.containerName(c);
        t.data = QString(ctx.dataDirOnHost(host, c)).remove(0, dir.size());
        t.firstData = QString(ctx.dataDirOnHost(host, c, 1)).remove(0, dir.size());
        out << t;
    }
    return out;
}

namespace {

// Each task's container command, as the other backends' docker run, but on the shared project folder, written
// to its stage folder (run.argv); what each will run, for the progress.
ResultOf<QStringList> writeRunArgvs(DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& positions,
                                    const QStringList& imageCommand)
{
    const QString runtime = settingsOf(ctx).runtime;
    QStringList shown;
    for (int i : positions) {
        const DeploymentState::Condition& c = ctx.state.conditions.at(i);
        Docker::RunSpec spec = DeployOperation::runSpec(ctx, c, host, true, ctx.state.image, imageCommand);
        spec.docker = ctx.dockerSetting(true);
        spec.projectDir = ctx.remoteExperimentDir(host) + QStringLiteral("/project");
        const QStringList argv = SlurmJob::runArgv(spec, runtime, imageFile(ctx, host));
        if (Result r
            = DeployContext::writeFile(ctx.stageDir(c) + QStringLiteral("/run.argv"), SlurmJob::argvFile(argv));
            !r)
            return r;
        shown << QStringLiteral("task %1 (%2) will run: %3").arg(c.index).arg(c.slug, ShellWords::join(argv));
    }
    return shown;
}

} // namespace

void submit(DeployContext& ctx, const DeploymentState::Host& host, const QList<int>& positions,
            const QStringList& imageCommand, Done done)
{
    const SlurmParameters::Settings settings = settingsOf(ctx);
    const QString dir = ctx.remoteExperimentDir(host);
    const auto written = jobScript(ctx, host);
    if (!written) {
        done(written.error());
        return;
    }
    const QString script = *written;
    const auto shown = writeRunArgvs(ctx, host, positions, imageCommand);
    if (!shown) {
        done(shown.error());
        return;
    }
    QList<int> indexes;
    for (int i : positions)
        indexes << ctx.state.conditions.at(i).index;
    const QString local = ctx.stateDir + QStringLiteral("/slurm");
    if (Result r = DeployContext::writeFile(local + QStringLiteral("/job.sh"), script.toUtf8()); !r) {
        done(r);
        return;
    }
    const auto lines = SlurmJob::conditionsFile(tasks(ctx, host));
    if (!lines) {
        done(lines.error());
        return;
    }
    if (Result r = DeployContext::writeFile(local + QStringLiteral("/conditions"), *lines); !r) {
        done(r);
        return;
    }
    const QStringList sbatch = SlurmJob::sbatchArgv(settings, SlurmJob::arraySpec(indexes, ctx.backend->slotsPerHost()),
                                                    QStringLiteral("logistician-") + ctx.state.experiment, dir);
    // Shown as every command is: what each task runs, and the script sbatch gets.
    Q_EMIT ctx.progress(QStringLiteral("the job script %1/slurm/job.sh:\n%2").arg(dir, script));
    for (const QString& line : *shown)
        Q_EMIT ctx.progress(line);
    const SshAccess ssh = ctx.backend->ssh(host);
    ctx.run(ssh.upload(ctx.stateDir + QStringLiteral("/stage"), dir),
            [&ctx, host, ssh, local, dir, sbatch, positions, done](const CommandOutcome& o) {
                if (!o.ok()) {
                    done(o.toResult(QStringLiteral("upload of the conditions")));
                    return;
                }
                ctx.run(
                    ssh.upload(local, dir + QStringLiteral("/slurm")),
                    [&ctx, host, sbatch, positions, done](const CommandOutcome& o) {
                        if (!o.ok()) {
                            done(o.toResult(QStringLiteral("upload of the job script")));
                            return;
                        }
                        ctx.run(ctx.backend->command(host, sbatch), [&ctx, positions, done](const CommandOutcome& o) {
                            // --parsable: "JOBID" or "JOBID;CLUSTER".
                            const QString id = QString::fromUtf8(o.out).trimmed().section(QLatin1Char(';'), 0, 0);
                            bool number = false;
                            id.toLongLong(&number);
                            if (!o.ok() || !number) {
                                done(Result::failed(QStringLiteral("sbatch failed: %1")
                                                        .arg(o.ok() ? QString::fromUtf8(o.out) : o.errorText())));
                                return;
                            }
                            ctx.state.jobs << id;
                            for (int i : positions) {
                                DeploymentState::Condition& c = ctx.state.conditions[i];
                                c.job = QStringLiteral("%1_%2").arg(id).arg(c.index);
                                c.schedulerState = QStringLiteral("PENDING");
                                c.schedulerReason.clear();
                                ctx.setPhase(i, Phase::Queued);
                            }
                            ctx.save();
                            Q_EMIT ctx.progress(
                                QStringLiteral("submitted job array %1 (%2 task(s))").arg(id).arg(positions.size()));
                            done(Result::ok());
                        });
                    });
            });
}

void status(DeployContext& ctx, std::function<void()> then)
{
    const DeploymentState::Host* login = ctx.state.hosts.isEmpty() ? nullptr : &ctx.state.hosts.first();
    QList<QPair<QString, QString>> asked;
    if (login) {
        for (const DeploymentState::Condition& c : std::as_const(ctx.state.conditions)) {
            if (!c.job.isEmpty() && !c.isTerminated())
                asked.append({ c.slug, ctx.dataDirOnHost(*login, c) });
        }
    }
    if (!login || login->home.isEmpty() || asked.isEmpty() || ctx.state.terminated) {
        QTimer::singleShot(0, &ctx, then);
        return;
    }
    const QString address = login->address;
    ctx.run(ctx.backend->script(*login, SlurmJob::statusScript(ctx.state.jobs, asked)).asQuery(),
            [&ctx, address, then](const CommandOutcome& o) {
                if (o.exitCode == SshUnreachable || o.exitCode == CommandRunner::FailedToStart) {
                    ctx.markUnreachable(address, o.errorText());
                } else {
                    if (DeploymentState::Host* h = ctx.state.host(address);
                        h && h->phase == DeploymentState::HostPhase::Unreachable) {
                        h->phase = DeploymentState::HostPhase::Ready;
                        h->message.clear();
                    }
                    QStringList notes;
                    for (int i : SlurmJob::apply(&ctx.state, o.out, &notes))
                        Q_EMIT ctx.conditionChanged(i);
                    for (const QString& note : std::as_const(notes))
                        Q_EMIT ctx.progress(note);
                }
                ctx.save();
                then();
            });
}

QStringList jobsToCancel(const DeploymentState& state, bool whole, const QList<int>& positions)
{
    if (whole)
        return state.jobs;
    QStringList tasks;
    for (int i : positions) {
        if (!state.conditions.at(i).job.isEmpty())
            tasks << state.conditions.at(i).job;
    }
    return tasks;
}

void cancel(DeployContext& ctx, const QStringList& jobs, Done done)
{
    if (jobs.isEmpty() || ctx.state.hosts.isEmpty() || ctx.state.hosts.first().home.isEmpty()) {
        QTimer::singleShot(0, &ctx, [done] { done(Result::ok()); });
        return;
    }
    Q_EMIT ctx.progress(QStringLiteral("scancel %1").arg(jobs.join(QLatin1Char(' '))));
    ctx.run(ctx.backend->script(ctx.state.hosts.first(), SlurmJob::cancelScript(jobs)),
            [done](const CommandOutcome& o) { done(o.toResult(QStringLiteral("scancel"))); });
}

} // namespace SlurmDeploy
