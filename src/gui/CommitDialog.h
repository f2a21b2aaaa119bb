// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "git/GitRepository.h"

#include <QDialog>
#include <QFutureWatcher>

class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

// Commit from the app: the files that differ from the last commit (untracked
// ones included, ignored ones not), each with its state and a check box, a
// message, and Commit of the checked files only. The author is the user's Git
// identity; where Git has none, the dialog says so and asks for a name and an
// email (saved in the user's Git settings). A deploy runs a commit: this is how
// the app makes one. The status walk and the commit run on a worker thread.
class CommitDialog : public QDialog
{
    Q_OBJECT
public:
    // dir: a folder in the repository. The files below focusDir (an experiment) are checked at first;
    // with no focusDir, every file is.
    explicit CommitDialog(const QString& dir, const QString& focusDir = QString(), QWidget* parent = nullptr);
    ~CommitDialog() override;

    bool isWorking() const;
    QStringList checkedPaths() const;
    void setMessage(const QString& message);
    // Commits the checked files (the Commit button).
    void commit();

Q_SIGNALS:
    void loaded(); // the list of changes is in (or the reason there is none)
    void committed(const QString& commit);
    void failed(const QString& message);

private:
    void setUpIdentity(); // who is committing, asked for when Git does not know
    void setUpErrorAndButtons();
    struct Status
    {
        Result result;
        QString root; // the working tree, canonical
        QString head;
        QString branch;
        QList<GitRepository::Change> changes;
        GitRepository::Identity identity;
    };
    struct Outcome
    {
        Result result;
        QString commit;
    };
    static Status readStatus(const QString& dir);

    void showStatus();
    void showOutcome();
    void updateButtons();
    void showError(const QString& message);

    QString m_dir;
    QString m_focus;
    QLabel* m_head;
    QTreeWidget* m_files;
    QPlainTextEdit* m_message;
    QGroupBox* m_identityBox;
    QLineEdit* m_name;
    QLineEdit* m_email;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
    QPushButton* m_commit;
    QFutureWatcher<Status> m_status;
    QFutureWatcher<Outcome> m_outcome;
    bool m_needsIdentity = false;
    // A worker's answer not shown yet (a watcher stops "running" before its finished signal arrives).
    bool m_loading = true;
    bool m_committing = false;
};
