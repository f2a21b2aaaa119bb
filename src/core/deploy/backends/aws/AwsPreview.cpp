// SPDX-License-Identifier: MIT
// deploy --dry-run on aws: the configuration deploy would apply, in a scratch folder of its own under the
// user's cache, through the real `terraform init`, `validate` and `plan` (the plan only with AWS keys).
#include "AsyncCommand.h"
#include "aws/AwsBackend.h"
#include "aws/Terraform.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTemporaryDir>
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

QString AwsBackend::keyForTerraformError(const QString& message)
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

QString AwsBackend::terraformRejected(const QString& step, const QString& message) const
{
    const QString key = keyForTerraformError(message);
    return QStringLiteral("terraform %1 rejected the configuration%2:\n%3")
        .arg(step,
             key.isEmpty() ? QString()
                           : QStringLiteral(" (from %1's %2)").arg(m_context.experiment.parametersPath(), key),
             message.trimmed());
}

void AwsBackend::runPreviewTerraform(const QStringList& args, const QMap<QString, QString>& env,
                                     std::function<void(const CommandOutcome&)> then)
{
    AsyncCommand::run(Terraform::command(m_previewScratch->path(), args, env), this, then);
}

void AwsBackend::previewMachines(const DeploymentState& state, const DeployOptions& options, QStringList* lines,
                                 Done done)
{
    // The scratch folder goes with the preview's end, whichever way it ends.
    auto end = [this, done](const Result& result) {
        m_previewScratch.reset();
        done(result);
    };
    // The configuration deploy would apply, planned by the real Terraform in a scratch folder.
    const ResultOf<QJsonObject> made = configuration(state, options);
    if (!made) {
        end(made.error());
        return;
    }
    const QJsonObject& config = *made;
    removeLeftovers();
    QDir().mkpath(scratchRoot());
    m_previewScratch = std::make_unique<QTemporaryDir>(
        QStringLiteral("%1/%2-XXXXXX").arg(scratchRoot()).arg(QCoreApplication::applicationPid()));
    QSaveFile file(m_previewScratch->filePath(QLatin1String(Terraform::ConfigFileName)));
    if (!m_previewScratch->isValid() || !file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(config).toJson()) < 0 || !file.commit()) {
        end(Result::failed(QStringLiteral("cannot write the configuration to a scratch folder")));
        return;
    }
    runPreviewTerraform(
        { QStringLiteral("init"), QStringLiteral("-input=false"), QStringLiteral("-no-color") }, {},
        [this, lines, end](const CommandOutcome& o) {
            if (!o.ok()) {
                end(Result::failed(QStringLiteral("terraform init failed: %1").arg(o.errorText())));
                return;
            }
            runPreviewTerraform(
                { QStringLiteral("validate"), QStringLiteral("-no-color") }, {},
                [this, lines, end](const CommandOutcome& o) {
                    if (!o.ok()) {
                        end(Result::badInput(
                            terraformRejected(QStringLiteral("validate"), QString::fromUtf8(o.err + o.out))));
                        return;
                    }
                    *lines << QStringLiteral("terraform validate: the configuration is valid.");
                    withCredentials([this, lines, end](const QMap<QString, QString>& env, const QString& why) {
                        if (!why.isEmpty()) {
                            *lines << QStringLiteral("terraform plan not run: %1 (a plan asks AWS)").arg(why);
                            end(Result::ok());
                            return;
                        }
                        // -lock=false: nothing to lock in a scratch folder that is thrown away.
                        runPreviewTerraform(
                            { QStringLiteral("plan"), QStringLiteral("-input=false"), QStringLiteral("-lock=false"),
                              QStringLiteral("-no-color") },
                            env, [this, lines, end](const CommandOutcome& o) {
                                if (!o.ok()) {
                                    const QString said = QString::fromUtf8(o.err + o.out);
                                    if (const QString ami = Terraform::amiLookupProblem(said); !ami.isEmpty()) {
                                        end(Result::badInput(QStringLiteral("%1: aws_ami: %2")
                                                                 .arg(m_context.experiment.parametersPath(), ami)));
                                        return;
                                    }
                                    end(Result::badInput(terraformRejected(QStringLiteral("plan"), said)));
                                    return;
                                }
                                *lines << QStringLiteral("terraform plan:");
                                static const QRegularExpression wanted(QStringLiteral("^\\s+# |^Plan: |^No changes"));
                                for (const QString& line : QString::fromUtf8(o.out).split(QLatin1Char('\n'))) {
                                    if (wanted.match(line).hasMatch())
                                        *lines << QStringLiteral("  ") + line.trimmed();
                                }
                                end(Result::ok());
                            });
                    });
                });
        });
}
