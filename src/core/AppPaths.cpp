#include "AppPaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStandardPaths>

namespace AppPaths {

QString dataDir()
{
    const QString fromEnv = QProcessEnvironment::systemEnvironment().value(QStringLiteral("LOGISTICIAN_DATA_DIR"));
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString besideBinary
        = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../share/logistician"));
    if (QFileInfo::exists(besideBinary + QStringLiteral("/templates")))
        return QDir::cleanPath(besideBinary);
    if (QFileInfo::exists(QStringLiteral(LOGISTICIAN_SOURCE_DIR "/templates")))
        return QStringLiteral(LOGISTICIAN_SOURCE_DIR);
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
