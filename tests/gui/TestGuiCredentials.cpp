// SPDX-License-Identifier: MIT
// Credentials through Settings against the real keychain (Secret Service in a
// private D-Bus session): store, replace and remove, never shown in clear.
#include "CredentialStore.h"
#include "Dialogs.h"
#include "GuiTestBase.h"
#include "MainWindow.h"
#include "Settings.h"
#include "SettingsDialog.h"
#include "TestKeychain.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

class TestGuiCredentials : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void storeReplaceRemove();
    void defaultsAreCheckedAndTheKeyIdIsShown();

private:
    QString m_service;
};

void TestGuiCredentials::initTestCase()
{
    CHECKED(isolateSettings());
    // A keychain entry of our own, so a user's real secrets are never touched.
    m_service = TestKeychain::uniqueService();
    qunsetenv("LOGISTICIAN_REGISTRY_PASSWORD");
}

void TestGuiCredentials::cleanupTestCase()
{
    QVERIFY(TestKeychain::remove(m_service, { CredentialStore::Secret::RegistryPassword }));
    destroyMainWindow();
}

void TestGuiCredentials::storeReplaceRemove()
{
    const QString key = CredentialStore::keyName(CredentialStore::Secret::RegistryPassword);
    createMainWindow();
    window()->credentialStore()->setService(m_service);
    window()->findChild<QAction*>(QStringLiteral("actionSettings"))->trigger();
    SettingsDialog* settings = nullptr;
    QTRY_VERIFY((settings = window()->findChild<SettingsDialog*>()) && settings->isVisible());

    auto* state = settings->findChild<QLabel*>(QStringLiteral("credentialState_") + key);
    auto* replace = settings->findChild<QPushButton*>(QStringLiteral("replaceButton_") + key);
    auto* remove = settings->findChild<QPushButton*>(QStringLiteral("removeButton_") + key);
    auto* edit = settings->findChild<QLineEdit*>(QStringLiteral("credentialEdit_") + key);
    auto* store = settings->findChild<QPushButton*>(QStringLiteral("storeButton_") + key);
    QVERIFY(state && replace && remove && edit && store);

    // A real keychain answers; a missing one would say so here and fail.
    QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Not stored"), 10000);
    QVERIFY(!remove->isEnabled());
    QVERIFY(!edit->isVisible());

    // Store.
    QTest::mouseClick(replace, Qt::LeftButton);
    QVERIFY(edit->isVisible());
    QCOMPARE(edit->echoMode(), QLineEdit::Password);
    QTest::keyClicks(edit, QStringLiteral("first-s3cret"));
    QTest::mouseClick(store, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Stored in the keychain"), 10000);
    QVERIFY(!state->text().contains(QStringLiteral("s3cret")));
    QVERIFY(edit->text().isEmpty());
    QVERIFY(!edit->isVisible());
    QTRY_VERIFY(remove->isEnabled());
    CredentialStore::Reply reply = TestKeychain::read(m_service, CredentialStore::Secret::RegistryPassword);
    QVERIFY(reply.ok());
    QCOMPARE(reply.value, QStringLiteral("first-s3cret"));

    // Replace, with Enter this time.
    QTest::mouseClick(replace, Qt::LeftButton);
    QTest::keyClicks(edit, QStringLiteral("second-s3cret"));
    QTest::keyClick(edit, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(edit->text().isEmpty() && state->text() == QStringLiteral("Stored in the keychain"),
                             10000);
    reply = TestKeychain::read(m_service, CredentialStore::Secret::RegistryPassword);
    QCOMPARE(reply.value, QStringLiteral("second-s3cret"));

    // Remove: asked first; "Cancel" keeps it.
    Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::mouseClick(remove, Qt::LeftButton);
    QVERIFY(Gui::MessageBox::lastText().contains(QStringLiteral("registry password")));
    QCOMPARE(TestKeychain::read(m_service, CredentialStore::Secret::RegistryPassword).value,
             QStringLiteral("second-s3cret"));
    Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(remove, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Not stored"), 10000);
    QVERIFY(!remove->isEnabled());
    QCOMPARE(TestKeychain::read(m_service, CredentialStore::Secret::RegistryPassword).kind(), Result::Kind::NotFound);

    // Nothing secret reached the settings file.
    QFile ini(configDir() + QStringLiteral("/logistician/settings.ini"));
    if (ini.open(QIODevice::ReadOnly))
        QVERIFY(!ini.readAll().contains("s3cret"));
    settings->close();
}

// Issue 27, item 9: Settings took region "mars-north-9" (the wizard has a list), and masked the key ID.
void TestGuiCredentials::defaultsAreCheckedAndTheKeyIdIsShown()
{
    createMainWindow();
    window()->credentialStore()->setService(m_service);
    window()->findChild<QAction*>(QStringLiteral("actionSettings"))->trigger();
    SettingsDialog* settings = nullptr;
    QTRY_VERIFY((settings = window()->findChild<SettingsDialog*>()) && settings->isVisible());
    auto* region = settings->findChild<QComboBox*>(QStringLiteral("settingsRegionEdit"));
    auto* problem = settings->findChild<QLabel*>(QStringLiteral("settingsDefaultsProblem"));
    QVERIFY(region && region->isEditable() && problem);
    QVERIFY(region->findText(QStringLiteral("eu-central-1")) >= 0);

    region->lineEdit()->selectAll();
    QTest::keyClicks(region->lineEdit(), QStringLiteral("mars-north-9"));
    QTest::keyClick(region->lineEdit(), Qt::Key_Return);
    QTRY_VERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(QStringLiteral("\"mars-north-9\" is not an AWS region")),
             qPrintable(problem->text()));
    QVERIFY(Settings().defaultRegion() != QStringLiteral("mars-north-9"));

    region->lineEdit()->selectAll();
    QTest::keyClicks(region->lineEdit(), QStringLiteral("eu-north-1"));
    QTest::keyClick(region->lineEdit(), Qt::Key_Return);
    QTRY_VERIFY(!problem->isVisible());
    QCOMPARE(Settings().defaultRegion(), QStringLiteral("eu-north-1"));

    const QString id = CredentialStore::keyName(CredentialStore::Secret::AwsAccessKeyId);
    const QString secret = CredentialStore::keyName(CredentialStore::Secret::AwsSecretAccessKey);
    QCOMPARE(settings->findChild<QLineEdit*>(QStringLiteral("credentialEdit_") + id)->echoMode(), QLineEdit::Normal);
    QCOMPARE(settings->findChild<QLineEdit*>(QStringLiteral("credentialEdit_") + secret)->echoMode(),
             QLineEdit::Password);
    settings->close();
}

QTEST_MAIN(TestGuiCredentials)
#include "TestGuiCredentials.moc"
