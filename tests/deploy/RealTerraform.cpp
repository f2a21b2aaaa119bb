// SPDX-License-Identifier: MIT
#include "RealTerraform.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>

bool RealTerraform::required()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

bool RealTerraform::setUp(const QString& dir, QString* why)
{
    m_program = QStandardPaths::findExecutable(QStringLiteral("terraform"));
    if (m_program.isEmpty()) {
        *why = QStringLiteral("no terraform on PATH: the aws tests run the real terraform (>= 1.5) up to plan");
        return false;
    }
    const QString mirror = qEnvironmentVariable("LOGISTICIAN_TF_MIRROR");
    if (mirror.isEmpty() || !QFileInfo(mirror + QStringLiteral("/registry.terraform.io/hashicorp/aws")).isDir()) {
        *why = QStringLiteral("LOGISTICIAN_TF_MIRROR does not name a provider mirror holding "
                              "registry.terraform.io/hashicorp/aws (\"%1\"); scripts/test.sh finds it")
                   .arg(mirror);
        return false;
    }
    m_config = dir + QStringLiteral("/terraform-cli.tfrc");
    QFile file(m_config);
    if (!file.open(QIODevice::WriteOnly)) {
        *why = m_config + QStringLiteral(": cannot write");
        return false;
    }
    // The provider only from the mirror, nothing from the registry; the path as an HCL string (JSON's escapes).
    const QByteArray path = QJsonDocument(QJsonArray { mirror }).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    file.write("provider_installation {\n"
               "  filesystem_mirror {\n"
               "    path    = "
               + path
               + "\n"
                 "    include = [\"registry.terraform.io/hashicorp/aws\"]\n"
                 "  }\n"
                 "  direct {\n"
                 "    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n"
                 "  }\n"
                 "}\n");
    return true;
}

QMap<QString, QString> RealTerraform::environment() const
{
    return { { QStringLiteral("TF_CLI_CONFIG_FILE"), m_config },
             { QStringLiteral("CHECKPOINT_DISABLE"), QStringLiteral("1") } };
}

RealTerraform::Outcome RealTerraform::run(const QString& dir, const QStringList& args) const
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const auto vars = environment();
    for (auto it = vars.begin(); it != vars.end(); ++it)
        env.insert(it.key(), it.value());
    // Made-up keys: they can open nothing.
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIAOFFLINETEST00000"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("offline-test-secret"));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(dir);
    const bool isolated
        = QProcess::execute(QStringLiteral("unshare"), { QStringLiteral("-n"), QStringLiteral("true") }) == 0;
    if (isolated)
        p.start(QStringLiteral("unshare"), QStringList { QStringLiteral("-n"), m_program } + args);
    else
        p.start(m_program, args);
    p.waitForFinished(300000);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
             QString::fromUtf8(p.readAllStandardError()) };
}
