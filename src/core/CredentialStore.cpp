#include "CredentialStore.h"

#include <QProcessEnvironment>
#include <qt6keychain/keychain.h>

namespace {

CredentialStore::Reply replyFor(const QKeychain::Job* job)
{
    CredentialStore::Reply reply;
    switch (job->error()) {
    case QKeychain::NoError:
        reply.status = CredentialStore::Reply::Status::Ok;
        break;
    case QKeychain::EntryNotFound:
        reply.status = CredentialStore::Reply::Status::NotFound;
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        reply.status = CredentialStore::Reply::Status::NoBackend;
        reply.message = CredentialStore::noBackendAdvice();
        break;
    case QKeychain::OtherError:
        // Without a D-Bus session or Secret Service, libsecret reports this.
        // With no session bus at all, D-Bus says "Cannot autolaunch D-Bus without X11 $DISPLAY".
        if (job->errorString().contains(QLatin1String("DBus"), Qt::CaseInsensitive)
            || job->errorString().contains(QLatin1String("D-Bus"), Qt::CaseInsensitive)
            || job->errorString().contains(QLatin1String("org.freedesktop.secrets"))
            || job->errorString().contains(QLatin1String("secret"), Qt::CaseInsensitive)
            || job->errorString().contains(QLatin1String("Could not connect"), Qt::CaseInsensitive)) {
            reply.status = CredentialStore::Reply::Status::NoBackend;
            reply.message
                = CredentialStore::noBackendAdvice() + QStringLiteral(" (") + job->errorString() + QLatin1Char(')');
        } else {
            reply.status = CredentialStore::Reply::Status::Error;
            reply.message = job->errorString();
        }
        break;
    default:
        reply.status = CredentialStore::Reply::Status::Error;
        reply.message = job->errorString();
        break;
    }
    return reply;
}

} // namespace

CredentialStore::CredentialStore(QObject* parent)
    : QObject(parent)
    , m_service(QStringLiteral("logistician"))
{
}

QString CredentialStore::keyName(Secret secret)
{
    switch (secret) {
    case Secret::AwsAccessKeyId:
        return QStringLiteral("aws-access-key-id");
    case Secret::AwsSecretAccessKey:
        return QStringLiteral("aws-secret-access-key");
    case Secret::RegistryPassword:
        return QStringLiteral("registry-password");
    }
    return QString();
}

QString CredentialStore::environmentVariable(Secret secret)
{
    switch (secret) {
    case Secret::AwsAccessKeyId:
        return QStringLiteral("AWS_ACCESS_KEY_ID");
    case Secret::AwsSecretAccessKey:
        return QStringLiteral("AWS_SECRET_ACCESS_KEY");
    case Secret::RegistryPassword:
        return QStringLiteral("LOGISTICIAN_REGISTRY_PASSWORD");
    }
    return QString();
}

QString CredentialStore::label(Secret secret)
{
    switch (secret) {
    case Secret::AwsAccessKeyId:
        return QStringLiteral("AWS access key ID");
    case Secret::AwsSecretAccessKey:
        return QStringLiteral("AWS secret access key");
    case Secret::RegistryPassword:
        return QStringLiteral("Registry password");
    }
    return QString();
}

QString CredentialStore::noBackendAdvice()
{
    return QStringLiteral("no keychain (Secret Service) answers; set the environment variables AWS_ACCESS_KEY_ID, "
                          "AWS_SECRET_ACCESS_KEY and LOGISTICIAN_REGISTRY_PASSWORD instead");
}

void CredentialStore::read(Secret secret, Callback done)
{
    const QString fromEnv = QProcessEnvironment::systemEnvironment().value(environmentVariable(secret));
    if (!fromEnv.isEmpty()) {
        Reply reply;
        reply.status = Reply::Status::Ok;
        reply.value = fromEnv;
        reply.fromEnvironment = true;
        done(reply);
        return;
    }
    auto* job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(keyName(secret));
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* j) {
        Reply reply = replyFor(j);
        if (reply.ok())
            reply.value = static_cast<QKeychain::ReadPasswordJob*>(j)->textData();
        done(reply);
    });
    job->start();
}

void CredentialStore::write(Secret secret, const QString& value, Callback done)
{
    auto* job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(keyName(secret));
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* j) { done(replyFor(j)); });
    job->start();
}

void CredentialStore::remove(Secret secret, Callback done)
{
    auto* job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(keyName(secret));
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* j) {
        Reply reply = replyFor(j);
        if (reply.status == Reply::Status::NotFound)
            reply.status = Reply::Status::Ok; // removing what is not there is done
        done(reply);
    });
    job->start();
}
