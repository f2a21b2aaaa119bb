// SPDX-License-Identifier: MIT
#include "MainWindow.h"

#include "AboutDialog.h"
#include "AppPaths.h"
#include "CommandLogDock.h"
#include "CommandRunner.h"
#include "CommitDialog.h"
#include "ConditionsEditor.h"
#include "CredentialStore.h"
#include "Dialogs.h"
#include "ExampleDialog.h"
#include "ExperimentPage.h"
#include "LiveDeploymentsPanel.h"
#include "LocalRunsPanel.h"
#include "Logging.h"
#include "NarrowColumns.h"
#include "NewExperimentWizard.h"
#include "Settings.h"
#include "SettingsDialog.h"
#include "SetupWizard.h"
#include "Theme.h"
#include "board/DeploymentBoard.h"
#include "experiments/ExperimentFiles.h"
#include "experiments/TerminalCommand.h"
#include "git/GitRepository.h"
#include "git/GitStatus.h"
#include "keys/ShortcutsDialog.h"
#include "keys/WheelGuard.h"
#include "ui_MainWindow.h"
#include "workspace/ExampleCopier.h"

#include <QAbstractItemView>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QStyle>
#include <QTimer>
#include <QUndoGroup>
#include <QUndoStack>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

namespace {
constexpr int MaxRecent = 8;
constexpr int DirRole = Qt::UserRole;
constexpr int NameRole = Qt::UserRole + 1; // the browser's name without the unsaved marker
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_commandLog(new CommandLogDock(this))
    , m_running(new LiveDeploymentsPanel(this))
    , m_credentials(new CredentialStore(this))
    , m_undoGroup(new QUndoGroup(this))
    , m_git(new GitStatus(this))
{
    m_ui->setupUi(this);
    WheelGuard::install(); // no value changes under a wheel without focus, in every window of the app
    m_ui->projectBrowser->setAccessibleName(tr("Experiments"));
    m_ui->refreshButton->setAccessibleName(tr("Refresh project"));
    setObjectName(QStringLiteral("mainWindow"));
    const QString service = qEnvironmentVariable("LOGISTICIAN_KEYCHAIN_SERVICE");
    if (!service.isEmpty())
        m_credentials->setService(service);

    addDockWidget(Qt::BottomDockWidgetArea, m_commandLog);
    // The Running overview shares the bottom with the command log, hidden until View > Running asks for it.
    addDockWidget(Qt::BottomDockWidgetArea, m_running);
    tabifyDockWidget(m_commandLog, m_running);
    m_running->hide();
    connect(m_running, &LiveDeploymentsPanel::openRequested, this, &MainWindow::openBoard);
    m_ui->mainSplitter->setStretchFactor(0, 0);
    m_ui->mainSplitter->setStretchFactor(1, 1);
    m_ui->mainSplitter->setSizes({ 340, 860 }); // room for experiments/NAME beside its counts

    QFont title = m_ui->projectTitle->font();
    title.setBold(true);
    title.setPointSizeF(title.pointSizeF() * 1.15);
    m_ui->projectTitle->setFont(title);
    QFont welcome = m_ui->welcomeTitle->font();
    welcome.setPointSizeF(welcome.pointSizeF() * 2);
    welcome.setBold(true);
    m_ui->welcomeTitle->setFont(welcome);
    QPalette muted = m_ui->projectState->palette();
    muted.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_ui->projectState->setPalette(muted);

    QHeaderView* header = m_ui->projectBrowser->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(0, QHeaderView::Stretch);
    header->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    new NarrowColumns(m_ui->projectBrowser, 8); // names stay readable in a narrow pane
    m_ui->projectBrowser->setTextElideMode(Qt::ElideLeft); // …rnn-sweep: the folder's own name shows
    m_ui->refreshButton->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));

    setupActions();
    connect(m_git, &GitStatus::changed, this, &MainWindow::showGitState);
    connect(&m_init, &QFutureWatcher<Result>::finished, this, [this] {
        const Result made = m_init.result();
        if (!made) {
            statusBar()->clearMessage();
            Gui::MessageBox::tell(this, QMessageBox::Warning, tr("New Project"), made.message());
            return;
        }
        statusBar()->showMessage(tr("Made %1 a Git repository, with a first commit").arg(m_initDir), 5000);
        openProject(m_initDir);
    });
    connect(&m_scan, &QFutureWatcher<ProjectScanner::Project>::finished, this, &MainWindow::onProjectScanned);
    connect(m_ui->projectBrowser, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (item)
            openExperiment(item->data(0, DirRole).toString());
    });
    m_ui->projectBrowser->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_ui->projectBrowser, &QTreeWidget::customContextMenuRequested, this, &MainWindow::showBrowserMenu);
    connect(m_ui->recentList, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { openProject(item->data(DirRole).toString()); });
    restoreLayout();
    updateRecentMenu();
    updateActions();
    updateTitle();
    // The keyboard starts in the browser, not in the first field made (the command log's search).
    m_ui->projectBrowser->setFocus();
}

MainWindow::~MainWindow()
{
    for (ExperimentPage* page : std::as_const(m_pages))
        page->disconnect(this);
}

void MainWindow::setupActions()
{
    setActionIcons();
    connectFileActions();
    connectExperimentActions();
    setupEditActions();
    setupViewActions();
    setupExampleActions();
    setupProjectActions();
    setupThemeMenu();
    QAction* shortcuts = new QAction(tr("&Keyboard Shortcuts"), this);
    shortcuts->setObjectName(QStringLiteral("actionShortcuts"));
    shortcuts->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    connect(shortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    m_ui->menuHelp->insertAction(m_ui->actionAbout, shortcuts);
}

void MainWindow::setActionIcons()
{
    QStyle* s = style();
    m_ui->actionOpenProject->setIcon(s->standardIcon(QStyle::SP_DirOpenIcon));
    m_ui->actionNewExperiment->setIcon(s->standardIcon(QStyle::SP_FileDialogNewFolder));
    m_ui->actionSave->setIcon(s->standardIcon(QStyle::SP_DialogSaveButton));
    m_ui->actionBuild->setIcon(s->standardIcon(QStyle::SP_BrowserReload));
    m_ui->actionRun->setIcon(s->standardIcon(QStyle::SP_MediaPlay));
    m_ui->actionStop->setIcon(s->standardIcon(QStyle::SP_MediaStop));
    m_ui->openProjectButton->setIcon(s->standardIcon(QStyle::SP_DirOpenIcon));
    m_ui->newExperimentButton->setIcon(s->standardIcon(QStyle::SP_FileDialogNewFolder));
    m_ui->actionQuit->setMenuRole(QAction::QuitRole);
    m_ui->actionAbout->setMenuRole(QAction::AboutRole);
}

void MainWindow::connectFileActions()
{
    connect(m_ui->actionOpenProject, &QAction::triggered, this, &MainWindow::chooseProject);
    connect(m_ui->openProjectButton, &QPushButton::clicked, this, &MainWindow::chooseProject);
    connect(m_ui->actionNewExperiment, &QAction::triggered, this, &MainWindow::showNewExperimentWizard);
    connect(m_ui->newExperimentButton, &QPushButton::clicked, this, &MainWindow::showNewExperimentWizard);
    connect(m_ui->welcomeNewExperimentButton, &QPushButton::clicked, this, &MainWindow::showNewExperimentWizard);
    connect(m_ui->actionSave, &QAction::triggered, this, &MainWindow::saveCurrent);
    // One Refresh (F5): the board's machines when the focus is on the board, else the project.
    connect(m_ui->actionRefresh, &QAction::triggered, this, [this] {
        ExperimentPage* page = currentPage();
        QWidget* focus = QApplication::focusWidget();
        if (page && focus && page->deployments()->isAncestorOf(focus))
            page->deployments()->refreshAction()->trigger();
        else
            refreshProject();
    });
    connect(m_ui->refreshButton, &QToolButton::clicked, this, &MainWindow::refreshProject);
    connect(m_ui->actionQuit, &QAction::triggered, this, &MainWindow::close);
    connect(m_ui->actionSettings, &QAction::triggered, this, &MainWindow::showSettings);
    connect(m_ui->actionSetupWizard, &QAction::triggered, this, &MainWindow::showSetupWizard);
    connect(m_ui->actionAbout, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::connectExperimentActions()
{
    connect(m_ui->actionBuild, &QAction::triggered, this, [this] {
        if (auto* page = currentPage()) {
            page->showTab(2);
            page->runs()->build();
        }
    });
    connect(m_ui->actionRun, &QAction::triggered, this, [this] {
        if (auto* page = currentPage()) {
            page->showTab(2);
            page->runs()->run();
        }
    });
    connect(m_ui->actionStop, &QAction::triggered, this, [this] {
        if (auto* page = currentPage())
            page->runs()->stop();
    });
    connect(m_ui->actionShowConditions, &QAction::triggered, this, [this] {
        if (auto* page = currentPage())
            page->showTab(0);
    });
    connect(m_ui->actionShowEnvironment, &QAction::triggered, this, [this] {
        if (auto* page = currentPage())
            page->showTab(1);
    });
    connect(m_ui->actionShowRuns, &QAction::triggered, this, [this] {
        if (auto* page = currentPage())
            page->showTab(2);
    });
    connect(m_ui->actionShowDeployments, &QAction::triggered, this, [this] {
        if (auto* page = currentPage())
            page->showTab(3);
    });

    // Ctrl+5: the Settings tab, listed with the other tabs' keys.
    auto* showSettings = new QAction(tr("Se&ttings Tab"), this);
    showSettings->setObjectName(QStringLiteral("actionShowSettings"));
    showSettings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_5));
    connect(showSettings, &QAction::triggered, this, [this] {
        if (auto* page = currentPage())
            page->showTab(4);
    });
    const QList<QAction*> items = m_ui->menuExperiment->actions();
    m_ui->menuExperiment->insertAction(items.value(items.indexOf(m_ui->actionShowDeployments) + 1), showSettings);
}

void MainWindow::setupEditActions()
{
    QAction* undo = m_undoGroup->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setObjectName(QStringLiteral("actionUndo"));
    // The menu says what it undoes ("Undo Add condition"); the shortcuts list a name that stays.
    undo->setProperty(ShortcutsDialog::StableNameProperty, tr("Undo"));
    QAction* redo = m_undoGroup->createRedoAction(this, tr("&Redo"));
    redo->setProperty(ShortcutsDialog::StableNameProperty, tr("Redo"));
    // Ctrl+Shift+Z everywhere, plus whatever the platform calls redo (Ctrl+Y on some).
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    if (!redoKeys.contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)))
        redoKeys << QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z);
    redo->setShortcuts(redoKeys);
    redo->setObjectName(QStringLiteral("actionRedo"));
    // The Dockerfile editor keeps its own undo: these act on the conditions table.
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_ui->menuEdit->addAction(undo);
    m_ui->menuEdit->addAction(redo);
    setupClipboardActions();
}

void MainWindow::setupViewActions()
{
    // View > Command Log (Ctrl+L): opens and closes the dock, and brings it to the front when it is open
    // behind the Running Deployments tab it shares the bottom with (there, the dock's own toggle closed it).
    auto* commandLog = new QAction(tr("&Command Log"), this);
    commandLog->setObjectName(QStringLiteral("actionCommandLog"));
    commandLog->setCheckable(true);
    commandLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_commandLog->toggleViewAction(), &QAction::toggled, commandLog, &QAction::setChecked);
    connect(commandLog, &QAction::triggered, this, [this, commandLog] {
        const bool open = m_commandLog->toggleViewAction()->isChecked();
        if (open && (!m_commandLog->isVisible() || m_commandLog->visibleRegion().isEmpty())) {
            m_commandLog->raise();
            commandLog->setChecked(true);
            return;
        }
        m_commandLog->setVisible(!open);
        if (!open)
            m_commandLog->raise();
    });
    commandLog->setChecked(m_commandLog->toggleViewAction()->isChecked());
    m_ui->menuView->addAction(commandLog);
    // Once the user opens or closes a dock, it stays as they left it.
    for (QAction* toggle : { commandLog, m_commandLog->toggleViewAction(), m_running->toggleViewAction() })
        connect(toggle, &QAction::triggered, this, [this] { m_autoDocks = false; });
    m_ui->menuView->addAction(m_running->toggleViewAction());
    connect(m_running->toggleViewAction(), &QAction::triggered, m_running, [this](bool on) {
        if (on)
            m_running->raise(); // in front of the command log it shares the bottom with
    });
}

void MainWindow::setupExampleActions()
{
    // The shipped examples, from the File menu and the welcome page.
    auto* openExample = new QAction(style()->standardIcon(QStyle::SP_DirLinkIcon), tr("Open E&xample…"), this);
    openExample->setObjectName(QStringLiteral("actionOpenExample"));
    connect(openExample, &QAction::triggered, this, &MainWindow::showExampleDialog);
    m_ui->menuFile->insertAction(m_ui->actionNewExperiment, openExample);
    auto* exampleButton = new QPushButton(openExample->icon(), tr("Open an Exa&mple…"));
    exampleButton->setObjectName(QStringLiteral("welcomeExampleButton"));
    exampleButton->setToolTip(tr("Copy one of the examples to a folder of your choosing and open it"));
    connect(exampleButton, &QPushButton::clicked, this, &MainWindow::showExampleDialog);
    m_ui->welcomeButtons->insertWidget(2, exampleButton);
    connect(&m_exampleCopy, &QFutureWatcher<ExampleCopy>::finished, this, [this] {
        const ExampleCopy copied = m_exampleCopy.result();
        if (!copied.result) {
            statusBar()->clearMessage();
            Gui::MessageBox::tell(this, QMessageBox::Warning, tr("Open Example"), copied.result.message());
            return;
        }
        m_pendingExperiment = copied.experimentDir;
        openProject(copied.projectDir);
    });
}

void MainWindow::setupProjectActions()
{
    QStyle* s = style();
    auto* newProject = new QAction(s->standardIcon(QStyle::SP_FileDialogNewFolder), tr("New &Project…"), this);
    newProject->setObjectName(QStringLiteral("actionNewProject"));
    newProject->setToolTip(tr("Choose a folder for a new project: it becomes a Git repository with a first commit"));
    connect(newProject, &QAction::triggered, this, &MainWindow::newProject);
    m_ui->menuFile->insertAction(m_ui->actionOpenProject, newProject);

    m_commitAction = new QAction(tr("Co&mmit Changes…"), this);
    m_commitAction->setObjectName(QStringLiteral("actionCommit"));
    m_commitAction->setToolTip(tr("Commit the changed files: a deployment runs a commit"));
    connect(m_commitAction, &QAction::triggered, this, &MainWindow::showCommitDialog);

    m_openShell = new QAction(s->standardIcon(QStyle::SP_ComputerIcon), tr("Open S&hell"), this);
    m_openShell->setObjectName(QStringLiteral("actionOpenShell"));
    m_openShell->setToolTip(tr("A shell in this experiment's image, the project mounted at /project, in a terminal"));
    connect(m_openShell, &QAction::triggered, this, &MainWindow::openShell);
    m_ui->menuExperiment->insertAction(m_ui->actionStop, m_openShell);
    m_ui->menuExperiment->insertAction(m_ui->actionShowConditions, m_commitAction);
    m_ui->menuExperiment->insertSeparator(m_ui->actionShowConditions);
    auto* deployMenu = new QMenu(tr("Dep&loy"), this);
    deployMenu->setObjectName(QStringLiteral("menuDeploy"));
    m_ui->menuBar->insertMenu(m_ui->menuView->menuAction(), deployMenu);
    connect(deployMenu, &QMenu::triggered, this, [this] {
        if (auto* page = currentPage())
            page->showTab(3);
    });
}

void MainWindow::setupThemeMenu()
{
    // View > Theme, saved in the settings; --dark and LOGISTICIAN_DARK still win at start.
    auto* themeMenu = m_ui->menuView->addMenu(tr("&Theme"));
    themeMenu->setObjectName(QStringLiteral("menuTheme"));
    auto* themes = new QActionGroup(this);
    const std::pair<Theme::Mode, QString> modes[] = { { Theme::Mode::System, tr("&System") },
                                                      { Theme::Mode::Light, tr("&Light") },
                                                      { Theme::Mode::Dark, tr("&Dark") } };
    for (const auto& [mode, text] : modes) {
        QAction* action = themeMenu->addAction(text);
        action->setObjectName(QStringLiteral("actionTheme") + Theme::toString(mode));
        action->setCheckable(true);
        action->setChecked(Theme::currentMode() == mode);
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, mode = mode] {
            Settings settings;
            settings.setTheme(Theme::toString(mode));
            settings.save();
            if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance()))
                Theme::apply(*app, mode);
            statusBar()->showMessage(tr("Theme saved"), 5000);
        });
    }
}

void MainWindow::setupClipboardActions()
{
    // Edit > Cut, Copy, Paste act on the widget with the focus (a text field, the Dockerfile, a table's
    // rows). The keys are shown, not bound here: each widget answers them itself, so Ctrl+C in a table
    // stays the table's Copy Rows.
    m_ui->menuEdit->addSeparator();
    const std::pair<const char*, QKeySequence::StandardKey> entries[]
        = { { "cut", QKeySequence::Cut }, { "copy", QKeySequence::Copy }, { "paste", QKeySequence::Paste } };
    const QString texts[] = { tr("Cu&t"), tr("&Copy"), tr("&Paste") };
    for (int i = 0; i < 3; ++i) {
        const QByteArray slot = entries[i].first;
        auto* action = new QAction(
            texts[i] + QLatin1Char('\t') + QKeySequence(entries[i].second).toString(QKeySequence::NativeText), this);
        action->setObjectName(QStringLiteral("action") + QString::fromLatin1(slot).replace(0, 1, QChar(slot[0] - 32)));
        connect(action, &QAction::triggered, this, [this, slot] { clipboardAction(slot); });
        m_ui->menuEdit->addAction(action);
    }
    connect(m_ui->menuEdit, &QMenu::aboutToShow, this, [this] {
        QWidget* focus = QApplication::focusWidget();
        for (const char* slot : { "cut", "copy", "paste" })
            findChild<QAction*>(QStringLiteral("action") + QString::fromLatin1(slot).replace(0, 1, QChar(slot[0] - 32)))
                ->setEnabled(canClipboard(focus, slot));
    });
}

bool MainWindow::canClipboard(QWidget* focus, const QByteArray& slot) const
{
    if (!focus || !isAncestorOf(focus))
        return false;
    if (auto* line = qobject_cast<QLineEdit*>(focus)) {
        const bool editable = !line->isReadOnly() && line->echoMode() == QLineEdit::Normal;
        return slot == "paste" ? !line->isReadOnly() : line->hasSelectedText() && (slot == "copy" || editable);
    }
    if (auto* text = qobject_cast<QPlainTextEdit*>(focus)) {
        const bool selected = text->textCursor().hasSelection();
        return slot == "paste" ? !text->isReadOnly() : selected && (slot == "copy" || !text->isReadOnly());
    }
    if (auto* view = qobject_cast<QAbstractItemView*>(focus))
        return slot == "copy" && view->selectionModel() && view->selectionModel()->hasSelection();
    return false;
}

void MainWindow::clipboardAction(const QByteArray& slot)
{
    QWidget* focus = QApplication::focusWidget();
    if (!canClipboard(focus, slot))
        return;
    if (auto* view = qobject_cast<QAbstractItemView*>(focus)) {
        // A table's own Copy Rows (ViewKeys): its selected rows as TSV.
        if (auto* copyRows = view->findChild<QAction*>(QStringLiteral("copyRowsAction")))
            copyRows->trigger();
        return;
    }
    QMetaObject::invokeMethod(focus, slot.constData());
}

void MainWindow::restoreLayout()
{
    const Settings settings;
    if (!restoreGeometry(settings.windowGeometry()))
        resize(1200, 760);
    if (restoreState(settings.windowState())) {
        // Once more when shown: restored before the window has its size, the docks come back a few
        // pixels off what they were left at.
        m_shownState = settings.windowState();
    } else {
        // First start: the command log opens only on a window 1000 px high or more (a laptop's screen
        // is for the experiment), until the user shows or hides it; then saveState remembers.
        m_autoDocks = true;
        fitDocks();
    }
    const QByteArray splitter = settings.mainSplitterState();
    if (!splitter.isEmpty())
        m_ui->mainSplitter->restoreState(splitter);
}

void MainWindow::saveLayout()
{
    Settings settings;
    settings.setWindowGeometry(saveGeometry());
    settings.setWindowState(saveState());
    settings.setMainSplitterState(m_ui->mainSplitter->saveState());
    if (!m_project.dir.isEmpty())
        settings.setLastProject(m_project.dir);
    if (ExperimentPage* page = currentPage()) {
        settings.setLastExperiment(page->dir());
        settings.setRunsSplitterState(page->runs()->splitterState());
    }
}

QStringList MainWindow::recentProjects() const
{
    return Settings().recentProjects();
}

void MainWindow::addRecent(const QString& dir)
{
    Settings settings;
    QStringList recent = settings.recentProjects();
    recent.removeAll(dir);
    recent.prepend(dir);
    while (recent.size() > MaxRecent)
        recent.removeLast();
    settings.setRecentProjects(recent);
    settings.setLastProject(dir);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    const QStringList recent = recentProjects();
    m_ui->menuRecent->clear();
    m_ui->recentList->clear();
    for (const QString& dir : recent) {
        QAction* action = m_ui->menuRecent->addAction(QDir::toNativeSeparators(dir));
        connect(action, &QAction::triggered, this, [this, dir] { openProject(dir); });
        auto* item = new QListWidgetItem(
            style()->standardIcon(QStyle::SP_DirIcon),
            QStringLiteral("%1 — %2").arg(QFileInfo(dir).fileName(), QDir::toNativeSeparators(dir)));
        item->setData(DirRole, dir);
        m_ui->recentList->addItem(item);
    }
    m_ui->menuRecent->setEnabled(!recent.isEmpty());
    m_ui->recentLabel->setVisible(!recent.isEmpty());
    m_ui->recentList->setVisible(!recent.isEmpty());
}

void MainWindow::chooseProject()
{
    Gui::FileDialog::chooseDirectory(this, tr("Open Project"),
                                     m_project.dir.isEmpty() ? QDir::homePath() : m_project.dir,
                                     [this](const QString& dir) { openProject(dir); });
}

void MainWindow::confirmDiscard(const QString& question, std::function<void()> proceed)
{
    QStringList reasons;
    for (ExperimentPage* page : std::as_const(m_pages)) {
        if (page->isBusy())
            reasons << tr("%1 is building or running").arg(page->experimentName());
        if (page->isModified())
            reasons << tr("%1 has unsaved changes").arg(page->experimentName());
    }
    if (reasons.isEmpty()) {
        proceed();
        return;
    }
    // Unsaved changes can be saved on the way out; a page that refuses to save keeps the window open.
    const QMessageBox::StandardButtons buttons = hasUnsavedChanges()
        ? QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel
        : QMessageBox::Discard | QMessageBox::Cancel;
    Gui::MessageBox::ask(
        this, QMessageBox::Question, tr("Logistician"), question, buttons, QMessageBox::Cancel,
        [this, proceed](QMessageBox::StandardButton answer) {
            if (answer == QMessageBox::Save) {
                for (ExperimentPage* page : std::as_const(m_pages)) {
                    if (!page->isModified())
                        continue;
                    if (const Result saved = page->save(); !saved) {
                        Gui::MessageBox::tell(this, QMessageBox::Warning, tr("Save"), saved.message());
                        return;
                    }
                }
                proceed();
            } else if (answer == QMessageBox::Discard) {
                proceed();
            }
        },
        reasons.join(QLatin1Char('\n')));
}

void MainWindow::openProject(const QString& dir)
{
    const QString absolute = QDir(dir).absolutePath();
    qCDebug(lcGui) << "opening the project" << absolute;
    if (!m_project.dir.isEmpty() && QDir(absolute).canonicalPath() != m_project.dir && !m_pages.isEmpty()) {
        confirmDiscard(tr("Open another project? Runs in progress are stopped and unsaved changes are lost."),
                       [this, absolute] {
                           for (ExperimentPage* page : std::as_const(m_pages)) {
                               for (QUndoStack* stack : page->undoStacks())
                                   m_undoGroup->removeStack(stack);
                               page->runs()->stop();
                               page->deleteLater();
                           }
                           m_pages.clear();
                           m_ui->pages->setCurrentWidget(m_ui->welcomePage);
                           m_project = ProjectScanner::Project();
                           openProject(absolute);
                       });
        return;
    }
    statusBar()->showMessage(tr("Scanning %1…").arg(QDir::toNativeSeparators(absolute)));
    if (m_pendingExperiment.isEmpty())
        m_pendingExperiment = Settings().lastExperiment();
    m_scanPending = true;
    m_scan.setFuture(QtConcurrent::run([absolute] { return ProjectScanner::scan(absolute); }));
}

void MainWindow::refreshProject()
{
    if (!m_project.dir.isEmpty() && !m_scan.isRunning()) {
        m_scanPending = true;
        m_scan.setFuture(QtConcurrent::run([dir = m_project.dir] { return ProjectScanner::scan(dir); }));
    }
}

void MainWindow::onProjectScanned()
{
    m_scanPending = false;
    const ProjectScanner::Project scanned = m_scan.result();
    if (!scanned.error.isEmpty() && scanned.notInGit) {
        // Not a dead end: the folder can become a project here.
        m_pendingExperiment.clear();
        const QString dir = scanned.dir;
        statusBar()->showMessage(scanned.error, 10000);
        Gui::MessageBox::ask(
            this, QMessageBox::Question, tr("Open Project"),
            tr("%1 is not inside a Git repository.").arg(QDir::toNativeSeparators(dir)),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes,
            [this, dir](QMessageBox::StandardButton answer) {
                if (answer == QMessageBox::Yes)
                    initialiseProject(dir);
            },
            tr("Logistician pins every run to a Git commit. Initialise makes this folder a Git repository, with a "
               ".gitignore that keeps run data and the app's state out, and a first commit of the files in it."),
            { { QMessageBox::Yes, tr("&Initialise") } });
        return;
    }
    if (!scanned.error.isEmpty()) {
        statusBar()->showMessage(scanned.error, 10000);
        Gui::MessageBox::tell(this, QMessageBox::Warning, tr("Open Project"), scanned.error);
        m_pendingExperiment.clear();
        return;
    }
    const bool sameProject = scanned.dir == m_project.dir;
    m_project = scanned;
    m_git->setDirectory(m_project.dir, m_project.git); // the scan's walk is the state until the next one
    if (!sameProject)
        addRecent(m_project.dir);
    populateBrowser();
    const int count = m_project.experiments.size();
    statusBar()->showMessage(count == 1 ? tr("1 experiment in %1").arg(m_project.dir)
                                        : tr("%1 experiments in %2").arg(count).arg(m_project.dir),
                             5000);

    QString toOpen = m_pendingExperiment;
    m_pendingExperiment.clear();
    if (!sameProject) {
        bool inProject = false;
        // The folder asked for may be spelt through a symbolic link (the deployment index, a copied example).
        const QString wanted = QFileInfo(toOpen).canonicalFilePath();
        for (const auto& e : std::as_const(m_project.experiments)) {
            if (!inProject
                && (e.dir == toOpen || (!wanted.isEmpty() && QFileInfo(e.dir).canonicalFilePath() == wanted))) {
                inProject = true;
                toOpen = e.dir;
            }
        }
        if (!inProject)
            toOpen = m_project.experiments.isEmpty() ? QString() : m_project.experiments.first().dir;
    }
    const bool toBoard = std::exchange(m_pendingBoard, false);
    if (!toOpen.isEmpty()) {
        ExperimentPage* page = openExperiment(toOpen);
        if (toBoard && page->dir() == QDir(toOpen).absolutePath())
            page->showTab(3);
    } else if (ExperimentPage* page = currentPage()) {
        openExperiment(page->dir()); // keep the selection in the refreshed list
    }
    updateActions();
    updateTitle();
    Q_EMIT projectLoaded();
    maybeAnnounceShown();
}

void MainWindow::populateBrowser()
{
    const QSignalBlocker blocker(m_ui->projectBrowser);
    m_ui->projectBrowser->clear();
    const QPalette p = palette();
    for (const auto& e : std::as_const(m_project.experiments)) {
        auto* item = new QTreeWidgetItem(m_ui->projectBrowser);
        // Listed as the CLI and the paths name it (experiments/1); its experiment_name is the second line
        // of the tooltip and what a screen reader says after it.
        const QString name = QDir::fromNativeSeparators(e.relativePath);
        item->setText(0, name);
        item->setData(0, NameRole, name);
        item->setData(0, DirRole, e.dir);
        item->setStatusTip(0, e.name);
        // The name in full, what the experiment calls itself, and what the columns say (they give way in a
        // narrow pane).
        const QString facts = e.error.isEmpty() ? tr("%n condition(s)", nullptr, e.conditionCount) : e.error;
        item->setToolTip(0,
                         name + QLatin1Char('\n') + tr("experiment_name: %1").arg(e.name) + QLatin1Char('\n') + facts);
        if (!e.error.isEmpty()) {
            item->setIcon(0, style()->standardIcon(QStyle::SP_MessageBoxWarning));
            item->setText(1, tr("error"));
            item->setForeground(1, Theme::errorText(p));
        } else {
            item->setIcon(0, style()->standardIcon(QStyle::SP_DirIcon));
            item->setText(1, QString::number(e.conditionCount));
            item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        }
    }
    updateBrowserMarks();
    m_ui->projectTitle->setText(QFileInfo(m_project.dir).fileName());
    showGitState();
}

void MainWindow::showGitState()
{
    if (m_project.dir.isEmpty())
        return;
    // One walk, two views: the experiments' column and the project's line say the same thing as the headers.
    const GitStatus::Snapshot& git = m_git->snapshot();
    const bool known = git.dir == m_project.dir && git.inRepository;
    const QPalette p = palette();
    const QString head = git.head.left(8);
    for (int i = 0; i < m_ui->projectBrowser->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_ui->projectBrowser->topLevelItem(i);
        const QList<GitRepository::Change> changes
            = known ? git.changesBelow(item->data(0, DirRole).toString()) : QList<GitRepository::Change>();
        const bool dirty = !changes.isEmpty();
        using Word = GitStatus::Snapshot::Word;
        const Word word = known ? git.word(item->data(0, DirRole).toString()) : Word::Unknown;
        item->setText(2,
                      word == Word::NotCommitted   ? tr("not committed")
                          : word == Word::Modified ? tr("modified")
                          : word == Word::Clean    ? tr("clean")
                                                   : QString());
        item->setForeground(2, dirty ? Theme::errorText(p) : Theme::mutedText(p));
        item->setToolTip(2,
                         !dirty ? tr("Matches commit %1").arg(head)
                             : head.isEmpty()
                             ? tr("Not committed yet")
                             : tr("%n file(s) in this experiment differ from commit %1 or are not committed yet",
                                  nullptr, changes.size())
                                   .arg(head));
    }
    QString state;
    if (!known)
        state = tr("Reading the Git state…");
    else if (git.head.isEmpty())
        state = tr("No commit yet");
    else
        state = tr("%1 at %2").arg(git.branch.isEmpty() ? tr("Detached HEAD") : git.branch, head);
    if (known)
        state += git.isDirty() ? tr(" · uncommitted changes") : tr(" · clean");
    if (m_project.experiments.isEmpty())
        state += tr("\nNo experiments yet: create one with New Experiment.");
    m_ui->projectState->setText(state);
    m_ui->projectState->setToolTip(
        QDir::toNativeSeparators(m_project.dir)
        + (git.remoteUrl.isEmpty() ? QString() : QStringLiteral("\norigin: ") + git.remoteUrl));
}

ExperimentPage* MainWindow::openExperiment(const QString& dir)
{
    const QString key = QDir(dir).absolutePath();
    ExperimentPage* page = m_pages.value(key);
    if (!page) {
        page = new ExperimentPage(m_ui->pages);
        page->setGitStatus(m_git);
        m_pages.insert(key, page);
        m_ui->pages->addWidget(page);
        for (QUndoStack* stack : page->undoStacks())
            m_undoGroup->addStack(stack);
        connect(page, &ExperimentPage::activeUndoStackChanged, this, [this, page](QUndoStack* stack) {
            if (m_ui->pages->currentWidget() == page)
                m_undoGroup->setActiveStack(stack);
        });
        page->open(key);
        page->runs()->restoreSplitterState(Settings().runsSplitterState());
        connect(page, &ExperimentPage::modifiedChanged, this, [this] {
            updateTitle();
            updateActions();
            updateBrowserMarks();
        });
        connect(page, &ExperimentPage::busyChanged, this, [this, page](bool busy) {
            for (int i = 0; i < m_ui->projectBrowser->topLevelItemCount(); ++i) {
                QTreeWidgetItem* item = m_ui->projectBrowser->topLevelItem(i);
                if (item->data(0, DirRole).toString() == page->dir())
                    item->setIcon(0, style()->standardIcon(busy ? QStyle::SP_MediaPlay : QStyle::SP_DirIcon));
            }
            updateActions();
            if (!busy && m_closeConfirmed && !hasWorkRunning())
                QTimer::singleShot(0, this, &MainWindow::close);
        });
        connect(page, &ExperimentPage::statusMessage, this,
                [this](const QString& m) { statusBar()->showMessage(m, 8000); });
        connect(page, &ExperimentPage::saved, this, [this] { refreshProject(); });
    }
    m_ui->pages->setCurrentWidget(page);
    m_undoGroup->setActiveStack(page->undoStack());
    // Edit > Undo acts on the conditions' undo stack from anywhere in the page; text fields (the
    // Dockerfile, the settings) take Ctrl+Z for their own undo first.
    for (QAction* action : { m_ui->menuEdit->actions().value(0), m_ui->menuEdit->actions().value(1) }) {
        if (action)
            page->addAction(action);
    }
    for (int i = 0; i < m_ui->projectBrowser->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_ui->projectBrowser->topLevelItem(i);
        if (item->data(0, DirRole).toString() == key && m_ui->projectBrowser->currentItem() != item) {
            const QSignalBlocker blocker(m_ui->projectBrowser);
            m_ui->projectBrowser->setCurrentItem(item);
        }
    }
    updateActions();
    updateTitle();
    return page;
}

ExperimentPage* MainWindow::currentPage() const
{
    return qobject_cast<ExperimentPage*>(m_ui->pages->currentWidget());
}

bool MainWindow::hasWorkRunning() const
{
    for (ExperimentPage* page : m_pages) {
        if (page->isBusy())
            return true;
    }
    return false;
}

bool MainWindow::hasUnsavedChanges() const
{
    for (ExperimentPage* page : m_pages) {
        if (page->isModified())
            return true;
    }
    return false;
}

void MainWindow::saveCurrent()
{
    ExperimentPage* page = currentPage();
    if (!page)
        return;
    if (const Result saved = page->save())
        statusBar()->showMessage(tr("Saved %1").arg(page->experimentName()), 5000);
    else
        Gui::MessageBox::tell(this, QMessageBox::Warning, tr("Save"), saved.message());
}

void MainWindow::updateActions()
{
    const bool hasProject = !m_project.dir.isEmpty();
    ExperimentPage* page = currentPage();
    const bool loaded = page && page->isLoaded();
    const bool busy = page && page->runs()->isBusy(); // a deployment in progress does not hold up local runs
    m_ui->actionNewExperiment->setEnabled(hasProject);
    m_ui->newExperimentButton->setEnabled(hasProject);
    m_ui->welcomeNewExperimentButton->setEnabled(hasProject);
    m_ui->actionSave->setEnabled(page && page->isModified());
    m_ui->actionBuild->setEnabled(loaded && !busy);
    m_ui->actionRun->setEnabled(loaded && !busy);
    m_ui->actionStop->setEnabled(busy);
    m_openShell->setEnabled(loaded);
    m_commitAction->setEnabled(hasProject);
    for (QAction* a : { m_ui->actionShowConditions, m_ui->actionShowEnvironment, m_ui->actionShowRuns,
                        m_ui->actionShowDeployments, findChild<QAction*>(QStringLiteral("actionShowSettings")) })
        a->setEnabled(page != nullptr);
    // The Deploy menu holds the current experiment's board actions, enabled as its buttons are.
    if (auto* deployMenu = findChild<QMenu*>(QStringLiteral("menuDeploy"))) {
        deployMenu->clear();
        if (DeploymentBoard* board = page ? page->deployments() : nullptr)
            deployMenu->addActions({ board->deployAction(), board->syncAllAction(), board->terminateAllAction() });
        else
            deployMenu->addAction(tr("Open an experiment to deploy it"))->setEnabled(false);
        // Never a disabled menu in the bar: one stays highlighted after Escape. Its entries say why not.
        deployMenu->setEnabled(true);
    }
}

void MainWindow::updateBrowserMarks()
{
    // An experiment with unsaved edits reads "name *" in the browser, as the title and its tab do.
    for (int i = 0; i < m_ui->projectBrowser->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_ui->projectBrowser->topLevelItem(i);
        const ExperimentPage* page = m_pages.value(QDir(item->data(0, DirRole).toString()).absolutePath());
        const bool modified = page && page->isModified();
        const QString name = item->data(0, NameRole).toString();
        item->setText(0, modified ? name + QStringLiteral(" *") : name);
        QFont font = item->font(0);
        font.setItalic(modified);
        item->setFont(0, font);
        const QString experimentName = item->statusTip(0);
        item->setData(0, Qt::AccessibleDescriptionRole,
                      modified ? tr("%1, unsaved changes").arg(experimentName) : experimentName);
    }
}

void MainWindow::updateTitle()
{
    ExperimentPage* page = currentPage();
    QString title;
    if (page)
        title = page->experimentName() + QStringLiteral("[*] — ");
    if (!m_project.dir.isEmpty())
        title += QFileInfo(m_project.dir).fileName() + QStringLiteral(" — ");
    setWindowTitle(title + QStringLiteral("Logistician"));
    setWindowModified(page && page->isModified());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_closeConfirmed && (hasWorkRunning() || hasUnsavedChanges())) {
        event->ignore();
        confirmDiscard(hasWorkRunning() ? tr("Quit and stop the builds and runs in progress?")
                                        : tr("Quit without saving?"),
                       [this] {
                           m_closeConfirmed = true;
                           for (ExperimentPage* page : std::as_const(m_pages))
                               page->runs()->stop();
                           // Containers get a moment to stop cleanly (docker passes the signal
                           // on); the window closes when the last one has, or after 15 s.
                           if (hasWorkRunning()) {
                               statusBar()->showMessage(tr("Stopping the runs in progress…"));
                               QTimer::singleShot(15000, this, [this] {
                                   m_forceClose = true;
                                   close();
                               });
                           } else {
                               QTimer::singleShot(0, this, &MainWindow::close);
                           }
                       });
        return;
    }
    if (m_closeConfirmed && hasWorkRunning() && !m_forceClose) {
        event->ignore();
        return;
    }
    saveLayout();
    event->accept();
}

void MainWindow::fitDocks()
{
    if (!m_autoDocks)
        return;
    const bool open = height() >= 1000;
    // Not isVisible(): before the window is shown nothing is visible, and the dock would open with it.
    if (open == !m_commandLog->isHidden())
        return;
    m_commandLog->setVisible(open);
    if (open)
        resizeDocks({ m_commandLog }, { 150 }, Qt::Vertical); // a few lines; the experiment gets the room
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    fitDocks();
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (!m_shownState.isEmpty())
        restoreState(std::exchange(m_shownState, QByteArray()));
    m_shown = true;
    QTimer::singleShot(0, this, &MainWindow::maybeAnnounceShown);
}

void MainWindow::maybeAnnounceShown()
{
    if (m_announced || !m_shown || m_scanPending)
        return;
    m_announced = true;
    Q_EMIT shownAndLoaded();
}

QWizard* MainWindow::showSetupWizard()
{
    auto* wizard = new SetupWizard(m_credentials, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->open();
    return wizard;
}

QWizard* MainWindow::showNewExperimentWizard()
{
    if (m_project.dir.isEmpty())
        return nullptr;
    auto* wizard = new NewExperimentWizard(m_project.dir, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &NewExperimentWizard::created, this, [this](const QString& dir) {
        m_pendingExperiment = dir;
        m_scanPending = true;
        m_scan.setFuture(QtConcurrent::run([d = m_project.dir] { return ProjectScanner::scan(d); }));
        openExperiment(dir);
    });
    wizard->open();
    return wizard;
}

QDialog* MainWindow::showSettings()
{
    auto* dialog = new SettingsDialog(m_credentials, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::setupWizardRequested, this, &MainWindow::showSetupWizard);
    dialog->open();
    return dialog;
}

QDialog* MainWindow::showAbout()
{
    auto* dialog = new AboutDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

QDialog* MainWindow::showShortcuts()
{
    auto* dialog = new ShortcutsDialog(this, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

QDialog* MainWindow::showExampleDialog()
{
    auto* dialog = new ExampleDialog(AppPaths::examplesDir(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { copyExample(dialog->exampleName(), dialog->destination()); });
    dialog->open();
    return dialog;
}

void MainWindow::copyExample(const QString& name, const QString& destination)
{
    if (m_exampleCopy.isRunning())
        return;
    const QString dest = QDir(destination).absolutePath();
    statusBar()->showMessage(tr("Copying the %1 example to %2…").arg(name, QDir::toNativeSeparators(dest)));
    // Copying and committing a few hundred files is quick, but a slow disk must not freeze the window.
    m_exampleCopy.setFuture(QtConcurrent::run([name, dest, examples = AppPaths::examplesDir()] {
        ExampleCopy copy;
        copy.projectDir = dest;
        const ResultOf<QString> copied = ExampleCopier::copy(examples, name, dest);
        copy.result = copied.error();
        copy.experimentDir = copied.valueOr(QString());
        return copy;
    }));
}

void MainWindow::openShell()
{
    ExperimentPage* page = currentPage();
    if (!page || !page->isLoaded())
        return;
    const Command command
        = TerminalCommand::shell(Settings().terminalCommand(), AppPaths::cliExecutable(), page->dir());
    if (command.program.isEmpty() || !CommandRunner::startDetached(command))
        statusBar()->showMessage(tr("Could not start the terminal (Settings ▸ terminal command)"), 8000);
    else
        statusBar()->showMessage(tr("Opened a shell in %1's image").arg(page->experimentName()), 5000);
}

void MainWindow::openBoard(const QString& experimentDir)
{
    const QString dir = QDir(experimentDir).absolutePath();
    auto repo = GitRepository::discover(dir).valueOr(nullptr);
    const QString root = repo ? QDir(repo->workdir()).absolutePath() : dir;
    if (!m_project.dir.isEmpty() && QDir(root).canonicalPath() == QDir(m_project.dir).canonicalPath()) {
        openExperiment(dir)->showTab(3);
        return;
    }
    m_pendingExperiment = dir;
    m_pendingBoard = true;
    openProject(root);
}

bool MainWindow::closeExperimentPage(const QString& dir)
{
    const QString key = QDir(dir).absolutePath();
    ExperimentPage* page = m_pages.value(key);
    if (!page)
        return true;
    if (page->isBusy() || page->isModified()) {
        Gui::MessageBox::tell(this, QMessageBox::Information, tr("Experiment"),
                              page->isBusy()
                                  ? tr("%1 is building or running; stop it first.").arg(page->experimentName())
                                  : tr("%1 has unsaved changes; save or undo them first.").arg(page->experimentName()));
        return false;
    }
    for (QUndoStack* stack : page->undoStacks())
        m_undoGroup->removeStack(stack);
    m_pages.remove(key);
    if (m_ui->pages->currentWidget() == page)
        m_ui->pages->setCurrentWidget(m_ui->welcomePage);
    page->deleteLater();
    return true;
}

void MainWindow::showBrowserMenu(const QPoint& pos)
{
    QTreeWidgetItem* item = m_ui->projectBrowser->itemAt(pos);
    if (!item)
        return;
    const QString dir = item->data(0, DirRole).toString();
    const QString name = item->data(0, NameRole).toString();
    auto* menu = new QMenu(m_ui->projectBrowser);
    menu->setObjectName(QStringLiteral("browserContextMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Folder"), this,
                    [dir] { QDesktopServices::openUrl(QUrl::fromLocalFile(dir)); });
    QAction* terminal
        = menu->addAction(style()->standardIcon(QStyle::SP_ComputerIcon), tr("Open &Terminal Here"), this, [this, dir] {
              const Command command = TerminalCommand::here(Settings().terminalCommand(), dir);
              if (command.program.isEmpty() || !CommandRunner::startDetached(command))
                  statusBar()->showMessage(tr("Could not start the terminal (Settings ▸ terminal command)"), 8000);
          });
    terminal->setObjectName(QStringLiteral("openTerminalHereAction"));
    menu->addSeparator();
    QAction* duplicate = menu->addAction(tr("D&uplicate"), this, [this, dir] {
        const ResultOf<QString> copy
            = ExperimentFiles::duplicate(m_project.dir, dir, ExperimentFiles::copyName(m_project.dir, dir));
        if (!copy) {
            Gui::MessageBox::tell(this, QMessageBox::Warning, tr("Duplicate"), copy.message());
            return;
        }
        m_pendingExperiment = *copy;
        refreshProject();
    });
    duplicate->setObjectName(QStringLiteral("duplicateExperimentAction"));
    QAction* rename = menu->addAction(tr("Re&name…"), this, [this, dir, name] {
        Gui::TextPrompt::ask(this, tr("Rename %1").arg(name), tr("New name:"), [this, dir](const QString& newName) {
            if (newName.isEmpty() || !closeExperimentPage(dir))
                return;
            const ResultOf<QString> renamed = ExperimentFiles::rename(m_project.dir, dir, newName);
            if (!renamed)
                Gui::MessageBox::tell(this, QMessageBox::Warning, tr("Rename"), renamed.message());
            else
                m_pendingExperiment = *renamed;
            refreshProject();
        });
    });
    rename->setObjectName(QStringLiteral("renameExperimentAction"));
    QAction* remove
        = menu->addAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("&Delete…"), this, [this, dir, name] {
              Gui::MessageBox::ask(
                  this, QMessageBox::Warning, tr("Delete"), tr("Move the experiment %1 to the trash?").arg(name),
                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                  [this, dir](QMessageBox::StandardButton answer) {
                      if (answer != QMessageBox::Yes || !closeExperimentPage(dir))
                          return;
                      const ResultOf<QString> done = ExperimentFiles::moveToTrash(dir);
                      if (!done)
                          Gui::MessageBox::tell(this, QMessageBox::Warning, tr("Delete"), done.message());
                      refreshProject();
                  },
                  QDir::toNativeSeparators(dir));
          });
    remove->setObjectName(QStringLiteral("deleteExperimentAction"));
    menu->popup(m_ui->projectBrowser->viewport()->mapToGlobal(pos));
}

void MainWindow::newProject()
{
    Gui::FileDialog::chooseDirectory(
        this, tr("New Project — choose or make its folder"),
        m_project.dir.isEmpty() ? QDir::homePath() : QFileInfo(m_project.dir).absolutePath(),
        [this](const QString& dir) {
            if (QFileInfo::exists(dir + QStringLiteral("/.git"))) {
                statusBar()->showMessage(tr("%1 is a Git repository already: opened it").arg(dir), 8000);
                openProject(dir);
                return;
            }
            initialiseProject(dir);
        });
}

void MainWindow::initialiseProject(const QString& dir)
{
    if (m_init.isRunning())
        return;
    m_initDir = QDir(dir).absolutePath();
    statusBar()->showMessage(tr("Making %1 a Git repository…").arg(QDir::toNativeSeparators(m_initDir)));
    // A folder of many files takes a while to add: not on this thread.
    m_init.setFuture(QtConcurrent::run([dir = m_initDir] { return GitRepository::initProject(dir).error(); }));
}

QDialog* MainWindow::showCommitDialog()
{
    if (m_project.dir.isEmpty())
        return nullptr;
    ExperimentPage* page = currentPage();
    auto* dialog = new CommitDialog(m_project.dir, page ? page->dir() : QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CommitDialog::committed, this, [this](const QString& commit) {
        statusBar()->showMessage(tr("Committed %1").arg(commit.left(8)), 5000);
        m_git->refresh();
    });
    dialog->open();
    return dialog;
}
