#include "UserSettings.h"

#include "AppPaths.h"

#include <QSettings>

QString UserSettings::value(const char* key, const QString& fallback) const
{
    QSettings settings(AppPaths::settingsFile(), QSettings::IniFormat);
    return settings.value(QLatin1String(key), fallback).toString();
}

void UserSettings::setValue(const char* key, const QString& value)
{
    QSettings settings(AppPaths::settingsFile(), QSettings::IniFormat);
    settings.setValue(QLatin1String(key), value);
}

QString UserSettings::registry() const
{
    return value("registry/url");
}
void UserSettings::setRegistry(const QString& v)
{
    setValue("registry/url", v);
}
QString UserSettings::imageRepository() const
{
    return value("registry/repository");
}

void UserSettings::setImageRepository(const QString& v)
{
    setValue("registry/repository", v);
}

QString UserSettings::registryUser() const
{
    return value("registry/user");
}
void UserSettings::setRegistryUser(const QString& v)
{
    setValue("registry/user", v);
}
QString UserSettings::defaultRegion() const
{
    return value("aws/region", QStringLiteral("us-east-1"));
}
void UserSettings::setDefaultRegion(const QString& v)
{
    setValue("aws/region", v);
}
QString UserSettings::defaultInstanceType() const
{
    return value("aws/instance_type", QStringLiteral("t3.micro"));
}
void UserSettings::setDefaultInstanceType(const QString& v)
{
    setValue("aws/instance_type", v);
}
QString UserSettings::terminalCommand() const
{
    return value("gui/terminal", QStringLiteral("x-terminal-emulator -e"));
}
void UserSettings::setTerminalCommand(const QString& v)
{
    setValue("gui/terminal", v);
}
