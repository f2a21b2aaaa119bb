// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/Backend.h"
#include "deploy/Deployment.h"

#include <QDialog>
#include <QFutureWatcher>

class DeploymentMonitor;
class Parameters;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFrame;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTimer;
class DeployPreview;

// What a deploy will do, before anything runs or costs money: where it runs,
// how many machines, their type, region and price per hour, how long they may
// run (auto-stop, max runtime), the commit that will run, and a warning when the
// working tree has changes that commit does not hold or SSH is open to a wide
// range. Deploy stays disabled while the plan has a problem. It speaks the app's
// words: a problem the core words for the command line is said as what to do here.
// The Git status walk, the plan and the preview run in the background: the dialog
// opens at once and answers while a big working tree is checked.
class DeployDialog : public QDialog
{
    Q_OBJECT
public:
    explicit DeployDialog(DeploymentMonitor* monitor, QWidget* parent = nullptr);
    ~DeployDialog() override;

    DeployOptions options() const;
    bool canDeploy() const;
    // True until the Git answer and the plan for the current fields are in.
    bool isWorking() const;

    // Preview: what deploy would do (for aws, Terraform's plan made in a scratch folder), computed by the
    // core's DeployPreview in the background; shown in the preview box when it ends.
    void preview();

    // The warning's Commit Changes…: the Commit dialog, after which the working tree is checked again.
    QDialog* showCommitDialog();

    // A message of the core, worded for the command line, said in the app's words.
    static QString plainWords(const QString& message);

    // Above this many dollars an hour for all machines, a deploy without auto-stop is warned about.
    static constexpr double CostlyPerHour = 1.0;

Q_SIGNALS:
    // The Git answer or a plan for the current fields was shown.
    void updated();

private:
    void setUpButtons(); // Deploy, Cancel, Preview…
    void connectSignals();
    void setUpLimits(const Parameters& params, const QColor& errorColour); // auto stop, max runtime
    void setUpStatusWidgets(const QColor& errorColour); // commit, summary, problem, preview
    void buildDirtyBanner(); // the uncommitted-changes warning with its way out
    // What the status walk found; made in a worker from a copy of the folder name.
    struct GitFacts
    {
        QString head;
        QString branch;
        bool dirty = false;
    };
    static GitFacts readGit(const QString& dir);

    QWidget* makeBody();
    void showGit();
    void checkGit();
    void planLater();
    void startPlan();
    void showPlan();
    void showSsh();
    void showLimits();
    void updateButtons();
    void showPreview(const Result& result, const QString& text);
    // What the chosen backend is (costs money, has machines, takes SSH from a range, ...).
    BackendTraits chosen() const;

    DeploymentMonitor* m_monitor;
    QComboBox* m_backend;
    QLineEdit* m_sshCidr;
    QFormLayout* m_form = nullptr;
    QFormLayout* m_limitsForm = nullptr;
    QLabel* m_machines;
    QLabel* m_instanceType;
    QLabel* m_region;
    QLabel* m_cost;
    QSpinBox* m_autoStop;
    QSpinBox* m_maxRuntime;
    QSpinBox* m_machineCount; // aws_machines for this deploy
    QLabel* m_autoStopWarning;
    QLabel* m_commit;
    QLabel* m_summary;
    QFrame* m_dirtyBanner;
    QLabel* m_dirtyText;
    QCheckBox* m_allowDirty;
    QPushButton* m_commitButton;
    QLabel* m_problem;
    QLabel* m_warning;
    QCheckBox* m_allowWideSsh;
    QPushButton* m_previewButton;
    QPlainTextEdit* m_preview;
    DeployPreview* m_previewer;
    QDialogButtonBox* m_buttons;
    QTimer* m_planDelay; // edits settle before plan() runs
    QFutureWatcher<GitFacts> m_git;
    QFutureWatcher<Deployment::Plan> m_plan;
    DeployOptions m_planFor; // the options of the running plan
    Deployment::Plan m_shown; // the plan on show
    bool m_replan = false; // the fields changed while a plan ran: its answer is stale
    bool m_gitKnown = false;
    bool m_planCurrent = false; // the shown plan is for the fields as they are
    bool m_dirty = false;
    bool m_planOk = false;
};
