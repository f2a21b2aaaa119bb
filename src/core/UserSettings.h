#pragma once

#include <QString>

// Non-secret preferences shared by the CLI and the GUI, in the config
// folder's settings.ini. Secrets never go here; they live in CredentialStore.
class UserSettings
{
public:
    QString registry() const; // e.g. 127.0.0.1:5000 or docker.io/USER
    void setRegistry(const QString& value);
    // The image repository under the registry (the original's docker_repository): images are then
    // REGISTRY/REPOSITORY:EXPERIMENT-COMMIT; empty: REGISTRY/logistician/EXPERIMENT:COMMIT.
    QString imageRepository() const;
    void setImageRepository(const QString& value);
    QString registryUser() const;
    void setRegistryUser(const QString& value);
    QString defaultRegion() const;
    void setDefaultRegion(const QString& value);
    QString defaultInstanceType() const;
    void setDefaultInstanceType(const QString& value);
    QString terminalCommand() const; // how the GUI opens an SSH session
    void setTerminalCommand(const QString& value);

private:
    QString value(const char* key, const QString& fallback = QString()) const;
    void setValue(const char* key, const QString& value);
};
