// SPDX-License-Identifier: MIT
#include "MachineLogPanel.h"

#include "CommandLog.h"
#include "CommandRunner.h"
#include "CompactButtonRow.h"
#include "LogView.h"
#include "board/DeploymentMonitor.h"

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QUrl>
#include <QVBoxLayout>

MachineLogPanel::MachineLogPanel(DeploymentMonitor* monitor, QWidget* parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_title(new QLabel)
    , m_follow(new QPushButton(tr("F&ollow")))
    , m_terminal(new QPushButton(tr("Ter&minal")))
    , m_data(new QPushButton(tr("Data")))
    , m_sync(new QPushButton(tr("Syn&c")))
    , m_terminate(new QPushButton(tr("Te&rminate…")))
    , m_log(new LogView)
{
    setObjectName(QStringLiteral("machineLog"));
    m_title->setObjectName(QStringLiteral("machineLogTitle"));
    m_follow->setObjectName(QStringLiteral("followLogButton"));
    m_terminal->setObjectName(QStringLiteral("openTerminalButton"));
    m_data->setObjectName(QStringLiteral("openDataButton"));
    m_sync->setObjectName(QStringLiteral("syncMachineButton"));
    m_terminate->setObjectName(QStringLiteral("terminateMachineButton"));
    m_log->setObjectName(QStringLiteral("machineLogView"));
    m_log->setAccessibleName(tr("Machine log"));
    // Two lines at the least, so the board still fits a 600-px-high window.
    m_log->setMinimumHeight(m_log->fontMetrics().lineSpacing() * 2 + 2 * m_log->frameWidth() + 4);
    m_follow->setCheckable(true);
    m_follow->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_terminal->setIcon(style()->standardIcon(QStyle::SP_ComputerIcon));
    m_data->setIcon(style()->standardIcon(QStyle::SP_DirOpenIcon));
    m_sync->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));
    m_terminate->setIcon(style()->standardIcon(QStyle::SP_DialogDiscardButton));
    m_sync->setToolTip(tr("Copy this machine's logs and results into data/; the others are left alone"));
    m_terminate->setToolTip(tr("Stop this condition's container (on AWS: destroy its machine); the others go on"));
    // Short names (the tooltips say more) and the title on a line of its own keep the panel within a
    // small screen.
    m_follow->setToolTip(tr("Follow this machine's output as it comes"));
    m_data->setToolTip(tr("Open this condition's data folder"));
    m_title->setWordWrap(true);
    m_terminal->setToolTip(tr("An SSH session to this machine in your terminal emulator (Settings → Terminal)"));
    m_log->setPlaceholderText(tr("Select a machine on the board to follow its output."));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* top = new CompactButtonRow;
    top->setObjectName(QStringLiteral("machineButtons"));
    top->addStretch();
    for (QPushButton* button : { m_follow, m_terminal, m_data, m_sync, m_terminate })
        top->addButton(button);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(top);
    layout->addWidget(m_log, 1);

    connect(m_follow, &QPushButton::clicked, this, [this](bool on) {
        if (on)
            showRow(m_row);
        else
            stop();
    });
    connect(m_terminal, &QPushButton::clicked, this, &MachineLogPanel::openTerminal);
    connect(m_data, &QPushButton::clicked, this, &MachineLogPanel::openDataFolder);
    connect(m_sync, &QPushButton::clicked, this, [this] { Q_EMIT syncRequested(m_row); });
    connect(m_terminate, &QPushButton::clicked, this, [this] { Q_EMIT terminateRequested(m_row); });
    connect(monitor->model(), &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& a, const QModelIndex& b) {
                if (m_row >= a.row() && m_row <= b.row()) {
                    updateTitle();
                    updateButtons();
                }
            });
    connect(monitor, &DeploymentMonitor::busyChanged, this, &MachineLogPanel::updateButtons);
    connect(monitor, &DeploymentMonitor::stateChanged, this, &MachineLogPanel::updateButtons);
    connect(monitor->model(), &QAbstractItemModel::modelReset, this, [this] { showRow(-1); });
    showRow(-1);
}

MachineLogPanel::~MachineLogPanel()
{
    stop();
}

void MachineLogPanel::stop()
{
    if (!m_runner)
        return;
    m_runner->disconnect(this);
    m_runner->cancel();
    m_runner->deleteLater();
    m_runner = nullptr;
    m_follow->setChecked(false);
}

void MachineLogPanel::showRow(int row)
{
    stop();
    m_row = row < m_monitor->model()->rowCount() ? row : -1;
    m_log->clearLog();
    updateTitle();
    const bool valid = m_row >= 0;
    m_terminal->setEnabled(valid && !m_monitor->terminalCommand(m_row).program.isEmpty());
    m_data->setEnabled(valid);
    updateButtons();
    if (!valid)
        return;
    const Command command = m_monitor->logCommand(m_row);
    m_follow->setEnabled(!command.program.isEmpty());
    if (command.program.isEmpty()) {
        m_log->appendNote(m_monitor->model()->isTerminated(m_row)
                              ? tr("This condition was terminated before its log was saved.")
                              : tr("This machine has not started its condition yet."));
        return;
    }
    m_runner = new CommandRunner(this);
    connect(m_runner, &CommandRunner::standardOutput, m_log, &LogView::appendOutput);
    connect(m_runner, &CommandRunner::standardError, m_log, &LogView::appendOutput);
    connect(m_runner, &CommandRunner::finished, this, [this](int exitCode, const QString& error) {
        m_log->appendNote(
            exitCode == 0 ? tr("— end of the log —")
                          : tr("— the log stopped (%1) —").arg(error.isEmpty() ? tr("exit %1").arg(exitCode) : error));
        m_follow->setChecked(false);
    });
    m_follow->setChecked(true);
    m_runner->start(command);
}

void MachineLogPanel::updateButtons()
{
    // As the board's Sync All and Terminate All: a live deployment, nothing but a status poll running.
    const bool idle = !m_monitor->isBusy() || m_monitor->operation() == DeploymentMonitor::Operation::Refresh;
    const bool usable = m_row >= 0 && m_row < m_monitor->model()->rowCount() && m_monitor->isLive() && idle
        && !m_monitor->model()->isTerminated(m_row);
    const bool started = usable && m_monitor->deployment()->state().conditions.at(m_row).startedAt.isValid();
    m_sync->setEnabled(started);
    m_terminate->setEnabled(usable);
}

void MachineLogPanel::updateTitle()
{
    if (m_row < 0) {
        m_title->setText(tr("No machine selected"));
        return;
    }
    const BoardModel* model = m_monitor->model();
    const QModelIndex state = model->index(m_row, BoardModel::StateColumn);
    const QString host = model->host(m_row);
    m_title->setText(tr("<b>%1</b> · %2%3")
                         .arg(model->slug(m_row).toHtmlEscaped(), state.data().toString().toHtmlEscaped(),
                              host.isEmpty() ? QString() : tr(" on %1").arg(host.toHtmlEscaped())));
    m_title->setToolTip(model->conditionText(m_row));
}

void MachineLogPanel::openTerminal()
{
    const Command command = m_monitor->terminalCommand(m_row);
    if (command.program.isEmpty())
        return;
    if (!CommandRunner::startDetached(command))
        Q_EMIT message(tr("Could not start the terminal \"%1\"; set it in Settings → Terminal").arg(command.program));
}

void MachineLogPanel::openDataFolder()
{
    const QString dir = m_monitor->dataDir(m_row);
    if (!dir.isEmpty())
        QDesktopServices::openUrl(QUrl::fromLocalFile(dir));
}
