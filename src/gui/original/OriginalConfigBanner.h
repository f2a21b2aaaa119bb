// SPDX-License-Identifier: MIT
#pragma once

#include <QFrame>

class CredentialStore;
class QLabel;
class QPushButton;

// The setup wizard's offer to import the original Logistician's
// ~/.logistician/config.json: hidden when there is none; Import puts the AWS
// keys into the keychain and the Docker Hub user and repository into the
// settings, then asks whether to delete the plain-text file.
class OriginalConfigBanner : public QFrame
{
    Q_OBJECT
public:
    OriginalConfigBanner(CredentialStore* store, const QString& path, QWidget* parent = nullptr);

Q_SIGNALS:
    // The settings and keychain changed: the wizard shows the new values.
    void imported();

private:
    void import();

    CredentialStore* m_store;
    QString m_path;
    QLabel* m_text;
    QPushButton* m_import;
};
