// SPDX-License-Identifier: MIT
// The GUI with the original Logistician's files: the experiment page says
// which convention a folder uses, and the setup wizard imports
// ~/.logistician/config.json (keys into the keychain, the Docker Hub user and
// repository into the settings) and deletes it when asked.
#include "CredentialStore.h"
#include "Dialogs.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "MainWindow.h"
#include "OriginalProject.h"
#include "Parameters.h"
#include "Settings.h"
#include "SetupWizard.h"
#include "TestKeychain.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

class TestGuiOriginal : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        isolateSettings();
        m_service = TestKeychain::uniqueService();
        qputenv("HOME", m_home.path().toUtf8());
        for (const char* name : { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
            qunsetenv(name);
    }
    void cleanupTestCase()
    {
        TestKeychain::remove(m_service,
                             { CredentialStore::Secret::AwsAccessKeyId, CredentialStore::Secret::AwsSecretAccessKey });
        destroyMainWindow();
    }

    void experimentPageShowsTheFolderStyle()
    {
        OriginalProject project;
        createMainWindow();
        QVERIFY(openProject(project.root()));
        ExperimentPage* page = window()->openExperiment(project.experimentDir("addition"));
        QVERIFY(page && page->isLoaded());
        auto* style = need<QLabel>(page, "folderStyle");
        QCOMPARE(style->text(), QStringLiteral("Original style"));
        QVERIFY(style->toolTip().contains(QStringLiteral("$OPTIONS")));

        const QString path = project.experimentDir("addition") + QStringLiteral("/parameters.json");
        auto params = Parameters::load(path);
        QVERIFY(params);
        params->setExperimentCommand(QStringLiteral("python examples/addition/main.py"));
        QVERIFY(params->save(path));
        QVERIFY(page->reload());
        QCOMPARE(style->text(), QStringLiteral("Runs: python examples/addition/main.py + condition"));
    }

    void setupWizardImportsTheOriginalConfig()
    {
        const QString path = m_home.path() + QStringLiteral("/.logistician/config.json");
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            R"({"aws_access_key": "AKIAORIGINALGUI00001", "aws_secret_key": "guiSecret0123456789/+guiSecret0123456789",
                       "docker_username": "jane", "docker_repository": "experiments"})");
        file.close();

        createMainWindow();
        window()->credentialStore()->setService(m_service);
        auto* wizard = qobject_cast<SetupWizard*>(window()->showSetupWizard());
        QVERIFY(wizard);
        auto* banner = need<QFrame>(wizard, "originalConfigBanner");
        QTRY_VERIFY(banner->isVisible());
        Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(need<QPushButton>(wizard, "importOriginalButton"), Qt::LeftButton);
        auto* text = need<QLabel>(wizard, "originalConfigText");
        QTRY_VERIFY_WITH_TIMEOUT(text->text().contains(QStringLiteral("Deleted")), 20000);
        QVERIFY(!QFile::exists(path));
        QCOMPARE(TestKeychain::read(m_service, CredentialStore::Secret::AwsAccessKeyId).value,
                 QStringLiteral("AKIAORIGINALGUI00001"));
        QCOMPARE(TestKeychain::read(m_service, CredentialStore::Secret::AwsSecretAccessKey).value,
                 QStringLiteral("guiSecret0123456789/+guiSecret0123456789"));
        Settings settings;
        QCOMPARE(settings.registry(), QStringLiteral("docker.io/jane"));
        QCOMPARE(settings.registryUser(), QStringLiteral("jane"));
        QCOMPARE(settings.imageRepository(), QStringLiteral("experiments"));
        QCOMPARE(need<QLineEdit>(wizard, "registryEdit")->text(), QStringLiteral("docker.io/jane"));
        // The secret is shown nowhere on the page.
        QVERIFY(!text->text().contains(QStringLiteral("guiSecret")));
        wizard->reject();
    }

private:
    QTemporaryDir m_home;
    QString m_service;
};

QTEST_MAIN(TestGuiOriginal)
#include "TestGuiOriginal.moc"
