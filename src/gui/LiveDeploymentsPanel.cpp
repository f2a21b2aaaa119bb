// SPDX-License-Identifier: MIT
#include "LiveDeploymentsPanel.h"

#include "Dialogs.h"
#include "ShellWords.h"
#include "Theme.h"
#include "deploy/backends/BackendRegistry.h"

#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {
constexpr int DirRole = Qt::UserRole; // the experiment folder, when it can be opened
constexpr int OrphanRole = Qt::UserRole + 2; // the experiment's name, when what runs has no folder to open
constexpr int DefaultIntervalMs = 30000;
} // namespace

LiveDeploymentsPanel::LiveDeploymentsPanel(QWidget* parent)
    : QDockWidget(tr("Running"), parent)
    , m_list(new QTreeWidget)
    , m_status(new QLabel)
    , m_open(new QPushButton(tr("Open Board")))
    , m_refresh(new QPushButton(tr("Reload")))
    , m_terminate(new QPushButton(tr("Terminate…")))
{
    setObjectName(QStringLiteral("runningPanel"));
    toggleViewAction()->setText(tr("&Running Deployments"));
    toggleViewAction()->setObjectName(QStringLiteral("actionShowRunning"));
    setUpList();
    m_open->setObjectName(QStringLiteral("runningOpenButton"));
    m_open->setIcon(style()->standardIcon(QStyle::SP_ArrowRight));
    m_open->setToolTip(tr("Open this experiment and its deployment board (Enter)"));
    m_terminate->setObjectName(QStringLiteral("runningTerminateButton"));
    m_terminate->setToolTip(tr("Stop and remove what this deleted experiment left running"));
    m_refresh->setObjectName(QStringLiteral("runningRefreshButton"));
    m_refresh->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_refresh->setToolTip(tr("Read the deployments again"));
    m_status->setObjectName(QStringLiteral("runningStatus"));
    m_status->setWordWrap(true);
    QPalette muted = m_status->palette();
    muted.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_status->setPalette(muted);

    m_command = new QLineEdit;
    m_command->setObjectName(QStringLiteral("runningCommand"));
    m_command->setReadOnly(true);
    m_command->setFont(Theme::monospaceFont());
    m_command->setAccessibleName(tr("Command that removes what still runs"));
    m_copy = new QPushButton(tr("&Copy Command"));
    m_copy->setObjectName(QStringLiteral("runningCopyCommandButton"));
    m_copy->setToolTip(tr("Copy the command to run in a terminal"));
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_command->text());
        m_status->setText(tr("Copied: %1").arg(m_command->text()));
    });

    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 2, 4, 4);
    layout->addWidget(m_list);
    auto* commandRow = new QHBoxLayout;
    commandRow->addWidget(m_command, 1);
    commandRow->addWidget(m_copy);
    layout->addLayout(commandRow);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_refresh);
    buttons->addWidget(m_terminate);
    buttons->addWidget(m_open);
    layout->addLayout(buttons);
    setWidget(content);

    m_timer.setInterval(DefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LiveDeploymentsPanel::refresh);
    connect(&m_gather, &QFutureWatcher<QList<LiveDeployments::Row>>::finished, this, &LiveDeploymentsPanel::onGathered);
    connect(m_refresh, &QPushButton::clicked, this, &LiveDeploymentsPanel::refresh);
    connect(m_open, &QPushButton::clicked, this, &LiveDeploymentsPanel::openCurrent);
    connect(m_terminate, &QPushButton::clicked, this, &LiveDeploymentsPanel::terminateCurrent);
    connect(&m_finding, &QFutureWatcher<Orphans::Found>::finished, this,
            [this] { askToTerminate(m_finding.result()); });
    connect(m_list, &QTreeWidget::itemActivated, this, &LiveDeploymentsPanel::openCurrent);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &LiveDeploymentsPanel::updateButtons);
    updateButtons();
}

void LiveDeploymentsPanel::setUpList()
{
    m_list->setObjectName(QStringLiteral("runningList"));
    m_list->setAccessibleName(tr("Running deployments"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setHeaderLabels(
        { tr("Experiment"), tr("Backend"), tr("Machines"), tr("State"), tr("Cost so far"), tr("Folder") });
    QHeaderView* header = m_list->header();
    header->setStretchLastSection(true);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->resizeSection(ExperimentColumn, 140);
    header->resizeSection(BackendColumn, 60);
    header->resizeSection(MachinesColumn, 70);
    header->resizeSection(StateColumn, 180);
    header->resizeSection(CostColumn, 80);
    m_list->setTextElideMode(Qt::ElideMiddle);
}

LiveDeploymentsPanel::~LiveDeploymentsPanel()
{
    // The worker touches only its own copies; wait so it never outlives m_refused.
    m_gather.waitForFinished();
    m_finding.waitForFinished();
}

void LiveDeploymentsPanel::refresh()
{
    if (m_gather.isRunning()) {
        m_again = true;
        return;
    }
    m_status->setText(tr("Reading…"));
    m_refused.clear();
    m_gather.setFuture(QtConcurrent::run([this] {
        QList<LabelledContainers::HostScan> unreachable; // hosts that do not answer: what runs there is not shown
        return LiveDeployments::gather(false, &m_refused, &unreachable);
    }));
}

QString LiveDeploymentsPanel::stateText(const LiveDeployments::Row& row)
{
    if (!row.inIndex)
        return tr("orphan: %n container(s), no deployment known", nullptr, static_cast<int>(row.containers.size()));
    const SweepSummary& s = row.summary;
    QStringList parts;
    parts << tr("%1 of %2 done").arg(s.succeeded + s.failed).arg(s.total);
    if (s.failed > 0)
        parts << tr("%1 failed").arg(s.failed);
    if (s.running > 0)
        parts << tr("%1 running").arg(s.running);
    if (s.waiting > 0)
        parts << tr("%1 queued").arg(s.waiting);
    if (row.state.terminated)
        parts << tr("terminated");
    if (row.folderGone)
        parts << tr("folder gone");
    return parts.join(QStringLiteral(", "));
}

void LiveDeploymentsPanel::onGathered()
{
    const QList<LiveDeployments::Row> rows = m_gather.result();
    const QString was = m_list->currentItem() ? m_list->currentItem()->data(0, Qt::UserRole + 1).toString() : QString();
    m_list->clear();
    QTreeWidgetItem* current = nullptr;
    for (const LiveDeployments::Row& row : rows) {
        auto* item = new QTreeWidgetItem(m_list);
        const QString key = row.inIndex ? row.entry.key : QStringLiteral("orphan:") + row.state.commit;
        item->setData(0, Qt::UserRole + 1, key);
        item->setText(ExperimentColumn, row.state.experiment);
        item->setText(BackendColumn, row.state.backend);
        item->setText(MachinesColumn, row.inIndex ? QString::number(row.summary.liveMachines) : QString());
        item->setTextAlignment(MachinesColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(StateColumn, stateText(row));
        QString cost;
        if (BackendRegistry::traits(row.state.backend).costsMoney)
            cost = row.summary.costKnown ? QStringLiteral("$%1").arg(row.summary.costSoFar, 0, 'f', 2) : tr("no price");
        else
            cost = QStringLiteral("–");
        item->setText(CostColumn, cost);
        item->setTextAlignment(CostColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(FolderColumn, QDir::toNativeSeparators(row.entry.experimentDir));
        const bool openable = row.inIndex && !row.folderGone && !row.entry.experimentDir.isEmpty();
        if (openable)
            item->setData(0, DirRole, row.entry.experimentDir);
        else
            item->setData(0, OrphanRole, row.state.experiment);
        const QString tip = row.inIndex
            ? row.summary.line() + QLatin1Char('\n') + QDir::toNativeSeparators(row.entry.experimentDir)
                + (openable ? QString()
                            : tr("\nThe folder is gone: `logistician terminate --experiment %1` removes what "
                                 "still runs")
                                  .arg(row.state.experiment))
            : tr("Containers %1 on this machine: `logistician terminate --experiment %2` "
                 "removes them")
                  .arg(row.containers.join(QStringLiteral(", ")), row.state.experiment);
        for (int c = 0; c < m_list->columnCount(); ++c)
            item->setToolTip(c, tip);
        if (!openable)
            item->setForeground(ExperimentColumn, Theme::mutedText(palette()));
        if (key == was)
            current = item;
    }
    if (current)
        m_list->setCurrentItem(current);
    QString status = rows.isEmpty() ? tr("No live deployments.")
                                    : tr("%n live deployment(s)", nullptr, static_cast<int>(rows.size()));
    if (!m_refused.isEmpty())
        status += tr(" · %n container(s) left out", nullptr, static_cast<int>(m_refused.size()));
    m_status->setText(status);
    m_status->setToolTip(m_refused.join(QLatin1Char('\n')));
    updateButtons();
    Q_EMIT refreshed();
    if (m_again) {
        m_again = false;
        refresh();
    }
}

void LiveDeploymentsPanel::openCurrent()
{
    QTreeWidgetItem* item = m_list->currentItem();
    const QString dir = item ? item->data(0, DirRole).toString() : QString();
    if (!dir.isEmpty())
        Q_EMIT openRequested(dir);
}

void LiveDeploymentsPanel::updateButtons()
{
    QTreeWidgetItem* item = m_list->currentItem();
    m_open->setEnabled(item && !item->data(0, DirRole).toString().isEmpty());
    // Its command, to copy, as `logistician list` prints it.
    const QString orphan = item ? item->data(0, OrphanRole).toString() : QString();
    const QString command = orphan.isEmpty()
        ? QString()
        : QStringLiteral("logistician terminate --experiment ") + ShellWords::quote(orphan);
    m_command->setText(command);
    m_command->setVisible(!command.isEmpty());
    m_copy->setVisible(!command.isEmpty());
    m_terminate->setEnabled(!orphan.isEmpty() && !m_terminating);
}

void LiveDeploymentsPanel::terminateCurrent()
{
    QTreeWidgetItem* item = m_list->currentItem();
    const QString experiment = item ? item->data(0, OrphanRole).toString() : QString();
    if (experiment.isEmpty() || m_terminating)
        return;
    m_terminating = true;
    updateButtons();
    m_status->setText(tr("Looking for what %1 left running…").arg(experiment));
    // docker ps here and one ssh per known host: on a worker, as `terminate --experiment` looks.
    m_finding.setFuture(QtConcurrent::run([experiment] {
        return Orphans::find(DeploymentIndex().find(experiment), experiment, QStringLiteral("docker"));
    }));
}

void LiveDeploymentsPanel::askToTerminate(const Orphans::Found& found)
{
    if (found.isEmpty()) {
        endTerminating(true, tr("Nothing of %1 is running any more.").arg(found.experiment));
        return;
    }
    // The board's question (Terminate all): what goes, and that unsynced results go with it.
    const QString text = tr("Terminate what %1 left running: %2? Every container stops and is removed; machines "
                            "made for it are destroyed.")
                             .arg(found.experiment, found.what().join(QStringLiteral(", ")))
        + QStringLiteral("\n\n") + tr("Its folder is gone, so results not synced yet are thrown away.");
    Gui::MessageBox::ask(
        this, QMessageBox::Warning, tr("Terminate"), text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
        [this, found](QMessageBox::StandardButton answer) {
            if (answer != QMessageBox::Yes) {
                endTerminating(false, tr("Not terminated."));
                return;
            }
            m_status->setText(tr("Terminating what %1 left running…").arg(found.experiment));
            TerminateOptions options;
            options.force = true; // asked above: the folder to sync into is gone
            auto* termination = new Orphans::Termination(found, options, this);
            connect(termination, &Orphans::Termination::finished, this, [this, termination] {
                termination->deleteLater();
                const Orphans::Report& r = termination->report();
                endTerminating(r.code == 0,
                               r.code == 0 ? tr("Terminated what %1 left running.").arg(termination->found().experiment)
                                           : r.error());
            });
            termination->start();
        });
}

void LiveDeploymentsPanel::endTerminating(bool ok, const QString& message)
{
    m_terminating = false;
    m_status->setText(message);
    updateButtons();
    Q_EMIT finishedTerminating(ok, message);
    refresh();
}

void LiveDeploymentsPanel::showEvent(QShowEvent* event)
{
    QDockWidget::showEvent(event);
    refresh();
    m_timer.start();
}

void LiveDeploymentsPanel::hideEvent(QHideEvent* event)
{
    QDockWidget::hideEvent(event);
    m_timer.stop();
}
