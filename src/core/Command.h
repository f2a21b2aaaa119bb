// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

// One external command as data: what runs, where, with which extra
// environment and standard input, and which values are secret. Every
// docker/terraform/ssh/rsync/git invocation is built as one of these so it can
// be shown to the user (secrets redacted) and run by CommandRunner.
struct Command
{
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QMap<QString, QString> environment; // added to the process environment
    QStringList secretEnvironment; // names in `environment` whose values are secret
    QByteArray standardInput; // written then closed; never shown
    QStringList secrets; // values never shown anywhere
    bool interactive = false; // inherit the terminal (docker run -it, shell)
    // Only looks and changes nothing: a status poll, a log, docker inspect or ps. Set where such a command is
    // built (after wrapping it for a host). The CLI echoes it only with --verbose; the command log records it
    // like any other.
    bool query = false;
    // Set by a builder that cannot make this command safely (e.g. an unsafe ssh control folder):
    // CommandRunner runs nothing and reports this as the reason.
    QString refusal;

    // This command marked as one that only looks (query).
    Command asQuery() const;

    // The command as a user could type it, with secret values replaced by ***.
    QString display() const;

    // Replaces every secret value occurring in text by ***.
    QString redact(const QString& text) const;
};
