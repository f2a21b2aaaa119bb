// SPDX-License-Identifier: MIT
#pragma once

#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// Runs the real logistician binary (LOGISTICIAN_BINARY, set by CTest) the way a
// user would, and keeps what it printed.
struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

class CliProcess
{
public:
    static QString binary();
    // env entries are added to (or, with an empty value, removed from) the test's environment.
    // program: run this instead of the binary (e.g. `script` to give it a terminal).
    static CliResult run(const QStringList& args, const QString& workingDir = QString(),
                         const QMap<QString, QString>& env = {}, const QByteArray& input = QByteArray(),
                         int timeoutMs = 300000, const QString& program = QString());
};
