// SPDX-License-Identifier: MIT
#include "ExperimentPage.h"

#include "ConditionsEditor.h"
#include "ConditionsModel.h"
#include "EnvironmentEditor.h"
#include "Experiment.h"
#include "ExperimentSettingsEditor.h"
#include "LocalRunsPanel.h"
#include "Parameters.h"
#include "Theme.h"
#include "board/DeploymentBoard.h"
#include "git/GitRepository.h"
#include "git/GitStatus.h"
#include "ui_ExperimentPage.h"

#include <QDir>
#include <QEvent>
#include <QStyle>
#include <QTabBar>

ExperimentPage::ExperimentPage(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ExperimentPage>())
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("experimentPage"));
    styleHeader();

    connect(m_ui->reloadButton, &QPushButton::clicked, this, &ExperimentPage::reload);
    connect(m_ui->conditionsTab, &ConditionsEditor::modifiedChanged, this, &ExperimentPage::modifiedChanged);
    connect(m_ui->environmentTab, &EnvironmentEditor::modifiedChanged, this, &ExperimentPage::modifiedChanged);
    auto saveNow = [this] {
        if (const Result saved = save())
            Q_EMIT statusMessage(tr("Saved %1").arg(m_name));
        else
            Q_EMIT statusMessage(saved.message());
    };
    connect(m_ui->conditionsTab, &ConditionsEditor::saveRequested, this, saveNow);
    connect(m_ui->conditionsTab, &ConditionsEditor::parameterGridEdited, this,
            [this](const Parameters::Grid& grid) { m_settings->setParameterGrid(grid); });
    connect(m_ui->environmentTab, &EnvironmentEditor::saveRequested, this, saveNow);
    connect(m_ui->conditionsTab->model(), &QAbstractItemModel::modelReset, this, &ExperimentPage::updateRunConditions);
    connect(m_ui->conditionsTab->model(), &QAbstractItemModel::dataChanged, this, &ExperimentPage::updateRunConditions);
    connect(m_ui->runsTab, &LocalRunsPanel::busyChanged, this, [this] { Q_EMIT busyChanged(isBusy()); });
    connect(m_ui->runsTab, &LocalRunsPanel::finished, this, &ExperimentPage::updateGitState);
    m_deployments = new DeploymentBoard;
    m_ui->experimentTabs->addTab(m_deployments, style()->standardIcon(QStyle::SP_ArrowUp), tr("De&ployments"));
    connect(m_deployments, &DeploymentBoard::statusMessage, this, &ExperimentPage::statusMessage);
    connect(m_deployments, &DeploymentBoard::busyChanged, this, [this] { Q_EMIT busyChanged(isBusy()); });
    m_settings = new ExperimentSettingsEditor;
    m_ui->experimentTabs->addTab(m_settings, style()->standardIcon(QStyle::SP_FileDialogInfoView), tr("Se&ttings"));
    connect(m_settings, &ExperimentSettingsEditor::modifiedChanged, this, &ExperimentPage::modifiedChanged);
    connect(m_settings, &ExperimentSettingsEditor::saveRequested, this, saveNow);
    // One grid: an edit on the Settings tab shows on the Conditions tab (and in Runs) before it is saved.
    connect(m_settings, &ExperimentSettingsEditor::parameterGridChanged, this, [this](const Parameters::Grid& grid) {
        m_gridConditions = Parameters::expandGrid(grid);
        m_ui->conditionsTab->setParameterGrid(grid);
        updateRunConditions();
    });
    // Five tabs fit an 800-px window: when the room runs out their labels are shortened (whole in the
    // tooltip) rather than hidden behind scroll arrows.
    QTabBar* tabBar = m_ui->experimentTabs->tabBar();
    tabBar->setElideMode(Qt::ElideRight);
    tabBar->setUsesScrollButtons(false);
    m_ui->experimentTabs->installEventFilter(this);
    connect(m_ui->experimentTabs, &QTabWidget::currentChanged, this,
            [this] { Q_EMIT activeUndoStackChanged(undoStack()); });
    for (int i = 0; i < m_ui->experimentTabs->count(); ++i) {
        m_tabIcons << m_ui->experimentTabs->tabIcon(i);
        m_tabTitles << m_ui->experimentTabs->tabText(i);
        m_ui->experimentTabs->setTabToolTip(i, QString(m_tabTitles.last()).remove(QLatin1Char('&')));
    }
    connect(this, &ExperimentPage::modifiedChanged, this, &ExperimentPage::updateTabMarks);
}

void ExperimentPage::styleHeader()
{
    QFont title = m_ui->experimentTitle->font();
    title.setPointSizeF(title.pointSizeF() * 1.35);
    title.setBold(true);
    m_ui->experimentTitle->setFont(title);
    QPalette muted = m_ui->experimentPath->palette();
    muted.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_ui->experimentPath->setPalette(muted);
    // The folder's path takes what room the header leaves, shortened in the middle (whole in its
    // tooltip), so a long path never makes the window wider than a small screen.
    m_ui->experimentPath->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_ui->experimentPath->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_ui->experimentPath->installEventFilter(this);
    m_ui->headerLayout->setStretchFactor(m_ui->experimentPath, 1);
    // A long experiment name is shortened too (whole in its tooltip): it never needs more than its text.
    m_ui->experimentTitle->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_ui->experimentTitle->setMinimumWidth(80);
    m_ui->experimentTitle->installEventFilter(this);
    m_ui->headerLayout->setStretchFactor(m_ui->experimentTitle, 1);

    QPalette banner = m_ui->errorBanner->palette();
    banner.setColor(QPalette::Window, Theme::errorBackground(palette()));
    m_ui->errorBanner->setPalette(banner);
    const int iconSize = style()->pixelMetric(QStyle::PM_LargeIconSize);
    m_ui->errorBannerIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(iconSize, iconSize));
    m_ui->errorBanner->hide();
    m_ui->experimentTabs->setTabIcon(0, style()->standardIcon(QStyle::SP_FileDialogDetailedView));
    m_ui->experimentTabs->setTabIcon(1, style()->standardIcon(QStyle::SP_FileIcon));
    m_ui->experimentTabs->setTabIcon(2, style()->standardIcon(QStyle::SP_MediaPlay));
}

void ExperimentPage::updateTabMarks()
{
    // The editor with unsaved edits says so on its tab: "Conditions *".
    const QList<QPair<int, bool>> tabs { { 0, m_ui->conditionsTab->isModified() },
                                         { 1, m_ui->environmentTab->isModified() },
                                         { 4, m_settings->isModified() } };
    for (const auto& [index, modified] : tabs) {
        m_ui->experimentTabs->setTabText(
            index, modified ? m_tabTitles.value(index) + QStringLiteral(" *") : m_tabTitles.value(index));
        const QString plain = QString(m_tabTitles.value(index)).remove(QLatin1Char('&'));
        m_ui->experimentTabs->setTabToolTip(index, modified ? tr("%1 (unsaved changes)").arg(plain) : plain);
    }
}

ExperimentPage::~ExperimentPage() = default;

ConditionsEditor* ExperimentPage::conditions() const
{
    return m_ui->conditionsTab;
}
EnvironmentEditor* ExperimentPage::environment() const
{
    return m_ui->environmentTab;
}
LocalRunsPanel* ExperimentPage::runs() const
{
    return m_ui->runsTab;
}
QUndoStack* ExperimentPage::undoStack() const
{
    // The Settings tab has its own; every other tab undoes the conditions.
    if (m_ui->experimentTabs->currentWidget() == m_settings)
        return m_settings->undoStack();
    return m_ui->conditionsTab->undoStack();
}

QList<QUndoStack*> ExperimentPage::undoStacks() const
{
    return { m_ui->conditionsTab->undoStack(), m_settings->undoStack() };
}
void ExperimentPage::showTab(int index)
{
    m_ui->experimentTabs->setCurrentIndex(index);
}

bool ExperimentPage::open(const QString& dir)
{
    m_dir = QDir(dir).absolutePath();
    return reload();
}

bool ExperimentPage::reload()
{
    m_name = QDir(m_dir).dirName();
    m_ui->experimentPath->setToolTip(QDir::toNativeSeparators(m_dir));
    elidePath();
    m_ui->environmentTab->load(m_dir + QStringLiteral("/Dockerfile"));
    m_ui->runsTab->setExperimentDir(m_dir);

    const auto opened = Experiment::open(m_dir);
    const Experiment experiment = opened.valueOr(Experiment());
    m_loaded = opened.isOk();
    if (!m_loaded) {
        m_loadError = opened.message();
        showBanner(opened.message());
        m_ui->conditionsTab->load({}, {});
        m_settings->load(Parameters());
        m_gridConditions.clear();
    } else {
        m_loadError.clear();
        m_ui->errorBanner->hide();
        m_name = experiment.parameters().experimentName();
        m_ui->conditionsTab->load(experiment.parameters().conditions(), experiment.parameters().parameterGrid());
        m_gridConditions = Parameters::expandGrid(experiment.parameters().parameterGrid());
        m_settings->setStateDir(experiment.stateDir());
        m_settings->load(experiment.parameters());
    }
    updateFolderStyle(m_loaded ? &experiment.parameters() : nullptr);
    // Nothing that writes parameters.json or runs the experiment works on a file that does not load.
    m_ui->conditionsTab->setEnabled(m_loaded);
    m_ui->runsTab->setEnabled(m_loaded);
    m_settings->setEnabled(m_loaded);
    // The board picks up a live deployment from its saved state; one being deployed or synced is left alone.
    if (m_loaded && (m_deployments->experimentDir() != m_dir || !m_deployments->isBusy()))
        m_deployments->setExperimentDir(m_dir);
    m_deployments->setEnabled(m_loaded);
    if (!m_loaded && m_ui->experimentTabs->currentIndex() != 1)
        m_ui->experimentTabs->setCurrentIndex(0);
    m_ui->experimentTitle->setToolTip(m_name);
    m_ui->experimentTitle->setMaximumWidth(m_ui->experimentTitle->fontMetrics().horizontalAdvance(m_name) + 8);
    elidePath();
    updateGitState();
    updateRunConditions();
    Q_EMIT modifiedChanged();
    return m_loaded;
}

void ExperimentPage::showBanner(const QString& message)
{
    m_ui->errorBannerText->setText(
        tr("<b>This experiment cannot be opened.</b> Fix the file and press Reload; nothing will be saved over it "
           "until then.<br><tt>%1</tt>")
            .arg(message.toHtmlEscaped()));
    m_ui->errorBanner->show();
}

void ExperimentPage::setGitStatus(GitStatus* status)
{
    if (m_gitStatus)
        m_gitStatus->disconnect(this);
    m_gitStatus = status;
    m_sharedGit = status && status->parent() != this;
    if (status)
        connect(status, &GitStatus::changed, this, &ExperimentPage::showGitState);
    showGitState();
}

void ExperimentPage::updateGitState()
{
    // A page on its own (no window's project state to follow) keeps one of its own, for its folder.
    if (!m_gitStatus && m_sharedGit)
        return; // the window's is gone: it is closing
    if (!m_gitStatus)
        setGitStatus(new GitStatus(this));
    if (m_gitStatus->parent() == this && m_gitStatus->directory() != m_dir)
        m_gitStatus->setDirectory(m_dir);
    showGitState();
    m_gitStatus->refresh();
}

void ExperimentPage::showGitState()
{
    if (!m_gitStatus || m_dir.isEmpty())
        return;
    const GitStatus::Snapshot& state = m_gitStatus->snapshot();
    if (state.dir.isEmpty())
        return; // the first walk is not in yet
    if (!state.inRepository) {
        m_ui->gitState->setText(tr("not in a Git working tree"));
        return;
    }
    const QList<GitRepository::Change> changes = state.changesBelow(m_dir);
    const bool dirty = !changes.isEmpty();
    const bool neverCommitted = state.word(m_dir) == GitStatus::Snapshot::Word::NotCommitted;
    QString text = state.head.isEmpty() ? tr("no commit yet") : tr("at %1").arg(state.head.left(8));
    if (!state.branch.isEmpty())
        text += tr(" on %1").arg(state.branch);
    if (dirty)
        text += tr(" · <span style=\"color:%1\">%2</span>")
                    .arg(Theme::errorText(palette()).name(), neverCommitted ? tr("not committed") : tr("modified"));
    else
        text += tr(" · clean");
    m_ui->gitState->setText(text);
    m_ui->gitState->setToolTip(
        dirty ? tr("%n file(s) of this experiment differ from the last commit or are not committed yet; a "
                   "deployment runs a commit, so commit them first (Experiment ▸ Commit Changes…)",
                   nullptr, changes.size())
              : tr("This experiment's files match commit %1").arg(state.head));
}

void ExperimentPage::updateRunConditions()
{
    m_ui->runsTab->setConditions(m_ui->conditionsTab->conditions() + m_gridConditions);
}

Result ExperimentPage::save()
{
    if (!m_loaded)
        return Result::failed(
            tr("%1 did not load; not saving over it").arg(m_dir + QStringLiteral("/parameters.json")));
    const bool conditionsChanged = m_ui->conditionsTab->isModified();
    const bool settingsChanged = m_settings->isModified();
    if (conditionsChanged && m_ui->conditionsTab->hasProblems())
        return Result::badInput(tr("Not saved: %1").arg(m_ui->conditionsTab->problems().first()));
    if (settingsChanged && m_settings->hasProblems())
        return Result::badInput(tr("Not saved: %1").arg(m_settings->problems().first()));
    if (conditionsChanged || settingsChanged) {
        // Read the file again, so keys changed on disk since it was opened survive too.
        const QString path = m_dir + QLatin1Char('/') + QLatin1String(Parameters::FileName);
        auto params = Parameters::load(path);
        if (!params)
            return Result::failed(
                tr("Not saved: the file changed on disk and no longer loads: %1").arg(params.message()));
        if (conditionsChanged)
            params->setConditions(m_ui->conditionsTab->conditions());
        if (settingsChanged)
            m_settings->apply(&*params);
        if (const auto check = Parameters::parse(params->toJson(), path); !check)
            return Result::badInput(tr("Not saved: %1").arg(check.message()));
        if (const Result saved = params->save(path); !saved)
            return saved;
        if (conditionsChanged)
            m_ui->conditionsTab->markSaved();
        if (settingsChanged) {
            m_settings->markSaved();
            // The grid and the folder's style may have changed with the settings.
            m_gridConditions = Parameters::expandGrid(params->parameterGrid());
            m_ui->conditionsTab->setParameterGrid(params->parameterGrid());
            updateFolderStyle(&*params);
            updateRunConditions();
        }
    }
    if (m_ui->environmentTab->isModified()) {
        if (const Result saved = m_ui->environmentTab->save(); !saved)
            return saved;
    }
    updateGitState();
    Q_EMIT modifiedChanged();
    Q_EMIT saved(m_dir);
    return Result::ok();
}

bool ExperimentPage::isModified() const
{
    return m_ui->conditionsTab->isModified() || m_ui->environmentTab->isModified() || m_settings->isModified();
}

bool ExperimentPage::isBusy() const
{
    return m_ui->runsTab->isBusy() || m_deployments->isBusy();
}

void ExperimentPage::updateFolderStyle(const Parameters* params)
{
    // Which of the two conventions runs this folder: say it where the user looks first.
    QLabel* label = m_ui->folderStyle;
    if (!params) {
        label->clear();
        label->setToolTip(QString());
        return;
    }
    if (params->isOriginalStyle()) {
        label->setText(tr("Original style"));
        label->setToolTip(tr("No experiment_command: the image's own CMD runs, with the condition in $OPTIONS and "
                             "the Git top level at /project (the original Logistician's convention). The Dockerfile "
                             "decides what $OPTIONS does."));
    } else {
        // Says what runs, not the name of a convention: the command, then the condition's words.
        const QString command = params->experimentCommand();
        const QString shown = command.size() > 48 ? command.left(47) + QChar(0x2026) : command;
        label->setText(tr("Runs: %1 + condition").arg(shown));
        label->setToolTip(tr("experiment_command (%1) runs in /project with each condition's words as its "
                             "arguments; nothing is evaluated.")
                              .arg(command));
    }
}

bool ExperimentPage::eventFilter(QObject* watched, QEvent* event)
{
    if ((watched == m_ui->experimentPath || watched == m_ui->experimentTitle) && event->type() == QEvent::Resize)
        elidePath();
    if (watched == m_ui->experimentTabs && event->type() == QEvent::Resize)
        fitTabs();
    return QWidget::eventFilter(watched, event);
}

void ExperimentPage::fitTabs()
{
    // Where the labels with icons do not fit, the icons go first; only then are the labels shortened.
    QTabWidget* tabs = m_ui->experimentTabs;
    for (int i = 0; i < tabs->count() && i < m_tabIcons.size(); ++i)
        tabs->setTabIcon(i, m_tabIcons.at(i));
    if (tabs->tabBar()->sizeHint().width() <= tabs->width())
        return;
    for (int i = 0; i < tabs->count(); ++i)
        tabs->setTabIcon(i, QIcon());
}

void ExperimentPage::elidePath()
{
    QLabel* label = m_ui->experimentPath;
    label->setText(label->fontMetrics().elidedText(label->toolTip(), Qt::ElideMiddle, label->width()));
    QLabel* title = m_ui->experimentTitle;
    title->setText(title->fontMetrics().elidedText(title->toolTip(), Qt::ElideRight, title->width()));
}
