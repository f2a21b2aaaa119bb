// SPDX-License-Identifier: MIT
#include "CliProcess.h"

#include <QProcess>

QString CliProcess::binary()
{
    return qEnvironmentVariable("LOGISTICIAN_BINARY", QStringLiteral("logistician"));
}

CliResult CliProcess::run(const QStringList& args, const QString& workingDir, const QMap<QString, QString>& env,
                          const QByteArray& input, int timeoutMs, const QString& program)
{
    QProcess p;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (auto it = env.cbegin(); it != env.cend(); ++it) {
        if (it.value().isEmpty())
            environment.remove(it.key());
        else
            environment.insert(it.key(), it.value());
    }
    p.setProcessEnvironment(environment);
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    p.start(program.isEmpty() ? binary() : program, args);
    p.write(input);
    p.closeWriteChannel();
    CliResult result;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        result.err = QStringLiteral("timed out");
        return result;
    }
    result.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    result.out = QString::fromUtf8(p.readAllStandardOutput());
    result.err = QString::fromUtf8(p.readAllStandardError());
    return result;
}
