// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"
#include "workspace/ProjectScanner.h"

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <memory>

namespace Ui {
class MainWindow;
}
class CommandLogDock;
class CredentialStore;
class ExperimentPage;
class LiveDeploymentsPanel;
class QTreeWidgetItem;
class QUndoGroup;
class QWizard;
class QDialog;
class GitStatus;

// The window a researcher lives in: the project browser on the left (each
// experiment with its Git state), one page per opened experiment on the
// right, the command log docked at the bottom. Runs keep going while another
// experiment is shown; closing with work running or edits unsaved asks first.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Scans the folder on a worker thread; projectLoaded() follows.
    void openProject(const QString& dir);
    QString projectDir() const { return m_project.dir; }
    const ProjectScanner::Project& project() const { return m_project; }
    void refreshProject();
    ExperimentPage* openExperiment(const QString& dir);
    ExperimentPage* currentPage() const;
    QStringList recentProjects() const;

    CredentialStore* credentialStore() const { return m_credentials; }
    CommandLogDock* commandLog() const { return m_commandLog; }
    bool hasWorkRunning() const;
    bool hasUnsavedChanges() const;

    QWizard* showSetupWizard();
    QWizard* showNewExperimentWizard();
    QDialog* showSettings();
    QDialog* showAbout();
    QDialog* showShortcuts(); // Help > Keyboard Shortcuts
    // File > Open Example: the example is copied and committed on a worker thread, then opened.
    QDialog* showExampleDialog();
    void copyExample(const QString& name, const QString& destination);
    bool isCopyingExample() const { return m_exampleCopy.isRunning(); }
    // Experiment > Open Shell: `logistician shell` of the current experiment in the configured terminal.
    void openShell();
    // Opens the project holding experimentDir (asking first when another one has work), that experiment,
    // and its Deployments tab: the Running panel's "Open Board".
    void openBoard(const QString& experimentDir);
    LiveDeploymentsPanel* runningPanel() const { return m_running; }
    // The project's Git state: the browser and every experiment's header read this one.
    GitStatus* gitStatus() const { return m_git; }
    // File > New Project: a folder is chosen (made when new), then initialiseProject().
    void newProject();
    // Makes dir a Git repository with a .gitignore and a first commit (on a worker thread), then opens it.
    void initialiseProject(const QString& dir);
    bool isInitialising() const { return m_init.isRunning(); }
    // Experiment > Commit Changes…: the changed files of the project, those of the current experiment checked.
    QDialog* showCommitDialog();

Q_SIGNALS:
    void projectLoaded();
    void shownAndLoaded(); // the first time the window is visible with its project listed

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void setupActions();
    void setActionIcons();
    void connectFileActions();
    void connectExperimentActions();
    void setupEditActions();
    void setupClipboardActions();
    void setupViewActions();
    void setupExampleActions();
    void setupProjectActions();
    void setupThemeMenu();
    // Edit > Cut, Copy, Paste ("cut", "copy", "paste") on the focused widget: whether it can, and do it.
    bool canClipboard(QWidget* focus, const QByteArray& slot) const;
    void clipboardAction(const QByteArray& slot);
    void onProjectScanned();
    void populateBrowser();
    // The browser's Git column and the project's state line, from m_git.
    void showGitState();
    // The experiment browser's context menu: open folder or terminal, duplicate, rename, delete.
    void showBrowserMenu(const QPoint& pos);
    // Drops an experiment's page (before its folder is renamed or deleted); false, saying why, if it has work.
    bool closeExperimentPage(const QString& dir);
    void updateActions();
    void updateTitle();
    void updateBrowserMarks();
    void updateRecentMenu();
    void addRecent(const QString& dir);
    void chooseProject();
    void saveCurrent();
    void restoreLayout();
    void saveLayout();
    void maybeAnnounceShown();
    void confirmDiscard(const QString& question, std::function<void()> proceed);

    struct ExampleCopy
    {
        Result result;
        QString projectDir;
        QString experimentDir;
    };

    std::unique_ptr<Ui::MainWindow> m_ui;
    CommandLogDock* m_commandLog;
    bool m_autoDocks = false; // the docks follow the window's height (no saved layout, not toggled yet)
    void fitDocks();
    LiveDeploymentsPanel* m_running;
    QAction* m_openShell = nullptr;
    QFutureWatcher<ExampleCopy> m_exampleCopy;
    QFutureWatcher<Result> m_init;
    QString m_initDir;
    QAction* m_commitAction = nullptr;
    bool m_pendingBoard = false; // show the Deployments tab of m_pendingExperiment once it opens
    CredentialStore* m_credentials;
    QUndoGroup* m_undoGroup;
    GitStatus* m_git;
    ProjectScanner::Project m_project;
    QFutureWatcher<ProjectScanner::Project> m_scan;
    QString m_pendingExperiment; // to open once the scan is in
    QHash<QString, ExperimentPage*> m_pages;
    bool m_closeConfirmed = false;
    bool m_forceClose = false;
    bool m_shown = false;
    QByteArray m_shownState; // the saved window state, restored again at the first show
    bool m_announced = false;
    // A scan started and its result not applied yet: the watcher stops "running" before its finished
    // signal arrives, so isRunning() alone would announce a window whose list is still empty.
    bool m_scanPending = false;
};
