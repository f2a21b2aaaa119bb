// SPDX-License-Identifier: MIT
#include "Settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

// The one settings file: typed round trips, the defaults, the migration of the
// window's old gui.ini, and writes that replace the file whole. Each test gets
// a config folder of its own (XDG_CONFIG_HOME inside the test's own home).
class TestSettings : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_config;

    static ino_t inode(const QString& path)
    {
        struct stat st
        {
        };
        return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_ino : 0;
    }

private Q_SLOTS:
    void init()
    {
        m_config = std::make_unique<QTemporaryDir>(QDir::homePath() + QStringLiteral("/config-XXXXXX"));
        QVERIFY(m_config->isValid());
        qputenv("XDG_CONFIG_HOME", m_config->path().toUtf8());
        QCOMPARE(Settings::filePath(), m_config->path() + QStringLiteral("/logistician/settings.ini"));
    }

    void defaultsWhenNothingIsStored()
    {
        const Settings settings;
        QCOMPARE(settings.registry(), QString());
        QCOMPARE(settings.registryUser(), QString());
        QCOMPARE(settings.imageRepository(), QString());
        QCOMPARE(settings.defaultRegion(), QStringLiteral("us-east-1"));
        QCOMPARE(settings.defaultInstanceType(), QStringLiteral("t3.micro"));
        QCOMPARE(settings.terminalCommand(), QStringLiteral("x-terminal-emulator -e"));
        QVERIFY(settings.windowGeometry().isEmpty());
        QVERIFY(settings.recentProjects().isEmpty());
        QCOMPARE(settings.lastProject(), QString());
        QVERIFY(!settings.setupDone());
        QVERIFY(!QFile::exists(Settings::filePath())); // reading writes nothing
    }

    void everyKeyRoundTripsThroughTheFile()
    {
        const QByteArray blob("\x00\x01state\xff", 9);
        {
            Settings settings;
            settings.setRegistry(QStringLiteral("127.0.0.1:5000/team"));
            settings.setRegistryUser(QStringLiteral("alice"));
            settings.setImageRepository(QStringLiteral("experiments"));
            settings.setDefaultRegion(QStringLiteral("eu-west-1"));
            settings.setDefaultInstanceType(QStringLiteral("m5.large"));
            settings.setTerminalCommand(QStringLiteral("xterm -e"));
            settings.setWindowGeometry(blob);
            settings.setWindowState(blob + "w");
            settings.setMainSplitterState(blob + "m");
            settings.setRunsSplitterState(blob + "r");
            settings.setLastProject(QStringLiteral("/p/two"));
            settings.setLastExperiment(QStringLiteral("/p/two/experiments/e"));
            settings.setRecentProjects({ QStringLiteral("/p/two"), QStringLiteral("/p/one, with comma") });
            settings.setSetupDone(true);
        } // written when it goes
        QVERIFY(QFileInfo(Settings::filePath()).isFile());
        const Settings settings;
        QCOMPARE(settings.registry(), QStringLiteral("127.0.0.1:5000/team"));
        QCOMPARE(settings.registryUser(), QStringLiteral("alice"));
        QCOMPARE(settings.imageRepository(), QStringLiteral("experiments"));
        QCOMPARE(settings.defaultRegion(), QStringLiteral("eu-west-1"));
        QCOMPARE(settings.defaultInstanceType(), QStringLiteral("m5.large"));
        QCOMPARE(settings.terminalCommand(), QStringLiteral("xterm -e"));
        QCOMPARE(settings.windowGeometry(), blob);
        QCOMPARE(settings.windowState(), blob + "w");
        QCOMPARE(settings.mainSplitterState(), blob + "m");
        QCOMPARE(settings.runsSplitterState(), blob + "r");
        QCOMPARE(settings.lastProject(), QStringLiteral("/p/two"));
        QCOMPARE(settings.lastExperiment(), QStringLiteral("/p/two/experiments/e"));
        QCOMPARE(settings.recentProjects(), QStringList({ "/p/two", "/p/one, with comma" }));
        QVERIFY(settings.setupDone());
        // The registry keys keep the names the CLI, the tests and older versions wrote.
        QFile ini(Settings::filePath());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        const QByteArray text = ini.readAll();
        QVERIFY2(text.contains("[registry]\nrepository=experiments\nurl=127.0.0.1:5000/team\nuser=alice\n"), text);
        QVERIFY2(text.contains("[aws]\ninstance_type=m5.large\nregion=eu-west-1\n"), text);
    }

    void theOldGuiFileIsMigratedOnce()
    {
        // settings.ini from the CLI's setup, gui.ini from an older window.
        QDir().mkpath(m_config->path() + QStringLiteral("/logistician"));
        {
            QSettings ini(Settings::filePath(), QSettings::IniFormat);
            ini.setValue(QStringLiteral("registry/url"), QStringLiteral("docker.io/jane"));
            ini.setValue(QStringLiteral("projects/last"), QStringLiteral("/newer"));
            QSettings gui(Settings::legacyGuiFilePath(), QSettings::IniFormat);
            gui.setValue(QStringLiteral("window/geometry"), QByteArray("geometry"));
            gui.setValue(QStringLiteral("window/runsSplitter"), QByteArray("runs"));
            gui.setValue(QStringLiteral("lastProject"), QStringLiteral("/older"));
            gui.setValue(QStringLiteral("lastExperiment"), QStringLiteral("/older/experiments/e"));
            gui.setValue(QStringLiteral("recentProjects"), QStringList({ "/older", "/oldest" }));
            gui.setValue(QStringLiteral("setupDone"), true);
        }
        QVERIFY(QFile::exists(Settings::legacyGuiFilePath()));
        {
            const Settings settings;
            QCOMPARE(settings.windowGeometry(), QByteArray("geometry"));
            QCOMPARE(settings.runsSplitterState(), QByteArray("runs"));
            QCOMPARE(settings.lastExperiment(), QStringLiteral("/older/experiments/e"));
            QCOMPARE(settings.recentProjects(), QStringList({ "/older", "/oldest" }));
            QVERIFY(settings.setupDone());
            QCOMPARE(settings.registry(), QStringLiteral("docker.io/jane"));
            QCOMPARE(settings.lastProject(), QStringLiteral("/newer")); // the one file's value wins
        }
        // Read once: the old file is gone and its values live on in settings.ini alone.
        QVERIFY(!QFile::exists(Settings::legacyGuiFilePath()));
        const QSettings ini(Settings::filePath(), QSettings::IniFormat);
        QCOMPARE(ini.value(QStringLiteral("window/geometry")).toByteArray(), QByteArray("geometry"));
        QVERIFY(ini.value(QStringLiteral("setup/done")).toBool());
        {
            Settings settings;
            settings.setSetupDone(false);
        }
        // A gui.ini appearing again (an older version ran) never overrides what is stored.
        {
            QSettings gui(Settings::legacyGuiFilePath(), QSettings::IniFormat);
            gui.setValue(QStringLiteral("setupDone"), true);
        }
        QVERIFY(!Settings().setupDone());
    }

    void aFailedMigrationKeepsTheOldFile()
    {
        QDir().mkpath(m_config->path() + QStringLiteral("/logistician"));
        {
            QSettings gui(Settings::legacyGuiFilePath(), QSettings::IniFormat);
            gui.setValue(QStringLiteral("lastProject"), QStringLiteral("/kept"));
        }
        // settings.ini cannot be written (a folder in its place; permissions would not stop root).
        QVERIFY(QDir().mkpath(Settings::filePath()));
        {
            Settings settings;
            settings.setRegistry(QStringLiteral("x"));
            const Result saved = settings.save();
            QVERIFY(!saved);
            QVERIFY2(saved.message().contains(Settings::filePath()), qPrintable(saved.message()));
        }
        QVERIFY(QDir(Settings::filePath()).removeRecursively());
        QVERIFY(QFile::exists(Settings::legacyGuiFilePath()));
        QCOMPARE(Settings().lastProject(), QStringLiteral("/kept"));
        QVERIFY(!QFile::exists(Settings::legacyGuiFilePath()));
    }

    void aSaveReplacesTheFileWhole()
    {
        // QSettings writes a temporary file beside settings.ini and renames it over: a crash in
        // between leaves the old file complete. A new inode after each save shows the rename.
        {
            Settings settings;
            settings.setRegistry(QStringLiteral("first"));
            QVERIFY(settings.save());
        }
        const ino_t before = inode(Settings::filePath());
        QVERIFY(before != 0);
        {
            Settings settings;
            settings.setRegistry(QStringLiteral("second"));
            QVERIFY(settings.save());
            QVERIFY(inode(Settings::filePath()) != before);
        }
        QCOMPARE(Settings().registry(), QStringLiteral("second"));
        // No temporary file is left behind.
        const QStringList files = QDir(m_config->path() + QStringLiteral("/logistician")).entryList(QDir::Files);
        QCOMPARE(files, QStringList({ "settings.ini" }));
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "TestSettings.moc"
