// SPDX-License-Identifier: MIT
#pragma once

#include <QWizard>

class QComboBox;
class QLabel;
class QLineEdit;

// New experiment: a name (checked for uniqueness as it is typed), a template,
// the Git remote (origin by default) and the command; ExperimentCreator makes
// the folder, then created() names it.
class NewExperimentWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId
    {
        NamePage,
        DetailsPage
    };

    NewExperimentWizard(const QString& projectDir, QWidget* parent = nullptr);

    QString projectRoot() const { return m_projectRoot; }
    void accept() override;

Q_SIGNALS:
    void created(const QString& experimentDir);

private:
    bool checkName();

    QString m_projectRoot;
    QLineEdit* m_name;
    QLabel* m_nameStatus;
    QComboBox* m_template;
    QLineEdit* m_gitUrl;
    QLineEdit* m_command;
    QLabel* m_error;
};
