// SPDX-License-Identifier: MIT
#pragma once

#include "CredentialStore.h"

#include <QDialog>
#include <QHash>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QWidget;

// Settings: the credentials (present or absent, never their values; replace
// or remove each), the registry, the AWS defaults and the terminal command.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(CredentialStore* store, QWidget* parent = nullptr);

    // Reads every credential's state again; stateRefreshed() follows for each.
    void refreshStates();

Q_SIGNALS:
    void setupWizardRequested();
    void stateRefreshed(CredentialStore::Secret secret, bool stored);

private:
    struct Row
    {
        QLabel* state = nullptr;
        QPushButton* replace = nullptr;
        QPushButton* remove = nullptr;
        QWidget* editor = nullptr;
        QLineEdit* edit = nullptr;
        QPushButton* store = nullptr;
    };
    QWidget* createCredentialRow(CredentialStore::Secret secret);
    void refreshState(CredentialStore::Secret secret);
    void storeSecret(CredentialStore::Secret secret);
    void removeSecret(CredentialStore::Secret secret);
    void saveSettings();

    CredentialStore* m_store;
    QHash<int, Row> m_rows;
    QLineEdit* m_registry;
    QLineEdit* m_registryUser;
    QComboBox* m_region;
    QComboBox* m_instanceType;
    QLabel* m_defaultsProblem; // a region or type the rules refuse: said, and not saved
    QLineEdit* m_terminal;
};
