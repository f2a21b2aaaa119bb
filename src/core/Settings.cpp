// SPDX-License-Identifier: MIT
#include "Settings.h"

#include "AppPaths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>

namespace {
// Every key of the file, named once.
namespace Key {
constexpr char Registry[] = "registry/url";
constexpr char ImageRepository[] = "registry/repository";
constexpr char RegistryUser[] = "registry/user";
constexpr char Region[] = "aws/region";
constexpr char InstanceType[] = "aws/instance_type";
constexpr char Terminal[] = "gui/terminal";
constexpr char AutoSync[] = "board/autoSync";
constexpr char WindowGeometry[] = "window/geometry";
constexpr char WindowState[] = "window/state";
constexpr char MainSplitter[] = "window/mainSplitter";
constexpr char RunsSplitter[] = "window/runsSplitter";
constexpr char ResultsView[] = "results_view/"; // + a hash of the experiment's folder
constexpr char LastProject[] = "projects/last";
constexpr char LastExperiment[] = "projects/lastExperiment";
constexpr char RecentProjects[] = "projects/recent";
constexpr char SetupDone[] = "setup/done";
constexpr char Theme[] = "gui/theme";
} // namespace Key

// gui.ini's keys (Logistician up to 0.9) and where they live now.
struct Moved
{
    const char* from;
    const char* to;
};
constexpr Moved LegacyGuiKeys[] = {
    { "window/geometry", Key::WindowGeometry },   { "window/state", Key::WindowState },
    { "window/mainSplitter", Key::MainSplitter }, { "window/runsSplitter", Key::RunsSplitter },
    { "lastProject", Key::LastProject },          { "lastExperiment", Key::LastExperiment },
    { "recentProjects", Key::RecentProjects },    { "setupDone", Key::SetupDone },
};

QString key(const char* name)
{
    return QLatin1String(name);
}
} // namespace

Settings::Settings()
    : m_store(filePath(), QSettings::IniFormat)
{
    // The default, said out loud: sync() writes a temporary file and renames it over settings.ini.
    m_store.setAtomicSyncRequired(true);
    migrateLegacyGuiFile();
}

Settings::~Settings() = default; // QSettings writes what changed

QString Settings::filePath()
{
    return AppPaths::settingsFile();
}

QString Settings::legacyGuiFilePath()
{
    return AppPaths::configDir() + QStringLiteral("/gui.ini");
}

void Settings::migrateLegacyGuiFile()
{
    const QString legacyPath = legacyGuiFilePath();
    if (!QFile::exists(legacyPath))
        return;
    {
        const QSettings legacy(legacyPath, QSettings::IniFormat);
        for (const Moved& moved : LegacyGuiKeys) {
            // A value already in the one file is newer than the old file's.
            if (legacy.contains(key(moved.from)) && !m_store.contains(key(moved.to)))
                m_store.setValue(key(moved.to), legacy.value(key(moved.from)));
        }
    }
    // Removed only once its values are safely in settings.ini: a failed write leaves it for next time.
    if (save())
        QFile::remove(legacyPath);
}

Result Settings::save()
{
    m_store.sync();
    if (m_store.status() == QSettings::NoError)
        return Result::ok();
    if (m_store.status() == QSettings::AccessError)
        return Result::failed(QStringLiteral("cannot write %1").arg(filePath()));
    return Result::badInput(QStringLiteral("%1 is not a settings file Logistician can read").arg(filePath()));
}

QString Settings::registry() const
{
    return m_store.value(key(Key::Registry)).toString();
}
void Settings::setRegistry(const QString& value)
{
    m_store.setValue(key(Key::Registry), value);
}
QString Settings::imageRepository() const
{
    return m_store.value(key(Key::ImageRepository)).toString();
}
void Settings::setImageRepository(const QString& value)
{
    m_store.setValue(key(Key::ImageRepository), value);
}
QString Settings::registryUser() const
{
    return m_store.value(key(Key::RegistryUser)).toString();
}
void Settings::setRegistryUser(const QString& value)
{
    m_store.setValue(key(Key::RegistryUser), value);
}
QString Settings::defaultRegion() const
{
    return m_store.value(key(Key::Region), QStringLiteral("us-east-1")).toString();
}
void Settings::setDefaultRegion(const QString& value)
{
    m_store.setValue(key(Key::Region), value);
}
QString Settings::defaultInstanceType() const
{
    return m_store.value(key(Key::InstanceType), QStringLiteral("t3.micro")).toString();
}
void Settings::setDefaultInstanceType(const QString& value)
{
    m_store.setValue(key(Key::InstanceType), value);
}
QString Settings::terminalCommand() const
{
    return m_store.value(key(Key::Terminal), QStringLiteral("x-terminal-emulator -e")).toString();
}
void Settings::setTerminalCommand(const QString& value)
{
    m_store.setValue(key(Key::Terminal), value);
}

bool Settings::autoSync() const
{
    return m_store.value(key(Key::AutoSync), true).toBool();
}
void Settings::setAutoSync(bool on)
{
    m_store.setValue(key(Key::AutoSync), on);
}

QByteArray Settings::windowGeometry() const
{
    return m_store.value(key(Key::WindowGeometry)).toByteArray();
}
void Settings::setWindowGeometry(const QByteArray& value)
{
    m_store.setValue(key(Key::WindowGeometry), value);
}
QByteArray Settings::windowState() const
{
    return m_store.value(key(Key::WindowState)).toByteArray();
}
void Settings::setWindowState(const QByteArray& value)
{
    m_store.setValue(key(Key::WindowState), value);
}
QByteArray Settings::mainSplitterState() const
{
    return m_store.value(key(Key::MainSplitter)).toByteArray();
}
void Settings::setMainSplitterState(const QByteArray& value)
{
    m_store.setValue(key(Key::MainSplitter), value);
}
QByteArray Settings::runsSplitterState() const
{
    return m_store.value(key(Key::RunsSplitter)).toByteArray();
}
void Settings::setRunsSplitterState(const QByteArray& value)
{
    m_store.setValue(key(Key::RunsSplitter), value);
}
namespace {
QString resultsViewKey(const QString& experimentDir)
{
    const QByteArray path = QDir::cleanPath(QDir(experimentDir).absolutePath()).toUtf8();
    return key(Key::ResultsView)
        + QString::fromLatin1(QCryptographicHash::hash(path, QCryptographicHash::Sha1).toHex().left(16));
}
} // namespace
QVariantMap Settings::resultsView(const QString& experimentDir) const
{
    return m_store.value(resultsViewKey(experimentDir)).toMap();
}
void Settings::setResultsView(const QString& experimentDir, const QVariantMap& choices)
{
    m_store.setValue(resultsViewKey(experimentDir), choices);
}
QString Settings::lastProject() const
{
    return m_store.value(key(Key::LastProject)).toString();
}
void Settings::setLastProject(const QString& dir)
{
    m_store.setValue(key(Key::LastProject), dir);
}
QString Settings::lastExperiment() const
{
    return m_store.value(key(Key::LastExperiment)).toString();
}
void Settings::setLastExperiment(const QString& dir)
{
    m_store.setValue(key(Key::LastExperiment), dir);
}
QStringList Settings::recentProjects() const
{
    return m_store.value(key(Key::RecentProjects)).toStringList();
}
void Settings::setRecentProjects(const QStringList& dirs)
{
    m_store.setValue(key(Key::RecentProjects), dirs);
}
QString Settings::theme() const
{
    const QString name = m_store.value(key(Key::Theme)).toString();
    return name == QLatin1String("light") || name == QLatin1String("dark") ? name : QStringLiteral("system");
}
void Settings::setTheme(const QString& name)
{
    m_store.setValue(key(Key::Theme), name);
}
bool Settings::setupDone() const
{
    return m_store.value(key(Key::SetupDone), false).toBool();
}
void Settings::setSetupDone(bool done)
{
    m_store.setValue(key(Key::SetupDone), done);
}
