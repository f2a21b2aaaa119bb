// SPDX-License-Identifier: MIT
#include "AppPaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStandardPaths>

// Set by CMake from the install directories; these defaults are GNU's layout (for
// builds that compile this file on its own, like the fuzzers).
#ifndef LOGISTICIAN_BIN_TO_DATA
#define LOGISTICIAN_BIN_TO_DATA "../share/logistician"
#endif
#ifndef LOGISTICIAN_GUI_TO_DATA
#define LOGISTICIAN_GUI_TO_DATA "../../share/logistician"
#endif

namespace AppPaths {

QString dataDir()
{
    const QString fromEnv = QProcessEnvironment::systemEnvironment().value(QStringLiteral("LOGISTICIAN_DATA_DIR"));
    if (!fromEnv.isEmpty())
        return fromEnv;
    // logistician is installed in bin/, the window's logistician-gui in libexec/logistician/:
    // either finds the installed data relative to itself.
    const QDir binaryDir(QCoreApplication::applicationDirPath());
    for (const char* relative : { LOGISTICIAN_BIN_TO_DATA, LOGISTICIAN_GUI_TO_DATA }) {
        const QString installed = binaryDir.absoluteFilePath(QString::fromUtf8(relative));
        if (QFileInfo::exists(installed + QStringLiteral("/templates")))
            return QDir::cleanPath(installed);
    }
#ifdef LOGISTICIAN_SOURCE_DIR // a build-folder binary (CMake's LOGISTICIAN_SOURCE_DATA); never in a package
    if (QFileInfo::exists(QStringLiteral(LOGISTICIAN_SOURCE_DIR "/templates")))
        return QStringLiteral(LOGISTICIAN_SOURCE_DIR);
#endif
    return QStringLiteral(LOGISTICIAN_DATA_DIR);
}

QString templatesDir()
{
    return dataDir() + QStringLiteral("/templates");
}

QString examplesDir()
{
    return dataDir() + QStringLiteral("/examples");
}

QString cliExecutable()
{
    const QString beside = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("logistician"));
    if (QFileInfo(beside).isExecutable())
        return beside;
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("logistician"));
    return onPath.isEmpty() ? QStringLiteral("logistician") : onPath;
}

QString configDir()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    const QString dir = base + QStringLiteral("/logistician");
    QDir().mkpath(dir);
    return dir;
}

QString settingsFile()
{
    return configDir() + QStringLiteral("/settings.ini");
}

QString sshKeyPath()
{
    const QString ours = configDir() + QStringLiteral("/ssh-key");
    const QString original = QDir::homePath() + QStringLiteral("/.logistician/ssh-key");
    if (!QFileInfo::exists(ours) && QFileInfo::exists(original))
        return original;
    return ours;
}

} // namespace AppPaths
