// SPDX-License-Identifier: MIT
#pragma once

#include "CredentialStore.h"

#include <QWizard>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class ToolCheck;

// First start, or Settings > Setup Wizard: checks the tools, takes the
// registry and AWS credentials into the keychain (shown only as stored or
// not), tests the registry login, creates the SSH key and sets the defaults.
// Everything is stored when Finish is pressed; the wizard closes once the
// keychain has confirmed every write.
class SetupWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId
    {
        ToolsPage,
        RegistryPage,
        AwsPage,
        SshPage,
        SummaryPage
    };

    SetupWizard(CredentialStore* store, QWidget* parent = nullptr);

    void accept() override;
    bool isSaving() const { return m_pendingWrites > 0; }

Q_SIGNALS:
    void saved();

private:
    QWizardPage* createToolsPage();
    QWizardPage* createRegistryPage();
    QWizardPage* createAwsPage();
    QWizardPage* createSshPage();
    QWizardPage* createSummaryPage();
    void readCredentialStates();
    void testLogin();
    void createSshKey();
    void updateSshState();
    void updateSummary();
    QLineEdit* secretEdit(CredentialStore::Secret secret) const;
    QLabel* stateLabel(CredentialStore::Secret secret) const;

    CredentialStore* m_store;
    ToolCheck* m_toolCheck = nullptr;
    QTreeWidget* m_toolList = nullptr;
    QLabel* m_toolSummary = nullptr;
    QLineEdit* m_registry = nullptr;
    QLineEdit* m_registryUser = nullptr;
    QLineEdit* m_registryPassword = nullptr;
    QLabel* m_registryPasswordState = nullptr;
    QPushButton* m_testLogin = nullptr;
    QLabel* m_loginResult = nullptr;
    QLineEdit* m_awsKeyId = nullptr;
    QLabel* m_awsKeyIdState = nullptr;
    QLineEdit* m_awsSecret = nullptr;
    QLabel* m_awsSecretState = nullptr;
    QComboBox* m_region = nullptr;
    QComboBox* m_instanceType = nullptr;
    QLabel* m_sshState = nullptr;
    QPushButton* m_createKey = nullptr;
    QLineEdit* m_publicKey = nullptr; // the line to put in an ssh host's authorized_keys
    QPushButton* m_copyPublicKey = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_saveState = nullptr;
    int m_pendingWrites = 0;
    QStringList m_writeErrors;
    bool m_toolsDone = false;
};
