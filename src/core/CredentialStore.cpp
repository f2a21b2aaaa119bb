// SPDX-License-Identifier: MIT
#include "CredentialStore.h"

#include <QProcessEnvironment>
#include <qt6keychain/keychain.h>

namespace {

QString useEnvironmentAdvice()
{
    return QStringLiteral("set the environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
                          "LOGISTICIAN_REGISTRY_PASSWORD instead");
}

CredentialStore::Reply replyFor(const QKeychain::Job* job)
{
    CredentialStore::Reply reply;
    reply.result = CredentialStore::classify(job->error(), job->errorString());
    reply.message = reply.result.message();
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
    return QStringLiteral("no keychain (Secret Service) answers; ") + useEnvironmentAdvice();
}

Result CredentialStore::classify(int keychainError, const QString& detail)
{
    switch (static_cast<QKeychain::Error>(keychainError)) {
    case QKeychain::NoError:
        return Result::ok();
    case QKeychain::EntryNotFound:
        return Result::notFound(QStringLiteral("not in the keychain"));
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return Result::unavailable(noBackendAdvice() + QStringLiteral(" (") + detail + QLatin1Char(')'));
    case QKeychain::AccessDeniedByUser:
        return Result::cancelled(QStringLiteral("access to the keychain was refused"));
    case QKeychain::AccessDenied:
        return Result::failed(QStringLiteral("the keychain denied access (is it locked?): ") + detail);
    case QKeychain::CouldNotDeleteEntry:
        return Result::failed(QStringLiteral("the keychain could not delete the entry: ") + detail);
    case QKeychain::OtherError:
        // libsecret reports a missing D-Bus session or Secret Service this way,
        // so the advice for a machine without a keychain goes with it.
        return Result::failed(QStringLiteral("the keychain failed: %1; if no keychain runs here, %2")
                                  .arg(detail, useEnvironmentAdvice()));
    }
    return Result::failed(QStringLiteral("the keychain failed: ") + detail);
}

void CredentialStore::read(Secret secret, Callback done)
{
    const QString fromEnv = QProcessEnvironment::systemEnvironment().value(environmentVariable(secret));
    if (!fromEnv.isEmpty()) {
        Reply reply;
        reply.result = Result::ok();
        reply.value = fromEnv;
        reply.fromEnvironment = true;
        // Queued, as the keychain's answer is: callers may rely on read() returning first.
        QMetaObject::invokeMethod(
            this, [done, reply] { done(reply); }, Qt::QueuedConnection);
        return;
    }
    // Its own entry first; then the one entry name all three shared before (kept until the next write).
    readEntry(entryService(secret), secret, [this, secret, done](const Reply& reply) {
        if (reply.kind() != Result::Kind::NotFound)
            done(reply);
        else
            readEntry(m_service, secret, done);
    });
}

QString CredentialStore::entryService(Secret secret) const
{
    // The Secret Service shows this as the entry's label: one name per secret, not "logistician" three times.
    return QStringLiteral("%1: %2").arg(m_service, label(secret));
}

void CredentialStore::readEntry(const QString& service, Secret secret, Callback done)
{
    auto* job = new QKeychain::ReadPasswordJob(service, this);
    job->setKey(keyName(secret));
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* j) {
        Reply reply = replyFor(j);
        if (reply.ok())
            reply.value = static_cast<QKeychain::ReadPasswordJob*>(j)->textData();
        done(reply);
    });
    job->start();
}

void CredentialStore::removeEntry(const QString& service, Secret secret, Callback done)
{
    auto* job = new QKeychain::DeletePasswordJob(service, this);
    job->setKey(keyName(secret));
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* j) {
        Reply reply = replyFor(j);
        if (reply.kind() == Result::Kind::NotFound) {
            reply.result = Result::ok(); // removing what is not there is done
            reply.message.clear();
        }
        done(reply);
    });
    job->start();
}

void CredentialStore::write(Secret secret, const QString& value, Callback done)
{
    auto* job = new QKeychain::WritePasswordJob(entryService(secret), this);
    job->setKey(keyName(secret));
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [this, secret, done](QKeychain::Job* j) {
        const Reply written = replyFor(j);
        if (!written.ok()) {
            done(written);
            return;
        }
        // The old shared entry would only shadow nothing now; it goes.
        removeEntry(m_service, secret, [done, written](const Reply&) { done(written); });
    });
    job->start();
}

void CredentialStore::remove(Secret secret, Callback done)
{
    removeEntry(entryService(secret), secret, [this, secret, done](const Reply& removed) {
        if (!removed.ok())
            done(removed);
        else
            removeEntry(m_service, secret, done);
    });
}
