// SPDX-License-Identifier: MIT
#include "DeployPreview.h"

#include "AsyncCommand.h"
#include "Docker.h"
#include "ShellWords.h"
#include "SshKey.h"
#include "deploy/DeployContext.h"
#include "deploy/DeployOperation.h"
#include "deploy/Deployment.h"
#include "deploy/Rerun.h"
#include "deploy/Terraform.h"
#include "git/GitRepository.h"
#include "slurm/SlurmDeploy.h"
#include "slurm/SlurmJob.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimer>
#include <cerrno>
#include <csignal>
#include <sys/types.h>

namespace {

// The scratch folders of previews: under the user's cache, never a name in the shared temporary folder.
QString scratchRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/preview");
}

// A scratch folder is named for the process that made it ("PID-XXXXXX"); one whose process is gone was left by a
// killed preview, and goes now.
void removeLeftovers()
{
    QDir root(scratchRoot());
    for (const QString& name : root.entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot)) {
        bool number = false;
        const qint64 pid = name.section(QLatin1Char('-'), 0, 0).toLongLong(&number);
        if (!number || pid <= 0 || pid == QCoreApplication::applicationPid())
            continue;
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            QDir(root.filePath(name)).removeRecursively();
    }
}

} // namespace

DeployPreview::DeployPreview(const Deployment& deployment, QObject* parent)
    : QObject(parent)
    , m_deployment(deployment)
{
}

DeployPreview::~DeployPreview() = default;

QString DeployPreview::keyForTerraformError(const QString& message)
{
    // Terraform names the attribute it rejects ("ingress.0.description", `"instance_type"`, "in
    // resource.aws_instance..."); these come from one key each.
    static const QList<QPair<QString, QString>> keys {
        { QStringLiteral("instance_type"), QStringLiteral("aws_instance_type") },
        { QStringLiteral("ami"), QStringLiteral("aws_ami") },
        { QStringLiteral("region"), QStringLiteral("aws_region") },
        { QStringLiteral("volume_size"), QStringLiteral("aws_root_volume_size") },
        { QStringLiteral("cidr_blocks"), QStringLiteral("aws_ssh_cidr (or --ssh-cidr)") },
    };
    for (const auto& [attribute, key] : keys) {
        const QRegularExpression re(QStringLiteral("(\"|\\.|\\b)%1(\"|\\b)(?!_)").arg(attribute));
        if (re.match(message).hasMatch())
            return key;
    }
    return QString();
}

void DeployPreview::finish(const Result& result)
{
    m_busy = false;
    m_scratch.reset();
    const QString text = m_lines.join(QLatin1Char('\n'));
    // Always after start() returns, so a caller can connect and start in any order.
    QTimer::singleShot(0, this, [this, result, text] { Q_EMIT finished(result, text); });
}

QString DeployPreview::terraformRejected(const QString& step, const QString& message) const
{
    const QString key = keyForTerraformError(message);
    return QStringLiteral("terraform %1 rejected the configuration%2:\n%3")
        .arg(step,
             key.isEmpty() ? QString()
                           : QStringLiteral(" (from %1's %2)").arg(m_deployment.experiment().parametersPath(), key),
             message.trimmed());
}

void DeployPreview::runTerraform(const QStringList& args, const QMap<QString, QString>& env,
                                 std::function<void(const CommandOutcome&)> then)
{
    AsyncCommand::run(Terraform::command(m_scratch->path(), args, env), this, then);
}

QStringList DeployPreview::slurmJob(const DeployContext& ctx, const DeploymentState::Host& host,
                                    const QList<int>& positions)
{
    // What deploy submits (SlurmDeploy): the same sbatch, job script and conditions file, with work_dir's "~"
    // standing for the login user's home.
    const SlurmParameters::Settings settings = SlurmParameters::read(ctx.experiment.parameters());
    const QString dir = ctx.remoteExperimentDir(host);
    QList<int> indexes;
    for (int i : positions)
        indexes << ctx.state.conditions.at(i).index;
    const QString words
        = ShellWords::join(SlurmJob::sbatchArgv(settings, SlurmJob::arraySpec(indexes, ctx.backend->slotsPerHost()),
                                                QStringLiteral("logistician-") + ctx.state.experiment, dir));
    QStringList lines {
        QStringLiteral("Each container runs as one task of a SLURM job array (%1 runtime), submitted "
                       "with:")
            .arg(settings.runtime),
        QStringLiteral("  ") + words,
        QStringLiteral("The job script %1/slurm/job.sh (commit %2):").arg(dir, ctx.state.commit.left(12))
    };
    for (const QString& line : SlurmDeploy::jobScript(ctx, host).split(QLatin1Char('\n')))
        lines << QStringLiteral("  ") + line;
    lines << QStringLiteral("Its conditions file %1/slurm/conditions (folder, container, data folders):").arg(dir);
    QString error;
    const QByteArray conditions = SlurmJob::conditionsFile(SlurmDeploy::tasks(ctx, host), &error);
    for (const QByteArray& line : conditions.split('\n')) {
        if (!line.isEmpty())
            lines << QStringLiteral("  ") + QString::fromUtf8(line);
    }
    if (!error.isEmpty())
        lines << QStringLiteral("  ") + error;
    return lines;
}

void DeployPreview::start(const DeployOptions& options)
{
    if (m_busy)
        return;
    m_busy = true;
    m_lines.clear();
    const Deployment::Plan plan = m_deployment.plan(options);
    m_lines << QStringLiteral("Dry run: nothing is created, started or saved.");
    if (!plan.check) {
        finish(plan.check);
        return;
    }
    m_lines << plan.summary;
    for (const QString& warning : plan.warnings)
        m_lines << QStringLiteral("warning: ") + warning;

    const Experiment experiment = options.withLimits(m_deployment.experiment());
    const Parameters& params = experiment.parameters();
    auto repo = GitRepository::discover(experiment.dir());
    const QString commit = repo ? repo->headCommit() : QString();
    // The state deploy goes on with (a resumed deployment's, or the one it makes: DeployOperation::newState), on
    // the backend it uses: the containers, labels, image and folders named by the functions deploy names them by.
    DeployContext limited(experiment);
    if (const Result created = limited.createBackend(plan.backend); !created) {
        finish(created);
        return;
    }
    const bool remote = limited.isRemote();
    limited.state
        = plan.resumes ? m_deployment.state() : DeployOperation::newState(params, plan.backend, remote, commit, false);
    limited.hasState = true;
    QList<int> shown;
    if (!plan.rerun.isEmpty()) {
        Rerun::prepare(&limited.state, plan.rerun, params.maxRetries());
        shown = plan.rerun;
    } else {
        for (int i = 0; i < limited.state.conditions.size(); ++i) {
            if (DeployOperation::toHandOver(limited.state.conditions.at(i)))
                shown << i;
        }
    }
    // A host not reached yet: "~" stands for its login user's home, learnt when it first answers.
    auto hostOf = [&limited](const DeploymentState::Condition& c) {
        if (const DeploymentState::Host* known = limited.state.host(c.host); known && !known->home.isEmpty())
            return *known;
        return DeploymentState::Host::at(c.host, QStringLiteral("~"));
    };
    m_lines << (plan.backend == QLatin1String("aws") ? QStringLiteral("Each machine boots with %1, then runs:")
                                                           .arg(QStringLiteral("templates/bootstrap/user-data.sh "
                                                                               "(installs Docker and rsync)"))
                                                     : QStringLiteral("Containers and their commands:"));
    if (shown.isEmpty())
        m_lines << QStringLiteral(
            "  none: every condition was handed over already (`logistician status` follows them)");
    for (int i : std::as_const(shown)) {
        const DeploymentState::Condition& c = limited.state.conditions.at(i);
        // The same docker run deploy makes; where deploy reads the image's own CMD first (original-style
        // folders), the preview names it instead.
        const Docker::RunSpec spec = DeployOperation::runSpec(limited, c, hostOf(c), remote, limited.state.image,
                                                              { QStringLiteral("IMAGE_CMD") });
        const Command run = Docker::run(spec);
        m_lines << QStringLiteral("  %1: %2")
                       .arg(c.attemptKey(c.attempt), ShellWords::join(QStringList { run.program } + run.arguments));
    }
    if (plan.backend == QLatin1String("slurm")) {
        const QString login = SlurmParameters::read(params).login;
        m_lines << slurmJob(limited, DeploymentState::Host::at(login, QStringLiteral("~")), shown);
        finish(Result::ok());
        return;
    }
    if (plan.backend != QLatin1String("aws")) {
        finish(Result::ok());
        return;
    }

    // aws: the configuration deploy would apply, planned by the real Terraform in a scratch folder.
    m_backend = std::move(limited.backend); // asked for credentials after this returns
    auto* aws = qobject_cast<AwsBackend*>(m_backend.get());
    DeploymentState state = limited.state;
    QJsonObject config;
    if (const Result made = aws->configuration(state, options, &config); !made) {
        finish(made);
        return;
    }
    removeLeftovers();
    QDir().mkpath(scratchRoot());
    m_scratch = std::make_unique<QTemporaryDir>(
        QStringLiteral("%1/%2-XXXXXX").arg(scratchRoot()).arg(QCoreApplication::applicationPid()));
    QSaveFile file(m_scratch->filePath(QLatin1String(Terraform::ConfigFileName)));
    if (!m_scratch->isValid() || !file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(config).toJson()) < 0
        || !file.commit()) {
        finish(Result::failed(QStringLiteral("cannot write the configuration to a scratch folder")));
        return;
    }
    runTerraform(
        { QStringLiteral("init"), QStringLiteral("-input=false"), QStringLiteral("-no-color") }, {},
        [this, aws](const CommandOutcome& o) {
            if (!o.ok()) {
                finish(Result::failed(QStringLiteral("terraform init failed: %1").arg(o.errorText())));
                return;
            }
            runTerraform(
                { QStringLiteral("validate"), QStringLiteral("-no-color") }, {}, [this, aws](const CommandOutcome& o) {
                    if (!o.ok()) {
                        finish(Result::badInput(
                            terraformRejected(QStringLiteral("validate"), QString::fromUtf8(o.err + o.out))));
                        return;
                    }
                    m_lines << QStringLiteral("terraform validate: the configuration is valid.");
                    aws->withCredentials([this](const QMap<QString, QString>& env, const QString& why) {
                        if (!why.isEmpty()) {
                            m_lines << QStringLiteral("terraform plan not run: %1 (a plan asks AWS)").arg(why);
                            finish(Result::ok());
                            return;
                        }
                        // -lock=false: nothing to lock in a scratch folder that is thrown away.
                        runTerraform(
                            { QStringLiteral("plan"), QStringLiteral("-input=false"), QStringLiteral("-lock=false"),
                              QStringLiteral("-no-color") },
                            env, [this](const CommandOutcome& o) {
                                if (!o.ok()) {
                                    const QString said = QString::fromUtf8(o.err + o.out);
                                    if (const QString ami = Terraform::amiLookupProblem(said); !ami.isEmpty()) {
                                        finish(Result::badInput(
                                            QStringLiteral("%1: aws_ami: %2")
                                                .arg(m_deployment.experiment().parametersPath(), ami)));
                                        return;
                                    }
                                    finish(Result::badInput(terraformRejected(QStringLiteral("plan"), said)));
                                    return;
                                }
                                m_lines << QStringLiteral("terraform plan:");
                                static const QRegularExpression wanted(QStringLiteral("^\\s+# |^Plan: |^No changes"));
                                for (const QString& line : QString::fromUtf8(o.out).split(QLatin1Char('\n'))) {
                                    if (wanted.match(line).hasMatch())
                                        m_lines << QStringLiteral("  ") + line.trimmed();
                                }
                                finish(Result::ok());
                            });
                    });
                });
        });
}
