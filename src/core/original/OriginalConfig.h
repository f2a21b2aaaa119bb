// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <optional>

class CredentialStore;

// The original Logistician's ~/.logistician/config.json: AWS keys and the
// Docker Hub user and repository, in plain text. `setup` (CLI and wizard)
// imports it: the keys into the keychain, the rest into the settings; the
// file itself is never copied, and the user is offered its deletion.
class OriginalConfig : public QObject
{
    Q_OBJECT
public:
    struct Values
    {
        QString awsAccessKey;
        QString awsSecretKey;
        QString dockerUsername;
        QString dockerRepository;
    };

    explicit OriginalConfig(QObject* parent = nullptr);

    // $HOME/.logistician/config.json.
    static QString defaultPath();
    // Reads and validates the file; BadInput naming the file when it is unreadable or a value is unusable.
    static ResultOf<Values> read(const QString& path);
    // Docker Hub under the user's name: the registry setting the import gives.
    static QString registryFor(const Values& values);

    // Imports into store (the AWS keys) and Settings (registry, user, image repository); finished() follows
    // with one line per thing done, or an error.
    void import(const Values& values, CredentialStore* store);
    // Deletes the plain-text file.
    static Result remove(const QString& path);

Q_SIGNALS:
    void finished(const QStringList& done, const QString& error);

private:
    void writeNext(QList<QPair<int, QString>> secrets, QStringList done, CredentialStore* store);
};
