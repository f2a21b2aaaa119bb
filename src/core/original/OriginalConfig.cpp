// SPDX-License-Identifier: MIT
#include "OriginalConfig.h"

#include "CredentialStore.h"
#include "Settings.h"
#include "deploy/ImageReference.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

OriginalConfig::OriginalConfig(QObject* parent)
    : QObject(parent)
{
}

QString OriginalConfig::defaultPath()
{
    return QDir::homePath() + QStringLiteral("/.logistician/config.json");
}

ResultOf<OriginalConfig::Values> OriginalConfig::read(const QString& path)
{
    auto fail = [&](const QString& message) -> ResultOf<Values> {
        return Result::badInput(message, SourceLocation { path });
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return fail(QStringLiteral("not a JSON object"));
    const QJsonObject o = doc.object();
    Values v;
    v.awsAccessKey = o.value(QStringLiteral("aws_access_key")).toString().trimmed();
    v.awsSecretKey = o.value(QStringLiteral("aws_secret_key")).toString().trimmed();
    v.dockerUsername = o.value(QStringLiteral("docker_username")).toString().trimmed();
    v.dockerRepository = o.value(QStringLiteral("docker_repository")).toString().trimmed();
    // These reach docker and the keychain: refused here unless they have the shape Docker Hub and AWS give them.
    static const QRegularExpression dockerName(QStringLiteral("^[a-z0-9]+(?:[._-][a-z0-9]+)*$"));
    static const QRegularExpression accessKey(QStringLiteral("^[A-Z0-9]{16,128}$"));
    static const QRegularExpression secretKey(QStringLiteral("^[A-Za-z0-9/+=]{16,128}$"));
    if (!v.awsAccessKey.isEmpty() && !accessKey.match(v.awsAccessKey).hasMatch())
        return fail(QStringLiteral("aws_access_key is not an AWS access key id"));
    if (!v.awsSecretKey.isEmpty() && !secretKey.match(v.awsSecretKey).hasMatch())
        return fail(QStringLiteral("aws_secret_key is not an AWS secret access key"));
    if (!v.dockerUsername.isEmpty() && !dockerName.match(v.dockerUsername).hasMatch())
        return fail(QStringLiteral("docker_username must be a Docker Hub user name (lower-case letters, digits, "
                                   "'.', '_' or '-')"));
    if (!v.dockerRepository.isEmpty() && !dockerName.match(v.dockerRepository).hasMatch())
        return fail(QStringLiteral("docker_repository must be a repository name (lower-case letters, digits, '.', "
                                   "'_' or '-')"));
    return v;
}

QString OriginalConfig::registryFor(const Values& values)
{
    return values.dockerUsername.isEmpty() ? QString() : QStringLiteral("docker.io/") + values.dockerUsername;
}

void OriginalConfig::import(const Values& values, CredentialStore* store)
{
    QStringList done;
    Settings settings;
    if (!values.dockerUsername.isEmpty()) {
        settings.setRegistry(registryFor(values));
        settings.setRegistryUser(values.dockerUsername);
        done << QStringLiteral("registry: %1 (user %2)").arg(registryFor(values), values.dockerUsername);
    }
    if (!values.dockerRepository.isEmpty()) {
        settings.setImageRepository(values.dockerRepository);
        done << QStringLiteral("image repository: %1 (images are %2)")
                    .arg(values.dockerRepository,
                         ImageReference::pattern(settings.registry(), values.dockerRepository));
    }
    QList<QPair<int, QString>> secrets;
    if (!values.awsAccessKey.isEmpty())
        secrets << qMakePair(static_cast<int>(CredentialStore::Secret::AwsAccessKeyId), values.awsAccessKey);
    if (!values.awsSecretKey.isEmpty())
        secrets << qMakePair(static_cast<int>(CredentialStore::Secret::AwsSecretAccessKey), values.awsSecretKey);
    writeNext(secrets, done, store);
}

void OriginalConfig::writeNext(QList<QPair<int, QString>> secrets, QStringList done, CredentialStore* store)
{
    if (secrets.isEmpty()) {
        Q_EMIT finished(done, QString());
        return;
    }
    const auto [which, value] = secrets.takeFirst();
    const auto secret = static_cast<CredentialStore::Secret>(which);
    store->write(secret, value, [this, secrets, done, store, secret](const CredentialStore::Reply& reply) mutable {
        if (!reply.ok()) {
            Q_EMIT finished(done, QStringLiteral("%1: %2").arg(CredentialStore::label(secret), reply.result.message()));
            return;
        }
        done << QStringLiteral("%1: stored in the keychain").arg(CredentialStore::label(secret));
        writeNext(secrets, done, store);
    });
}

Result OriginalConfig::remove(const QString& path)
{
    QFile file(path);
    if (file.remove())
        return Result::ok();
    return Result::failed(QStringLiteral("%1: cannot delete: %2").arg(path, file.errorString()));
}
