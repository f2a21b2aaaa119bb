// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QObject>
#include <QString>
#include <functional>

// Secrets (AWS keys, the registry password) in the desktop keychain through
// QtKeychain (Secret Service on Linux), never in a file. In CI, environment
// variables take precedence over the keychain. All calls are asynchronous,
// the environment's answer too: the callback runs later, from the caller's
// thread's event loop, never inside read/write/remove.
class CredentialStore : public QObject
{
    Q_OBJECT
public:
    enum class Secret
    {
        AwsAccessKeyId,
        AwsSecretAccessKey,
        RegistryPassword
    };

    struct Reply
    {
        // Ok; NotFound (no such entry); Unavailable (no keychain backend); Failed
        // (the keychain answered with an error, e.g. access denied or no D-Bus).
        Result result = Result::failed(QStringLiteral("the keychain did not answer"));
        QString value; // read only
        bool fromEnvironment = false;
        // result.message(): what went wrong and what to do. Kept for callers not
        // yet moved to result (deploy/Deployment.cpp).
        QString message;
        bool ok() const { return result.isOk(); }
        Result::Kind kind() const { return result.kind(); }
    };
    using Callback = std::function<void(const Reply&)>;

    explicit CredentialStore(QObject* parent = nullptr);

    // The keychain service name; tests use their own so they never touch a user's secrets. Each secret is
    // an entry of its own, "SERVICE: LABEL" (the label the keychain shows), with keyName as its key.
    void setService(const QString& service) { m_service = service; }
    QString service() const { return m_service; }

    void read(Secret secret, Callback done);
    void write(Secret secret, const QString& value, Callback done);
    void remove(Secret secret, Callback done);

    static QString keyName(Secret secret); // key in the keychain
    static QString environmentVariable(Secret secret); // its CI override
    static QString label(Secret secret); // for people
    static QString noBackendAdvice();
    // A keychain job's outcome by its QKeychain::Error code (never by its text);
    // detail is the job's errorString.
    static Result classify(int keychainError, const QString& detail);

private:
    QString entryService(Secret secret) const;
    void readEntry(const QString& service, Secret secret, Callback done);
    void removeEntry(const QString& service, Secret secret, Callback done);

    QString m_service;
};
