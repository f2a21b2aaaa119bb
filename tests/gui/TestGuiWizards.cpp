// SPDX-License-Identifier: MIT
// Both wizards, page by page, as a user walks them: New Experiment (name
// check, Git remote from origin, template, command) and Setup (tool check,
// registry with a real failing login, AWS keys into the real keychain, SSH
// key, defaults).
#include "CommandLogDock.h"
#include "CredentialStore.h"
#include "Dialogs.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "MainWindow.h"
#include "NewExperimentWizard.h"
#include "Parameters.h"
#include "Settings.h"
#include "SetupWizard.h"
#include "TestKeychain.h"
#include "TestProject.h"

#include <QAbstractButton>
#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>

class TestGuiWizards : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void newExperimentWizard();
    void setupWizard();

private:
    QString m_service;
};

void TestGuiWizards::initTestCase()
{
    CHECKED(isolateSettings());
    m_service = TestKeychain::uniqueService();
    for (const char* name : { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "LOGISTICIAN_REGISTRY_PASSWORD" })
        qunsetenv(name);
}

void TestGuiWizards::cleanupTestCase()
{
    QVERIFY(TestKeychain::remove(m_service,
                                 { CredentialStore::Secret::AwsAccessKeyId, CredentialStore::Secret::AwsSecretAccessKey,
                                   CredentialStore::Secret::RegistryPassword }));
    destroyMainWindow();
}

void TestGuiWizards::newExperimentWizard()
{
    TestProject project;
    const QString origin = project.repo().addBareOrigin();
    createMainWindow();
    QVERIFY(openProject(project.root()));

    QTest::mouseClick(need<QPushButton>(window(), "newExperimentButton"), Qt::LeftButton);
    NewExperimentWizard* wizard = nullptr;
    QTRY_VERIFY((wizard = window()->findChild<NewExperimentWizard*>()) && wizard->isVisible());
    QCOMPARE(wizard->currentId(), int(NewExperimentWizard::NamePage));
    auto* next = wizard->button(QWizard::NextButton);
    NEED(QLineEdit, name, wizard, "nameEdit");
    NEED(QLabel, status, wizard, "nameStatus");
    QVERIFY(!next->isEnabled());

    // The name of the existing experiment is taken; an invalid one is refused.
    QTest::keyClicks(name, project.name());
    QVERIFY(!next->isEnabled());
    QVERIFY2(status->text().contains(QStringLiteral("already exists")), qPrintable(status->text()));
    name->clear();
    QTest::keyClicks(name, QStringLiteral("-bad name"));
    QVERIFY(!next->isEnabled());
    QVERIFY(status->text().contains(QStringLiteral("not a valid experiment name")));
    name->clear();
    QTest::keyClicks(name, QStringLiteral("rnn-2"));
    QVERIFY(next->isEnabled());
    QVERIFY(status->text().contains(QStringLiteral("experiments/rnn-2")));
    NEED(QComboBox, templates, wizard, "templateCombo");
    QVERIFY(templates->findText(QStringLiteral("shell")) >= 0);
    QVERIFY(templates->findText(QStringLiteral("python")) >= 0);
    templates->setCurrentIndex(templates->findText(QStringLiteral("shell")));
    QTest::mouseClick(next, Qt::LeftButton);

    QCOMPARE(wizard->currentId(), int(NewExperimentWizard::DetailsPage));
    QCOMPARE(need<QLineEdit>(wizard, "gitUrlEdit")->text(), origin);
    QTest::keyClicks(need<QLineEdit>(wizard, "commandEdit"), QStringLiteral("sh args.sh --fixed"));
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);

    const QString dir = project.root() + QStringLiteral("/experiments/rnn-2");
    QTRY_VERIFY(QFileInfo(dir + QStringLiteral("/parameters.json")).exists());
    QVERIFY(QFileInfo(dir + QStringLiteral("/Dockerfile")).exists());
    Result error;
    const auto params = Parameters::load(dir + QStringLiteral("/parameters.json"));
    error = params.error();
    QVERIFY2(params, qPrintable(error.message()));
    QCOMPARE(params->experimentName(), QStringLiteral("rnn-2"));
    QCOMPARE(params->experimentCommand(), QStringLiteral("sh args.sh --fixed"));
    // No region or instance type of its own: the defaults set in setup apply when it is deployed.
    QVERIFY(!params->json().contains(QStringLiteral("aws_region")));
    QVERIFY(!params->json().contains(QStringLiteral("aws_instance_type")));
    QFile dockerfile(dir + QStringLiteral("/Dockerfile"));
    QVERIFY(dockerfile.open(QIODevice::ReadOnly));
    QVERIFY(dockerfile.readAll().contains(origin.toUtf8()));

    // The new experiment opens, and the browser lists it once the rescan is in.
    QTRY_COMPARE(window()->currentPage()->experimentName(), QStringLiteral("rnn-2"));
    NEED(QTreeWidget, browser, window(), "projectBrowser");
    QTRY_COMPARE(browser->topLevelItemCount(), 2);
    QTRY_COMPARE(browser->currentItem()->text(0), QStringLiteral("experiments/rnn-2"));
}

void TestGuiWizards::setupWizard()
{
    createMainWindow();
    window()->credentialStore()->setService(m_service);
    window()->findChild<QAction*>(QStringLiteral("actionSetupWizard"))->trigger();
    SetupWizard* wizard = nullptr;
    QTRY_VERIFY((wizard = window()->findChild<SetupWizard*>()) && wizard->isVisible());
    auto* next = wizard->button(QWizard::NextButton);

    // Tools: the real ones are checked in the background; docker and git are installed here.
    QCOMPARE(wizard->currentId(), int(SetupWizard::ToolsPage));
    NEED(QTreeWidget, tools, wizard, "toolList");
    QTRY_VERIFY_WITH_TIMEOUT(next->isEnabled(), 20000);
    QCOMPARE(tools->topLevelItemCount(), 5);
    QCOMPARE(tools->topLevelItem(0)->text(0), QStringLiteral("docker"));
    QVERIFY2(tools->topLevelItem(0)->text(1).startsWith(QStringLiteral("Docker version")),
             qPrintable(tools->topLevelItem(0)->text(1)));
    QVERIFY(tools->topLevelItem(2)->text(1).startsWith(QStringLiteral("git version")));
    QVERIFY(window()->commandLog()->text().contains(QStringLiteral("docker --version")));
    QTest::mouseClick(next, Qt::LeftButton);

    // Registry: nothing stored yet; a login against a port where no registry listens fails, and says so.
    QCOMPARE(wizard->currentId(), int(SetupWizard::RegistryPage));
    QTRY_COMPARE_WITH_TIMEOUT(need<QLabel>(wizard, "registryPasswordState")->text(), QStringLiteral("Not stored"),
                              10000);
    // Nothing stored: no "leave empty to keep what is stored" beside "Not stored".
    QCOMPARE(need<QLineEdit>(wizard, "registryPasswordEdit")->placeholderText(), QStringLiteral("none stored yet"));
    QTest::keyClicks(need<QLineEdit>(wizard, "registryEdit"), QStringLiteral("127.0.0.1:1/team"));
    QTest::keyClicks(need<QLineEdit>(wizard, "registryUserEdit"), QStringLiteral("alice"));
    QTest::keyClicks(need<QLineEdit>(wizard, "registryPasswordEdit"), QStringLiteral("reg-s3cret"));
    QTest::mouseClick(need<QPushButton>(wizard, "testLoginButton"), Qt::LeftButton);
    NEED(QLabel, login, wizard, "loginResult");
    QTRY_VERIFY_WITH_TIMEOUT(login->text().startsWith(QStringLiteral("Login failed")), 60000);
    const QString commands = window()->commandLog()->text();
    QVERIFY(commands.contains(QStringLiteral(" login --username alice --password-stdin 127.0.0.1:1 <<< ***")));
    QVERIFY(commands.contains(QStringLiteral("docker --config /"))); // a throwaway client configuration
    QVERIFY(!commands.contains(QStringLiteral("reg-s3cret")));
    QVERIFY(!login->text().contains(QStringLiteral("reg-s3cret")));
    QTest::mouseClick(next, Qt::LeftButton);

    // AWS: keys and defaults.
    QCOMPARE(wizard->currentId(), int(SetupWizard::AwsPage));
    // The key ID is an identifier, shown as typed; the secret key is masked.
    QCOMPARE(need<QLineEdit>(wizard, "awsKeyIdEdit")->echoMode(), QLineEdit::Normal);
    QCOMPARE(need<QLineEdit>(wizard, "awsSecretEdit")->echoMode(), QLineEdit::Password);
    QTest::keyClicks(need<QLineEdit>(wizard, "awsKeyIdEdit"), QStringLiteral("AKIATESTKEY"));
    QTest::keyClicks(need<QLineEdit>(wizard, "awsSecretEdit"), QStringLiteral("aws-s3cret"));
    NEED(QComboBox, region, wizard, "regionCombo");
    region->setCurrentIndex(region->findText(QStringLiteral("eu-central-1")));
    NEED(QComboBox, instance, wizard, "instanceTypeCombo");
    instance->lineEdit()->selectAll();
    QTest::keyClicks(instance->lineEdit(), QStringLiteral("c6i.large"));
    QTest::mouseClick(next, Qt::LeftButton);

    // SSH key: made in the isolated config folder.
    QCOMPARE(wizard->currentId(), int(SetupWizard::SshPage));
    const QString keyPath = configDir() + QStringLiteral("/logistician/ssh-key");
    QVERIFY(!QFileInfo::exists(keyPath));
    QCOMPARE(need<QLabel>(wizard, "sshKeyState")->text(), QStringLiteral("No key yet."));
    QTest::mouseClick(need<QPushButton>(wizard, "createKeyButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(need<QLabel>(wizard, "sshKeyState")->text(), QStringLiteral("Created."), 20000);
    QVERIFY(QFileInfo::exists(keyPath));
    QCOMPARE(QFileInfo(keyPath).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    // The public key, for an ssh host's authorized_keys: shown, and copied with one click.
    NEED(QLineEdit, publicKey, wizard, "sshPublicKey");
    // Its label reads "Public key:" (Alt+P), never a literal "&Public key:".
    bool labelled = false;
    for (QLabel* label : wizard->findChildren<QLabel*>()) {
        if (label->text().contains(QStringLiteral("Public key:"))) {
            labelled = true;
            QCOMPARE(label->buddy(), publicKey);
        }
    }
    QVERIFY(labelled);
    QVERIFY2(publicKey->text().startsWith(QStringLiteral("ssh-ed25519 ")), qPrintable(publicKey->text()));
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(need<QPushButton>(wizard, "copyPublicKeyButton"), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), publicKey->text());
    QTest::mouseClick(next, Qt::LeftButton);

    // Summary, then Finish stores everything.
    QCOMPARE(wizard->currentId(), int(SetupWizard::SummaryPage));
    const QString summary = need<QLabel>(wizard, "setupSummary")->text();
    QVERIFY(summary.contains(QStringLiteral("eu-central-1")));
    QVERIFY(!summary.contains(QStringLiteral("s3cret")));
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!window()->findChild<SetupWizard*>() || !wizard->isVisible(), 10000);

    QCOMPARE(TestKeychain::read(m_service, CredentialStore::Secret::RegistryPassword).value,
             QStringLiteral("reg-s3cret"));
    QCOMPARE(TestKeychain::read(m_service, CredentialStore::Secret::AwsAccessKeyId).value,
             QStringLiteral("AKIATESTKEY"));
    QCOMPARE(TestKeychain::read(m_service, CredentialStore::Secret::AwsSecretAccessKey).value,
             QStringLiteral("aws-s3cret"));
    Settings settings;
    QCOMPARE(settings.registry(), QStringLiteral("127.0.0.1:1/team"));
    QCOMPARE(settings.registryUser(), QStringLiteral("alice"));
    QCOMPARE(settings.defaultRegion(), QStringLiteral("eu-central-1"));
    QCOMPARE(settings.defaultInstanceType(), QStringLiteral("c6i.large"));
    QVERIFY(settings.setupDone());
    QFile ini(configDir() + QStringLiteral("/logistician/settings.ini"));
    QVERIFY(ini.open(QIODevice::ReadOnly));
    QVERIFY(!ini.readAll().contains("s3cret"));

    // Run again: the secrets now show as stored, never in clear.
    window()->findChild<QAction*>(QStringLiteral("actionSetupWizard"))->trigger();
    QTRY_VERIFY((wizard = window()->findChild<SetupWizard*>()) && wizard->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(need<QLabel>(wizard, "awsSecretState")->text(), QStringLiteral("Stored in the keychain"),
                              10000);
    QVERIFY(need<QLineEdit>(wizard, "awsSecretEdit")->text().isEmpty());
    QCOMPARE(need<QLineEdit>(wizard, "awsSecretEdit")->placeholderText(),
             QStringLiteral("leave empty to keep the stored one"));
    wizard->reject();
}

QTEST_MAIN(TestGuiWizards)
#include "TestGuiWizards.moc"
