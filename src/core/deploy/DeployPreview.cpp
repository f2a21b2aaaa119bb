// SPDX-License-Identifier: MIT
#include "DeployPreview.h"

#include "AsyncCommand.h"
#include "Docker.h"
#include "ShellWords.h"
#include "SshKey.h"
#include "deploy/DeployContext.h"
#include "deploy/DeployOperation.h"
#include "deploy/Deployment.h"
#include "deploy/Terraform.h"
#include "git/GitRepository.h"
#include "slurm/SlurmJob.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimer>

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

QStringList DeployPreview::slurmJob(const Parameters& params, const QStringList& conditions, const QString& commit)
{
    // What deploy submits, with work_dir as written (its "~" is the login user's home).
    const SlurmParameters::Settings settings = SlurmParameters::read(params);
    const QString dir = settings.workDir + QLatin1Char('/') + params.experimentName();
    QList<int> indexes;
    for (int i = 1; i <= conditions.size(); ++i)
        indexes << i;
    const QString words
        = ShellWords::join(SlurmJob::sbatchArgv(settings, SlurmJob::arraySpec(indexes, params.maxParallel()),
                                                QStringLiteral("logistician-") + params.experimentName(), dir));
    const QString prefix = QStringLiteral("logistician-%1-").arg(params.experimentName().toLower());
    const QStringList docker = settings.runtime == QLatin1String("docker")
        ? Docker::programWords(params.remoteDockerCommand())
        : QStringList { settings.runtime };
    QStringList lines { QStringLiteral("Each container runs as one task of a SLURM job array (%1 runtime), submitted "
                                       "with:")
                            .arg(settings.runtime),
                        QStringLiteral("  ") + words,
                        QStringLiteral("The job script %1/slurm/job.sh (commit %2):").arg(dir, commit.left(12)) };
    for (const QString& line : SlurmJob::jobScript(dir, settings.runtime, docker, prefix).split(QLatin1Char('\n')))
        lines << QStringLiteral("  ") + line;
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
    // The docker runs deploy would make, with the limits asked for (max_runtime_minutes reaches the wrapper).
    DeployContext limited(experiment);
    limited.state = m_deployment.state();
    limited.hasState = m_deployment.hasDeployment();
    auto repo = GitRepository::discover(experiment.dir());
    const QString commit = repo ? repo->headCommit() : QString();
    const bool remote = plan.backend != QLatin1String("local");
    const QString image = QStringLiteral("logistician/%1:%2").arg(params.experimentName().toLower(), commit.left(12));
    DeploymentState::Host host;
    host.home = QStringLiteral("~"); // a remote home is known once the host answers
    m_lines << (plan.backend == QLatin1String("aws") ? QStringLiteral("Each machine boots with %1, then runs:")
                                                           .arg(QStringLiteral("templates/bootstrap/user-data.sh "
                                                                               "(installs Docker and rsync)"))
                                                     : QStringLiteral("Containers and their commands:"));
    const QStringList conditions = params.allConditions();
    for (int i = 0; i < conditions.size(); ++i) {
        DeploymentState::Condition c;
        c.index = i + 1;
        c.text = conditions.at(i);
        c.arguments = ShellWords::split(c.text).value_or(QStringList());
        c.slug = DeploymentState::slugFor(c.index, c.text);
        // The same docker run deploy makes; where deploy reads the image's own CMD first (original-style
        // folders), the preview names it instead.
        const Docker::RunSpec spec
            = DeployOperation::runSpec(limited, c, host, remote, image, { QStringLiteral("IMAGE_CMD") });
        const Command run = Docker::run(spec);
        m_lines
            << QStringLiteral("  %1: %2").arg(c.slug, ShellWords::join(QStringList { run.program } + run.arguments));
    }
    if (plan.backend == QLatin1String("slurm")) {
        m_lines << slurmJob(params, conditions, commit);
        finish(Result::ok());
        return;
    }
    if (plan.backend != QLatin1String("aws")) {
        finish(Result::ok());
        return;
    }

    // aws: the configuration deploy would apply, planned by the real Terraform in a scratch folder.
    Backend::Context context { experiment, experiment.stateDir(), SshKey::privateKeyPath() };
    m_backend = Backend::create(plan.backend, context);
    auto* aws = qobject_cast<AwsBackend*>(m_backend.get());
    DeploymentState state;
    state.experiment = params.experimentName();
    state.commit = commit;
    for (int i = 0; i < conditions.size(); ++i) {
        DeploymentState::Condition c;
        c.index = i + 1;
        c.text = conditions.at(i);
        c.slug = DeploymentState::slugFor(c.index, c.text);
        state.conditions.append(c);
    }
    QJsonObject config;
    if (const Result made = aws->configuration(state, options, &config); !made) {
        finish(made);
        return;
    }
    m_scratch = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/logistician-preview-XXXXXX"));
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
                                    finish(Result::badInput(
                                        terraformRejected(QStringLiteral("plan"), QString::fromUtf8(o.err + o.out))));
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
