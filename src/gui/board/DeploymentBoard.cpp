// SPDX-License-Identifier: MIT
#include "DeploymentBoard.h"

#include "CompactButtonRow.h"
#include "Dialogs.h"
#include "ElidedLabel.h"
#include "PrintableText.h"
#include "Settings.h"
#include "Theme.h"
#include "board/BoardFilterModel.h"
#include "board/BoardNotifier.h"
#include "board/BoardStyle.h"
#include "board/DeployDialog.h"
#include "board/MachineLogPanel.h"
#include "board/ResultsPanel.h"
#include "board/SummaryBar.h"
#include "deploy/AutoSync.h"
#include "deploy/Rerun.h"
#include "deploy/backends/BackendRegistry.h"
#include "keys/ViewKeys.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using Phase = DeploymentState::Phase;

namespace {

// The state filter's entries: a name and the phases it shows (empty: all).
struct StateFilter
{
    const char* label;
    QList<Phase> phases;
};

const QList<StateFilter>& stateFilters()
{
    static const QList<StateFilter> filters {
        { QT_TRANSLATE_NOOP("DeploymentBoard", "All states"), {} },
        { QT_TRANSLATE_NOOP("DeploymentBoard", "Active"),
          { Phase::Queued, Phase::Provisioning, Phase::Booting, Phase::Uploading, Phase::Building, Phase::Running } },
        { QT_TRANSLATE_NOOP("DeploymentBoard", "Finished"), { Phase::Succeeded, Phase::Failed } },
        { QT_TRANSLATE_NOOP("DeploymentBoard", "Needs attention"),
          { Phase::Failed, Phase::Unreachable, Phase::Stopped, Phase::Preempted } },
    };
    return filters;
}

} // namespace

DeploymentBoard::DeploymentBoard(QWidget* parent)
    : QWidget(parent)
    , m_monitor(new DeploymentMonitor(this))
    , m_filter(new BoardFilterModel(this))
    , m_notifier(new BoardNotifier(this))
    , m_tick(new QTimer(this))
    , m_deployAction(new QAction(tr("&Deploy…"), this))
    , m_syncAction(new QAction(tr("S&ync All"), this))
    , m_terminateAction(new QAction(tr("Term&inate All…"), this))
    , m_rerunFailedAction(new QAction(tr("Rerun &Failed"), this))
    , m_refreshAction(new QAction(tr("Refresh &Status"), this))
{
    setObjectName(QStringLiteral("deploymentBoard"));
    m_filter->setSourceModel(m_monitor->model());
    setUpActions();
    buildUi();

    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, [this] {
        if (isVisible() && model()->count(Phase::Running) > 0)
            model()->tick();
    });
    m_tick->start();
    connectMonitor();
    updateActions();
}

DeploymentBoard::~DeploymentBoard() = default;

void DeploymentBoard::setUpActions()
{
    m_deployAction->setObjectName(QStringLiteral("actionDeploy"));
    m_syncAction->setObjectName(QStringLiteral("actionSyncAll"));
    m_terminateAction->setObjectName(QStringLiteral("actionTerminateAll"));
    m_refreshAction->setObjectName(QStringLiteral("actionRefreshStatus"));
    m_rerunFailedAction->setObjectName(QStringLiteral("actionRerunFailed"));
    m_rerunFailedAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_rerunFailedAction->setToolTip(
        tr("Run the failed, timed-out and lost conditions again, each as a new attempt (the earlier ones are kept)"));
    connect(m_rerunFailedAction, &QAction::triggered, this, &DeploymentBoard::rerunFailed);
    m_deployAction->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    m_syncAction->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));
    m_terminateAction->setIcon(style()->standardIcon(QStyle::SP_DialogDiscardButton));
    m_refreshAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_deployAction->setToolTip(tr("Run every condition on its own machine (shows what will happen first)"));
    m_syncAction->setToolTip(tr("Copy every machine's logs and results into data/"));
    m_terminateAction->setToolTip(tr("Stop every container and give the machines back"));
    // No shortcut of its own: F5 is the main window's one Refresh, which refreshes the board when the
    // focus is in it (two F5 shortcuts would be ambiguous, and neither would run).
    m_refreshAction->setToolTip(tr("Ask every machine for its state now (F5)"));
    connect(m_deployAction, &QAction::triggered, this, &DeploymentBoard::showDeployDialog);
    connect(m_syncAction, &QAction::triggered, this, &DeploymentBoard::syncAll);
    connect(m_terminateAction, &QAction::triggered, this, &DeploymentBoard::terminateAll);
    connect(m_refreshAction, &QAction::triggered, this, &DeploymentBoard::refresh);
}

void DeploymentBoard::connectMonitor()
{
    connect(m_monitor, &DeploymentMonitor::busyChanged, this, [this](bool busy) {
        updateActions();
        Q_EMIT busyChanged(busy);
    });
    connect(m_monitor, &DeploymentMonitor::operationStarted, this, [this](DeploymentMonitor::Operation op) {
        if (op == DeploymentMonitor::Operation::Refresh)
            return;
        setMessage(tr("%1 …").arg(DeploymentMonitor::operationName(op)), false);
    });
    connect(m_monitor, &DeploymentMonitor::progress, this, [this](const QString& text) {
        // A status poll's chatter is not shown; what auto sync brought home (or could not) is.
        if (m_monitor->operation() != DeploymentMonitor::Operation::Refresh || AutoSync::isReport(text))
            setMessage(text, AutoSync::isFailure(text));
    });
    connect(m_monitor, &DeploymentMonitor::operationFinished, this, &DeploymentBoard::onOperationFinished);
    connect(m_monitor, &DeploymentMonitor::phaseChanged, this, &DeploymentBoard::onPhaseChanged);
    connect(m_monitor, &DeploymentMonitor::deploymentFinished, this, &DeploymentBoard::onDeploymentFinished);
    connect(m_monitor, &DeploymentMonitor::stateChanged, this, [this] {
        updateHeader();
        updateActions();
    });
    connect(model(), &BoardModel::countsChanged, this, &DeploymentBoard::updateActions);
    connect(m_notifier, &BoardNotifier::notified, this, [this](const QString& title, const QString& text) {
        Q_EMIT statusMessage(title + QStringLiteral(": ") + text);
    });
}

void DeploymentBoard::onDeploymentFinished(int failed)
{
    const int succeeded = model()->count(Phase::Succeeded);
    const QString name = m_monitor->experiment().parameters().experimentName();
    m_notifier->notify(tr("%1: deployment finished").arg(name),
                       failed == 0 ? tr("All %n condition(s) succeeded.", nullptr, succeeded)
                                   : tr("%1 succeeded, %2 failed.").arg(succeeded).arg(failed),
                       failed > 0);
    setMessage(tr("Finished: %1 succeeded, %2 failed. Sync All keeps each container's log with the results.")
                   .arg(succeeded)
                   .arg(failed),
               false);
    rescanResults();
}

void DeploymentBoard::buildUi()
{
    // The board: a title row, a message row, the state chips, then the conditions over their details.
    auto* board = new QWidget;
    board->setObjectName(QStringLiteral("boardPage"));
    auto* boardLayout = new QVBoxLayout(board);
    boardLayout->setContentsMargins(0, 0, 0, 0);
    boardLayout->addLayout(buildTitleRow());
    boardLayout->addLayout(buildMessageRow());
    boardLayout->addLayout(buildFilterRow());
    buildTable();
    boardLayout->addWidget(buildDetails(), 1);

    m_pages = new QStackedWidget;
    m_pages->addWidget(buildEmptyPage());
    m_pages->addWidget(board);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
}

QWidget* DeploymentBoard::buildEmptyPage()
{
    // The page shown before anything is deployed.
    auto* empty = new QWidget;
    empty->setObjectName(QStringLiteral("boardEmptyPage"));
    m_emptyText = new QLabel;
    m_emptyText->setObjectName(QStringLiteral("boardEmptyText"));
    m_emptyText->setWordWrap(true);
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setTextFormat(Qt::RichText);
    m_emptyDeployButton = new QPushButton(m_deployAction->icon(), tr("&Deploy…"));
    m_emptyDeployButton->setObjectName(QStringLiteral("emptyDeployButton"));
    connect(m_emptyDeployButton, &QPushButton::clicked, m_deployAction, &QAction::trigger);
    auto* emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch(1);
    emptyLayout->addWidget(m_emptyText);
    auto* emptyButtonRow = new QHBoxLayout;
    emptyButtonRow->addStretch(1);
    emptyButtonRow->addWidget(m_emptyDeployButton);
    emptyButtonRow->addStretch(1);
    emptyLayout->addLayout(emptyButtonRow);
    emptyLayout->addStretch(2);
    return empty;
}

QLayout* DeploymentBoard::buildTitleRow()
{
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("boardTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true); // two lines rather than a window wider than a small screen
    auto makeButton = [](QAction* action, const QString& name) {
        auto* button = new QPushButton(action->icon(), action->text());
        button->setObjectName(name);
        button->setToolTip(action->toolTip());
        QObject::connect(button, &QPushButton::clicked, action, &QAction::trigger);
        return button;
    };
    m_deployButton = makeButton(m_deployAction, QStringLiteral("deployButton"));
    m_refreshButton = makeButton(m_refreshAction, QStringLiteral("refreshButton"));
    m_refreshButton->setText(tr("Refresh"));
    m_syncButton = makeButton(m_syncAction, QStringLiteral("syncAllButton"));
    m_terminateButton = makeButton(m_terminateAction, QStringLiteral("terminateAllButton"));
    m_rerunFailedButton = makeButton(m_rerunFailedAction, QStringLiteral("rerunFailedButton"));
    m_rerunFailedButton->setText(tr("Rerun Failed"));
    // The title has the width to itself; the buttons drop their names rather than widen the window.
    auto* header = new CompactButtonRow;
    header->setObjectName(QStringLiteral("boardButtons"));
    header->addStretch();
    for (QPushButton* button :
         { m_deployButton, m_rerunFailedButton, m_refreshButton, m_syncButton, m_terminateButton })
        header->addButton(button);
    // The title beside the buttons: a row more for the conditions.
    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(header, 1);
    return titleRow;
}

QLayout* DeploymentBoard::buildMessageRow()
{
    m_busy = new QProgressBar;
    m_busy->setObjectName(QStringLiteral("boardBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(12);
    m_busy->setTextVisible(false);
    m_busy->hide();
    // One line, cut to its width (whole in its tooltip and the status bar): a long path never
    // pushes the conditions off a small screen.
    m_message = new ElidedLabel(Qt::ElideRight);
    m_message->setObjectName(QStringLiteral("boardMessage"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setTextFormat(Qt::PlainText);
    m_stateFilter = new QComboBox;
    m_stateFilter->setObjectName(QStringLiteral("stateFilter"));
    for (const StateFilter& f : stateFilters())
        m_stateFilter->addItem(tr(f.label));
    for (int i = 0; i < BoardModel::PhaseCount; ++i) {
        const auto phase = static_cast<Phase>(i);
        m_stateFilter->addItem(BoardStyle::icon(phase), BoardModel::phaseTitle(phase));
    }
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("boardSearch"));
    m_search->setAccessibleName(tr("Search the conditions"));
    m_search->setPlaceholderText(tr("Filter by condition, machine or output"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(280);
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, &DeploymentBoard::applyStateFilter);
    connect(m_search, &QLineEdit::textChanged, m_filter, &BoardFilterModel::setText);
    // The filters sit beside the message, so a board with many states still fits a small screen.
    auto* messageRow = new QHBoxLayout;
    messageRow->addWidget(m_busy);
    messageRow->addWidget(m_message, 1);
    messageRow->addWidget(m_stateFilter);
    messageRow->addWidget(m_search);
    return messageRow;
}

QLayout* DeploymentBoard::buildFilterRow()
{
    m_summary = new SummaryBar;
    m_summary->setModel(model());
    m_summary->setSummarySource([this]() -> std::optional<SweepSummary> {
        if (!m_monitor->hasDeployment())
            return std::nullopt;
        return SweepSummary::forExperiment(m_monitor->deployment()->state(), m_monitor->experiment());
    });
    connect(m_summary, &SummaryBar::phasesChanged, this, [this](const QSet<Phase>& phases) {
        m_filter->setPhases(phases);
        const QSignalBlocker block(m_stateFilter);
        m_stateFilter->setCurrentIndex(
            phases.size() == 1 ? static_cast<int>(stateFilters().size()) + static_cast<int>(*phases.begin()) : 0);
    });
    // Results come home as each condition finishes (AutoSync); off for huge results, synced by hand.
    auto* autoSync = new QCheckBox(tr("Sync as they finish"));
    autoSync->setObjectName(QStringLiteral("autoSyncCheck"));
    autoSync->setToolTip(tr("Copy each condition's logs and results into data/ as soon as it has finished"));
    autoSync->setChecked(m_monitor->autoSync());
    connect(autoSync, &QCheckBox::toggled, this, [this](bool on) {
        Settings().setAutoSync(on);
        m_monitor->setAutoSync(on);
    });
    // The state chips have a row of their own.
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_summary, 1);
    filterRow->addWidget(autoSync);
    return filterRow;
}

void DeploymentBoard::buildTable()
{
    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("boardView"));
    m_view->setModel(m_filter);
    m_view->setItemDelegateForColumn(BoardModel::StateColumn, new StateDelegate(m_view));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(BoardModel::ConditionColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    ViewKeys::install(m_view);
    m_view->setAccessibleName(tr("Machines"));
    m_view->verticalHeader()->hide();
    // Fixed row heights and column widths: a status round never makes the view measure 1,000 rows.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // The last line takes what the other columns leave, cut with "…" (whole in its tooltip).
    m_view->horizontalHeader()->setStretchLastSection(true);
    sizeColumns();
    connect(model(), &QAbstractItemModel::modelReset, this, &DeploymentBoard::sizeColumns);
    connect(m_view, &QTableView::customContextMenuRequested, this, &DeploymentBoard::showContextMenu);
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex&) { showMachine(currentRow()); });
}

void DeploymentBoard::sizeColumns()
{
    // Widths from what the columns hold, measured once per deployment (not at each status round): the
    // longest condition within reason, "failed (exit 255)" with its icon, the widest machine, "23h 59m".
    const QFontMetrics fm = m_view->fontMetrics();
    const int pad = 24;
    auto widest = [&](int column, const QString& atLeast, int limit) {
        int width = fm.horizontalAdvance(model()->headerData(column, Qt::Horizontal).toString()) + pad;
        width = qMax(width, fm.horizontalAdvance(atLeast) + pad);
        for (int r = 0; r < model()->rowCount(); ++r)
            width = qMax(width, fm.horizontalAdvance(model()->index(r, column).data().toString()) + pad);
        return qMin(width, limit);
    };
    QHeaderView* columns = m_view->horizontalHeader();
    columns->resizeSection(BoardModel::ConditionColumn, qMax(120, widest(BoardModel::ConditionColumn, {}, 480)));
    columns->resizeSection(BoardModel::StateColumn,
                           fm.horizontalAdvance(QStringLiteral("failed (exit 255)")) + pad + 20);
    columns->resizeSection(BoardModel::MachineColumn,
                           widest(BoardModel::MachineColumn, QStringLiteral("local"),
                                  fm.horizontalAdvance(QStringLiteral("admin@203.0.113.255")) + pad));
    columns->resizeSection(BoardModel::ElapsedColumn,
                           widest(BoardModel::ElapsedColumn, QStringLiteral("23h 59m"), 200));
    columns->resizeSection(BoardModel::ExitCodeColumn, widest(BoardModel::ExitCodeColumn, QStringLiteral("255"), 80));
    columns->resizeSection(BoardModel::SyncedColumn, widest(BoardModel::SyncedColumn, QStringLiteral("00:00:00"), 120));
}

QWidget* DeploymentBoard::buildDetails()
{
    m_machineLog = new MachineLogPanel(m_monitor);
    connect(m_machineLog, &MachineLogPanel::message, this, [this](const QString& text) { setMessage(text, true); });
    connect(m_machineLog, &MachineLogPanel::syncRequested, this, &DeploymentBoard::syncMachine);
    connect(m_machineLog, &MachineLogPanel::terminateRequested, this, &DeploymentBoard::terminateMachine);
    m_results = new ResultsPanel;
    m_details = new QTabWidget;
    m_details->setObjectName(QStringLiteral("boardDetails"));
    m_details->setDocumentMode(true); // no frame inside the splitter's: two pixels more for the rows
    // Room for the log's buttons and a few lines, not for everything the results tab would like: the board
    // must fit a 600-px-high window, and the splitter gives the details more when there is more.
    m_details->setMinimumHeight(fontMetrics().lineSpacing() * 8);
    m_details->addTab(m_machineLog, style()->standardIcon(QStyle::SP_FileDialogContentsView), tr("Log"));
    m_details->addTab(m_results, style()->standardIcon(QStyle::SP_FileDialogDetailedView), tr("Results"));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const int row = currentRow();
        if (row >= 0 && row != m_machineLog->row())
            m_machineLog->showRow(row);
        if (row >= 0)
            m_results->selectCondition(model()->slug(row));
    });

    m_splitter = new QSplitter(Qt::Vertical);
    m_splitter->setObjectName(QStringLiteral("boardSplitter"));
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->installEventFilter(this);
    // The Results tab takes more of the height than the Log tab (a chart with its axes needs it), and
    // each keeps the share it was dragged to.
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        const QList<int> sizes = m_splitter->sizes();
        const int total = sizes.value(0) + sizes.value(1);
        if (total > 0)
            m_detailsShare[m_details->currentIndex() == 1 ? 1 : 0] = double(sizes.value(1)) / total;
    });
    // After the layout has settled: a tab chosen as the board appears is laid out first.
    connect(m_details, &QTabWidget::currentChanged, this,
            [this] { QTimer::singleShot(0, this, &DeploymentBoard::applyDetailsShare); });
    connect(m_results, &ResultsPanel::tabChanged, this,
            [this] { QTimer::singleShot(0, this, &DeploymentBoard::applyDetailsShare); });
    return m_splitter;
}

bool DeploymentBoard::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_splitter && event->type() == QEvent::Resize)
        QTimer::singleShot(0, this, &DeploymentBoard::applyDetailsShare);
    return QWidget::eventFilter(watched, event);
}

void DeploymentBoard::applyDetailsShare()
{
    const QList<int> sizes = m_splitter->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (total <= 0)
        return;
    const bool results = m_details->currentIndex() == 1;
    int details = qRound(total * m_detailsShare[results ? 1 : 0]);
    // A small window keeps 8 conditions on the board and 5 rows of results under it when both fit.
    const int rowHeight = m_view->verticalHeader()->defaultSectionSize();
    // With room for a horizontal scroll bar: whether it shows depends on a width not settled yet.
    const int boardNeeds = m_view->horizontalHeader()->sizeHint().height() + 8 * rowHeight + 2 * m_view->frameWidth()
        + m_view->horizontalScrollBar()->sizeHint().height();
    const int detailsNeeds
        = results ? m_results->heightForRows(5) + m_details->tabBar()->sizeHint().height() : m_details->minimumHeight();
    if (results && m_results->currentTab() == 1) {
        // The chart needs the height more than the board its eighth row: 4 rows stay above it.
        details = qMax(details, total - (boardNeeds - 4 * rowHeight) - m_splitter->handleWidth());
    } else if (boardNeeds + detailsNeeds + m_splitter->handleWidth() <= total) {
        details = qBound(detailsNeeds, details, total - boardNeeds);
    }
    if (details != sizes.value(1))
        m_splitter->setSizes({ total - details, details });
}

bool DeploymentBoard::setExperimentDir(const QString& dir)
{
    m_scannedFinished = -1;
    m_failureNotes.clear();
    setMessage(QString(), false);
    m_results->setExperimentDir(dir);
    const Result opened = m_monitor->open(dir);
    if (!opened) {
        m_emptyText->setText(tr("<p><b>This experiment cannot be deployed.</b></p><p><tt>%1</tt></p>")
                                 .arg(opened.message().toHtmlEscaped()));
        m_pages->setCurrentIndex(0);
        updateActions();
        return false;
    }
    updateHeader();
    updateActions();
    rescanResults();
    return true;
}

bool DeploymentBoard::isBusy() const
{
    return m_monitor->isBusy() && m_monitor->operation() != DeploymentMonitor::Operation::Refresh;
}

void DeploymentBoard::updateHeader()
{
    if (!m_monitor->hasDeployment()) {
        if (m_monitor->isOpen()) {
            const int n = static_cast<int>(m_monitor->experiment().parameters().allConditions().size());
            // Spelt out: without a translation loaded, %n would read "8 condition(s)".
            const QString conditions = n == 1 ? tr("the one condition") : tr("each of the %1 conditions").arg(n);
            m_emptyText->setText(
                tr("<p style='font-size:large'><b>Nothing deployed yet</b></p>"
                   "<p>Deploying runs %1 of this experiment on a machine of its own "
                   "(containers on this machine, your SSH hosts, or AWS). You will see what it costs before "
                   "anything starts.</p>")
                    .arg(conditions));
        }
        m_pages->setCurrentIndex(0);
        return;
    }
    m_pages->setCurrentIndex(1);
    const DeploymentState& state = m_monitor->deployment()->state();
    QString text = tr("<b>%1</b> on <b>%2</b> · commit <tt>%3</tt>%4 · deployed %5")
                       .arg(state.experiment.toHtmlEscaped(), state.backend.toHtmlEscaped(),
                            state.commit.left(12).toHtmlEscaped(), state.dirty ? tr(" (tree was dirty)") : QString(),
                            state.createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    if (state.terminated)
        text += tr(" · <span style='color:%1'>terminated</span>").arg(Theme::mutedText(palette()).name());
    m_title->setText(text);
    m_title->setToolTip(state.commit);
}

void DeploymentBoard::updateActions()
{
    const bool open = m_monitor->isOpen();
    const bool working = isBusy();
    const bool live = m_monitor->isLive();
    // A new deploy when nothing is live; a live one with conditions not started yet can be resumed.
    const bool resumable = live && model()->count(Phase::Queued) > 0;
    m_deployAction->setEnabled(open && !working && (!live || resumable));
    m_syncAction->setEnabled(live && !working);
    // Terminate wins over the board's own deploy (DeploymentMonitor::terminateAll stops it, then terminates).
    const bool deploying = m_monitor->operation() == DeploymentMonitor::Operation::Deploy
        && m_monitor->queuedOperation() != DeploymentMonitor::Operation::Terminate;
    m_terminateAction->setEnabled(live && (!working || deploying));
    m_refreshAction->setEnabled(live && !working);
    bool rerunnable = false;
    if (live) {
        for (const DeploymentState::Condition& c : m_monitor->deployment()->state().conditions)
            rerunnable = rerunnable || Rerun::isRerunnable(c);
    }
    m_rerunFailedAction->setEnabled(live && !working && rerunnable);
    m_rerunFailedButton->setEnabled(m_rerunFailedAction->isEnabled());
    m_rerunFailedButton->setVisible(rerunnable);
    m_busy->setVisible(working);
    for (QPushButton* b : { m_deployButton, m_refreshButton, m_syncButton, m_terminateButton, m_emptyDeployButton }) {
        const QAction* action = b == m_deployButton || b == m_emptyDeployButton ? m_deployAction
            : b == m_refreshButton                                              ? m_refreshAction
            : b == m_syncButton                                                 ? m_syncAction
                                                                                : m_terminateAction;
        b->setEnabled(action->isEnabled());
    }
    m_deployButton->setVisible(!live || resumable);
}

void DeploymentBoard::setMessage(const QString& text, bool error)
{
    QPalette p = m_message->palette();
    p.setColor(QPalette::WindowText, error ? Theme::errorText(palette()) : palette().color(QPalette::WindowText));
    m_message->setPalette(p);
    // Messages carry hosts' stderr: shown as plain text, without control characters.
    m_message->setFullText(PrintableText::clean(text));
    if (!text.isEmpty())
        Q_EMIT statusMessage(text);
}

DeployDialog* DeploymentBoard::showDeployDialog()
{
    if (!m_monitor->isOpen() || isBusy())
        return nullptr;
    auto* dialog = new DeployDialog(m_monitor, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_failureNotes.clear();
        m_scannedFinished = -1;
        m_monitor->deploy(dialog->options());
        updateHeader();
    });
    dialog->open();
    return dialog;
}

void DeploymentBoard::syncAll()
{
    if (!m_monitor->isLive() || isBusy())
        return;
    // Nothing to confirm: a sync only copies home (logs with results), and nothing here is deleted or
    // overwritten by an older file. Its progress shows on the board and in the command log.
    m_monitor->syncAll();
}

void DeploymentBoard::terminateAll()
{
    if (!m_monitor->isLive() || !m_terminateAction->isEnabled())
        return;
    const DeploymentState& state = m_monitor->deployment()->state();
    const BackendTraits backend = BackendRegistry::traits(state.backend);
    const bool local = !backend.remote;
    const int unsynced = model()->unsyncedCount();
    QString text = backend.hasMachines
        ? tr("Terminate the deployment of %1? Every container stops and the %n machine(s) are destroyed.", nullptr,
             static_cast<int>(state.hosts.size()))
              .arg(state.experiment)
        : tr("Terminate the deployment of %1? Every container stops and is removed.").arg(state.experiment);
    QString details;
    if (unsynced > 0 && !local) {
        text += QStringLiteral("\n\n")
            + tr("%n condition(s) have results that are not synced yet; terminating now throws them away. Choose "
                 "Cancel, then Sync All, to keep them.",
                 nullptr, unsynced);
    }
    Gui::MessageBox::ask(this, unsynced > 0 && !local ? QMessageBox::Warning : QMessageBox::Question,
                         tr("Terminate all"), text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                         [this, force = unsynced > 0 && !local](QMessageBox::StandardButton answer) {
                             if (answer == QMessageBox::Yes) {
                                 m_monitor->terminateAll(force);
                                 updateActions();
                             }
                         });
}

void DeploymentBoard::syncMachine(int row)
{
    if (!m_monitor->isLive() || isBusy() || row < 0 || row >= model()->rowCount())
        return;
    // Copying one machine's results deletes nothing, so it needs no question.
    m_monitor->syncMachines({ row });
}

void DeploymentBoard::terminateMachine(int row)
{
    if (!m_monitor->isLive() || isBusy() || row < 0 || row >= model()->rowCount() || model()->isTerminated(row))
        return;
    const DeploymentState& state = m_monitor->deployment()->state();
    const DeploymentState::Condition& c = state.conditions.at(row);
    const BackendTraits backend = BackendRegistry::traits(state.backend);
    const bool local = !backend.remote;
    // Local results are written straight into data/; elsewhere they are on the machine until synced.
    const bool unsynced = !local && c.startedAt.isValid() && !c.resultsSafe();
    QString text = backend.hasMachines
        ? tr("Terminate %1? Its container stops and its machine is destroyed; the other conditions go on.").arg(c.slug)
        : tr("Terminate %1? Its container stops and is removed; the other conditions go on.").arg(c.slug);
    if (unsynced)
        text += QStringLiteral("\n\n")
            + tr("Its results are not synced yet; terminating now throws them away. Choose Cancel, then Sync, to "
                 "keep them.");
    Gui::MessageBox::ask(this, unsynced ? QMessageBox::Warning : QMessageBox::Question, tr("Terminate machine"), text,
                         QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                         [this, row, unsynced](QMessageBox::StandardButton answer) {
                             if (answer == QMessageBox::Yes)
                                 m_monitor->terminateMachines({ row }, unsynced);
                         });
}

void DeploymentBoard::rerunFailed()
{
    if (!m_monitor->isLive() || isBusy())
        return;
    DeployOptions options;
    options.backend = m_monitor->deployment()->state().backend;
    options.rerunFailed = true;
    m_failureNotes.clear();
    m_monitor->deploy(options);
}

bool DeploymentBoard::canRerun(int row) const
{
    if (!m_monitor->isLive() || isBusy() || row < 0 || row >= model()->rowCount())
        return false;
    const DeploymentState& state = m_monitor->deployment()->state();
    return Rerun::choose(state, { QString::number(state.conditions.at(row).index) }, false).isOk();
}

void DeploymentBoard::rerunMachine(int row)
{
    if (!canRerun(row))
        return;
    DeployOptions options;
    options.backend = m_monitor->deployment()->state().backend;
    options.rerun = QStringList { QString::number(m_monitor->deployment()->state().conditions.at(row).index) };
    m_failureNotes.clear();
    m_monitor->deploy(options);
}

void DeploymentBoard::refresh()
{
    m_monitor->refresh();
}

void DeploymentBoard::showMachine(int row)
{
    if (row < 0)
        return;
    m_details->setCurrentWidget(m_machineLog);
    m_machineLog->showRow(row);
}

int DeploymentBoard::currentRow() const
{
    const QModelIndex index = m_view->currentIndex();
    return index.isValid() ? index.data(BoardModel::RowRole).toInt() : -1;
}

void DeploymentBoard::applyStateFilter(int index)
{
    QSet<Phase> phases;
    const int fixed = static_cast<int>(stateFilters().size());
    if (index >= fixed)
        phases.insert(static_cast<Phase>(index - fixed));
    else if (index >= 0)
        phases = QSet<Phase>(stateFilters().at(index).phases.begin(), stateFilters().at(index).phases.end());
    const QSignalBlocker block(m_summary);
    m_summary->setSelectedPhases(phases.size() == 1 ? phases : QSet<Phase> {});
    m_filter->setPhases(phases);
}

void DeploymentBoard::showContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    const int row = index.data(BoardModel::RowRole).toInt();
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(style()->standardIcon(QStyle::SP_FileDialogContentsView), tr("Follow &Log"), this,
                    [this, row] { showMachine(row); });
    QAction* terminal
        = menu->addAction(style()->standardIcon(QStyle::SP_ComputerIcon), tr("Open &Terminal"), this, [this, row] {
              m_machineLog->showRow(row);
              m_machineLog->openTerminal();
          });
    terminal->setEnabled(!m_monitor->terminalCommand(row).program.isEmpty());
    menu->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Data Folder"), this, [this, row] {
        m_machineLog->showRow(row);
        m_machineLog->openDataFolder();
    });
    menu->addAction(tr("&Copy Condition"), this,
                    [this, row] { QApplication::clipboard()->setText(model()->conditionText(row)); });
    menu->addSeparator();
    const bool idle = m_monitor->isLive() && !isBusy() && !model()->isTerminated(row);
    menu->addAction(tr("S&ync This Machine"), this, [this, row] { syncMachine(row); })->setEnabled(idle);
    menu->addAction(tr("Te&rminate This Machine…"), this, [this, row] { terminateMachine(row); })->setEnabled(idle);
    menu->addAction(tr("R&erun This Machine"), this, [this, row] { rerunMachine(row); })->setEnabled(canRerun(row));
    menu->addSeparator();
    menu->addAction(m_syncAction);
    menu->addAction(m_terminateAction);
    menu->popup(m_view->viewport()->mapToGlobal(pos));
}

void DeploymentBoard::onOperationFinished(DeploymentMonitor::Operation operation, int exitCode, const QString& message)
{
    using Op = DeploymentMonitor::Operation;
    updateActions();
    updateHeader();
    if (operation == Op::Refresh) {
        if (exitCode == 2)
            setMessage(message, true);
        const int finished = model()->count(Phase::Succeeded) + model()->count(Phase::Failed);
        if (finished != m_scannedFinished)
            rescanResults();
        return;
    }
    if (exitCode != 0) {
        setMessage(tr("%1 failed: %2").arg(DeploymentMonitor::operationName(operation), message), true);
        if (operation == Op::Deploy)
            m_notifier->notify(tr("%1: deploy failed").arg(m_monitor->experiment().parameters().experimentName()),
                               message, true);
    } else {
        const QString data = m_monitor->experiment().dataDir();
        QString done = operation == Op::Deploy
            ? tr("Deployed: %n condition(s) started; the board follows them until they finish.", nullptr,
                 model()->rowCount())
            : message;
        if (operation == Op::SyncMachine || operation == Op::TerminateMachine) {
            QStringList slugs;
            for (int row : m_monitor->machineRows())
                slugs << model()->slug(row);
            done = operation == Op::SyncMachine
                ? tr("Synced %1 into %2.").arg(slugs.join(QStringLiteral(", ")), data)
                : tr("Terminated %1; the other conditions go on.").arg(slugs.join(QStringLiteral(", ")));
        }
        if (done.isEmpty())
            done = operation == Op::Sync ? tr("Synced into %1.").arg(data)
                                         : tr("Terminated; the results stay in %1.").arg(data);
        setMessage(done, false);
    }
    rescanResults();
}

void DeploymentBoard::onPhaseChanged(int row, Phase from, Phase to)
{
    Q_UNUSED(from);
    if (to != Phase::Failed && to != Phase::Unreachable)
        return;
    const QString host = model()->host(row);
    QString note;
    if (to == Phase::Failed) {
        const int code = model()->index(row, BoardModel::StateColumn).data(BoardModel::ExitCodeRole).toInt();
        note = tr("%1 failed (exit code %2)").arg(model()->slug(row)).arg(code);
    } else {
        note = tr("%1: %2 does not answer").arg(model()->slug(row), host);
    }
    // Many machines failing in one status round make one notification.
    if (m_failureNotes.isEmpty())
        QTimer::singleShot(0, this, &DeploymentBoard::flushFailureNotes);
    m_failureNotes << note;
}

void DeploymentBoard::flushFailureNotes()
{
    if (m_failureNotes.isEmpty())
        return;
    const QString name = m_monitor->experiment().parameters().experimentName();
    if (m_failureNotes.size() == 1) {
        m_notifier->notify(tr("%1: a machine failed").arg(name), m_failureNotes.first(), true);
    } else {
        const QStringList first = m_failureNotes.mid(0, 5);
        m_notifier->notify(
            tr("%1: %n machine(s) failed", nullptr, static_cast<int>(m_failureNotes.size())).arg(name),
            first.join(QStringLiteral("\n")) + (m_failureNotes.size() > 5 ? QStringLiteral("\n…") : QString()), true);
    }
    m_failureNotes.clear();
}

void DeploymentBoard::rescanResults()
{
    if (!m_monitor->hasDeployment()) {
        m_results->scan(QList<ResultsScanner::Row>());
        return;
    }
    m_scannedFinished = model()->count(Phase::Succeeded) + model()->count(Phase::Failed);
    m_results->scan(ResultsScanner::pendingRows(*m_monitor->deployment()));
}
