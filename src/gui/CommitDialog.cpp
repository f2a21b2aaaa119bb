// SPDX-License-Identifier: MIT
#include "CommitDialog.h"

#include "Theme.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {
constexpr int PathRole = Qt::UserRole;
} // namespace

CommitDialog::CommitDialog(const QString& dir, const QString& focusDir, QWidget* parent)
    : QDialog(parent)
    , m_dir(QDir(dir).absolutePath())
    , m_focus(focusDir.isEmpty() ? QString() : QDir(focusDir).canonicalPath())
    , m_head(new QLabel)
    , m_files(new QTreeWidget)
    , m_message(new QPlainTextEdit)
    , m_identityBox(new QGroupBox(tr("Who is committing")))
    , m_name(new QLineEdit)
    , m_email(new QLineEdit)
    , m_error(new QLabel)
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel))
{
    setObjectName(QStringLiteral("commitDialog"));
    setWindowTitle(tr("Commit Changes"));
    setMinimumWidth(480);

    m_head->setObjectName(QStringLiteral("commitHead"));
    m_head->setText(tr("Reading the working tree…"));
    m_head->setWordWrap(true);

    m_files->setObjectName(QStringLiteral("commitFiles"));
    m_files->setAccessibleName(tr("Changed files"));
    m_files->setColumnCount(2);
    m_files->setHeaderLabels({ tr("File"), tr("Change") });
    m_files->setRootIsDecorated(false);
    m_files->setUniformRowHeights(true);
    m_files->header()->setStretchLastSection(false);
    m_files->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    auto* filesLabel = new QLabel(tr("&Files to commit:"));
    filesLabel->setBuddy(m_files);

    m_message->setObjectName(QStringLiteral("commitMessage"));
    m_message->setAccessibleName(tr("Commit message"));
    m_message->setPlaceholderText(tr("What changed, and why"));
    m_message->setTabChangesFocus(true);
    m_message->setMaximumHeight(m_message->fontMetrics().lineSpacing() * 5 + 12);
    auto* messageLabel = new QLabel(tr("&Message:"));
    messageLabel->setBuddy(m_message);

    setUpIdentity();
    setUpErrorAndButtons();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_head);
    layout->addWidget(filesLabel);
    layout->addWidget(m_files, 1);
    layout->addWidget(messageLabel);
    layout->addWidget(m_message);
    layout->addWidget(m_identityBox);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    resize(580, 420);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &CommitDialog::commit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_message, &QPlainTextEdit::textChanged, this, &CommitDialog::updateButtons);
    connect(m_name, &QLineEdit::textChanged, this, &CommitDialog::updateButtons);
    connect(m_email, &QLineEdit::textChanged, this, &CommitDialog::updateButtons);
    connect(m_files, &QTreeWidget::itemChanged, this, &CommitDialog::updateButtons);
    connect(&m_status, &QFutureWatcher<Status>::finished, this, &CommitDialog::showStatus);
    connect(&m_outcome, &QFutureWatcher<Outcome>::finished, this, &CommitDialog::showOutcome);
    m_message->setFocus();
    updateButtons();
    m_status.setFuture(QtConcurrent::run([dir = m_dir] { return readStatus(dir); }));
}

void CommitDialog::setUpIdentity()
{
    m_identityBox->setObjectName(QStringLiteral("commitIdentity"));
    m_name->setObjectName(QStringLiteral("commitAuthorName"));
    m_name->setAccessibleName(tr("Your name"));
    m_email->setObjectName(QStringLiteral("commitAuthorEmail"));
    m_email->setAccessibleName(tr("Your email"));
    m_email->setPlaceholderText(tr("you@example.org"));
    auto* identityNote = new QLabel(tr("Git does not know who you are yet (user.name and user.email are not set). "
                                       "They go into every commit, and are saved in your Git settings "
                                       "(~/.gitconfig) for the next ones."));
    identityNote->setObjectName(QStringLiteral("commitIdentityNote"));
    identityNote->setWordWrap(true);
    auto* identityForm = new QFormLayout(m_identityBox);
    identityForm->addRow(identityNote);
    identityForm->addRow(tr("&Name:"), m_name);
    identityForm->addRow(tr("&Email:"), m_email);
    m_identityBox->setVisible(false);
}

void CommitDialog::setUpErrorAndButtons()
{
    m_error->setObjectName(QStringLiteral("commitError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, Theme::errorText(palette()));
    m_error->setPalette(errorPalette);
    m_error->setVisible(false);

    m_commit = m_buttons->addButton(tr("&Commit"), QDialogButtonBox::AcceptRole);
    m_commit->setObjectName(QStringLiteral("commitButton"));
    m_commit->setAccessibleName(tr("Commit"));
    m_commit->setDefault(true);
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("commitCancelButton"));
    m_buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));
    m_buttons->button(QDialogButtonBox::Cancel)->setAutoDefault(false); // Enter commits, once Commit is on
}

CommitDialog::~CommitDialog()
{
    // A worker still running has copies only; its answer goes nowhere.
    m_status.disconnect(this);
    m_outcome.disconnect(this);
}

CommitDialog::Status CommitDialog::readStatus(const QString& dir)
{
    Status status;
    auto discovered = GitRepository::discover(dir);
    if (!discovered) {
        status.result = discovered.error();
        return status;
    }
    const auto repo = discovered.take();
    status.root = QDir(repo->workdir()).canonicalPath();
    status.head = repo->headCommit();
    status.branch = repo->headBranch();
    status.changes = repo->changes();
    status.identity = repo->identity();
    return status;
}

bool CommitDialog::isWorking() const
{
    return m_loading || m_committing;
}

void CommitDialog::showStatus()
{
    const Status status = m_status.result();
    m_loading = false;
    if (!status.result) {
        m_head->setText(tr("No commit can be made here."));
        showError(status.result.message());
        updateButtons();
        Q_EMIT loaded();
        return;
    }
    const QString where = status.branch.isEmpty() ? tr("a detached HEAD") : status.branch;
    m_head->setText(status.head.isEmpty() ? tr("The first commit of this repository, on %1.").arg(where)
                                          : tr("A new commit on %1, after %2.").arg(where, status.head.left(8)));
    const QString& root = status.root;
    const QString focus = m_focus.isEmpty() || root.isEmpty() ? QString()
        : m_focus == root                                     ? QStringLiteral("")
                                                              : QDir(root).relativeFilePath(m_focus) + QLatin1Char('/');
    const QSignalBlocker blocker(m_files);
    m_files->clear();
    for (const GitRepository::Change& change : status.changes) {
        auto* item = new QTreeWidgetItem(m_files);
        item->setText(0, change.path);
        item->setData(0, PathRole, change.path);
        item->setText(1, GitRepository::Change::kindName(change.kind));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, focus.isNull() || change.path.startsWith(focus) ? Qt::Checked : Qt::Unchecked);
        if (change.untracked())
            item->setToolTip(1, tr("Not in any commit yet"));
    }
    if (status.changes.isEmpty())
        m_head->setText(m_head->text() + QLatin1Char(' ') + tr("Nothing to commit: the working tree is clean."));
    m_needsIdentity = !status.identity.isValid();
    m_identityBox->setVisible(m_needsIdentity);
    m_name->setText(status.identity.name);
    m_email->setText(status.identity.email);
    updateButtons();
    Q_EMIT loaded();
}

QStringList CommitDialog::checkedPaths() const
{
    QStringList paths;
    for (int i = 0; i < m_files->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_files->topLevelItem(i);
        if (item->checkState(0) == Qt::Checked)
            paths << item->data(0, PathRole).toString();
    }
    return paths;
}

void CommitDialog::setMessage(const QString& message)
{
    m_message->setPlainText(message);
}

void CommitDialog::updateButtons()
{
    const bool identity
        = !m_needsIdentity || (!m_name->text().trimmed().isEmpty() && m_email->text().contains(QLatin1Char('@')));
    m_commit->setEnabled(!isWorking() && !checkedPaths().isEmpty() && !m_message->toPlainText().trimmed().isEmpty()
                         && identity);
}

void CommitDialog::showError(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void CommitDialog::commit()
{
    if (!m_commit->isEnabled())
        return;
    const QStringList paths = checkedPaths();
    const QString message = m_message->toPlainText().trimmed() + QLatin1Char('\n');
    GitRepository::Identity identity;
    if (m_needsIdentity)
        identity = { m_name->text().trimmed(), m_email->text().trimmed() };
    showError(QString());
    m_committing = true;
    m_outcome.setFuture(QtConcurrent::run([dir = m_dir, paths, message, identity] {
        Outcome outcome;
        if (identity.isValid()) {
            outcome.result = GitRepository::saveGlobalIdentity(identity);
            if (!outcome.result)
                return outcome;
        }
        // Opened afresh: a repository opened before the identity was saved would not see it.
        auto repo = GitRepository::discover(dir);
        if (!repo) {
            outcome.result = repo.error();
            return outcome;
        }
        const ResultOf<QString> committed = (*repo)->commitPaths(paths, message);
        outcome.result = committed.error();
        outcome.commit = committed.valueOr(QString());
        return outcome;
    }));
    updateButtons();
}

void CommitDialog::showOutcome()
{
    const Outcome outcome = m_outcome.result();
    m_committing = false;
    updateButtons();
    if (!outcome.result) {
        showError(outcome.result.message());
        Q_EMIT failed(outcome.result.message());
        return;
    }
    Q_EMIT committed(outcome.commit);
    accept();
}
