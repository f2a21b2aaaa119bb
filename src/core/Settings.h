// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariantMap>

// Every non-secret preference of the CLI and the GUI, typed, in one file: the
// config folder's settings.ini (Settings::filePath()). Secrets never go here;
// they live in CredentialStore. Keep an object only as long as a task needs it:
// changes are written when it goes (or at save()), by QSettings' atomic replace,
// so a crash leaves the old file or the new one, never half of one.
class Settings
{
public:
    Settings(); // also migrates the window's old gui.ini, once
    ~Settings();
    Settings(const Settings&) = delete;
    Settings& operator=(const Settings&) = delete;

    static QString filePath();
    // Where the window kept its state before there was one file; read once, then removed.
    static QString legacyGuiFilePath();

    // Registry and defaults: setup (CLI and wizard), the Settings dialog, deploys.
    QString registry() const; // e.g. 127.0.0.1:5000 or docker.io/USER
    void setRegistry(const QString& value);
    // The image repository under the registry (the original's docker_repository): images are then
    // REGISTRY/REPOSITORY:EXPERIMENT-COMMIT; empty: REGISTRY/logistician/EXPERIMENT:COMMIT.
    QString imageRepository() const;
    void setImageRepository(const QString& value);
    QString registryUser() const;
    void setRegistryUser(const QString& value);
    QString defaultRegion() const; // us-east-1 until set
    void setDefaultRegion(const QString& value);
    QString defaultInstanceType() const; // t3.micro until set
    void setDefaultInstanceType(const QString& value);
    QString terminalCommand() const; // how the GUI opens an SSH session
    void setTerminalCommand(const QString& value);
    // The board syncs each condition's results as it finishes (AutoSync); on until turned off.
    bool autoSync() const;
    void setAutoSync(bool on);

    // The window's state (QWidget/QSplitter saveState blobs) and what it had open.
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& value);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& value);
    QByteArray mainSplitterState() const;
    void setMainSplitterState(const QByteArray& value);
    QByteArray runsSplitterState() const;
    void setRunsSplitterState(const QByteArray& value);
    // The results chart's choices for one experiment (metric, key, series, …), by its folder.
    QVariantMap resultsView(const QString& experimentDir) const;
    void setResultsView(const QString& experimentDir, const QVariantMap& choices);
    QString lastProject() const;
    void setLastProject(const QString& dir);
    QString lastExperiment() const;
    void setLastExperiment(const QString& dir);
    QStringList recentProjects() const; // newest first
    void setRecentProjects(const QStringList& dirs);
    // The desktop app's View > Theme: "system", "light" or "dark" (anything else reads as system).
    QString theme() const;
    void setTheme(const QString& name);
    bool setupDone() const; // the setup wizard was finished once
    void setSetupDone(bool done);

    // Writes the changes now; an error naming the file when it could not be written.
    Result save();

private:
    void migrateLegacyGuiFile();

    QSettings m_store;
};
