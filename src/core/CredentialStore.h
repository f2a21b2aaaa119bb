#pragma once

#include <QObject>
#include <QString>
#include <functional>

// Secrets (AWS keys, the registry password) in the desktop keychain through
// QtKeychain (Secret Service on Linux), never in a file. In CI, environment
// variables take precedence over the keychain. All calls are asynchronous;
// the callback runs on the caller's thread.
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
        enum class Status
        {
            Ok,
            NotFound,
            NoBackend,
            Error
        };
        Status status = Status::Error;
        QString value; // read only
        QString message; // for NoBackend and Error: what went wrong and what to do
        bool fromEnvironment = false;
        bool ok() const { return status == Status::Ok; }
    };
    using Callback = std::function<void(const Reply&)>;

    explicit CredentialStore(QObject* parent = nullptr);

    // The keychain service name; tests use their own so they never touch a user's secrets.
    void setService(const QString& service) { m_service = service; }
    QString service() const { return m_service; }

    void read(Secret secret, Callback done);
    void write(Secret secret, const QString& value, Callback done);
    void remove(Secret secret, Callback done);

    static QString keyName(Secret secret); // key in the keychain
    static QString environmentVariable(Secret secret); // its CI override
    static QString label(Secret secret); // for people
    static QString noBackendAdvice();

private:
    QString m_service;
};
