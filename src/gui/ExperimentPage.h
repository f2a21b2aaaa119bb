// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QIcon>
#include <QPointer>
#include <QWidget>
#include <memory>

namespace Ui {
class ExperimentPage;
}
class ConditionsEditor;
class EnvironmentEditor;
class LocalRunsPanel;
class DeploymentBoard;
class ExperimentSettingsEditor;
class QUndoStack;
class GitStatus;

// One experiment: its conditions, its Dockerfile, its local runs and its
// deployments (the status board, from board/). A
// parameters.json that does not load shows a banner with the reason (file,
// line, column) and nothing that could overwrite it is enabled.
class ExperimentPage : public QWidget
{
    Q_OBJECT
public:
    explicit ExperimentPage(QWidget* parent = nullptr);
    ~ExperimentPage() override;

    // Loads dir; false when parameters.json (or the folder) is unusable, with the banner shown.
    bool open(const QString& dir);
    bool reload();
    QString dir() const { return m_dir; }
    QString experimentName() const { return m_name; }
    bool isLoaded() const { return m_loaded; }
    QString loadError() const { return m_loadError; }

    // Saves what changed: the conditions (into parameters.json, keeping every
    // other key, atomically) and the Dockerfile. False with *error set when refused.
    Result save();
    bool isModified() const;
    bool isBusy() const;

    ConditionsEditor* conditions() const;
    EnvironmentEditor* environment() const;
    LocalRunsPanel* runs() const;
    DeploymentBoard* deployments() const { return m_deployments; } // the Deployments tab (index 3)
    ExperimentSettingsEditor* settings() const { return m_settings; } // the Settings tab (index 4)
    QUndoStack* undoStack() const;
    QList<QUndoStack*> undoStacks() const; // every stack of the page, for the window's undo group
    void showTab(int index);
    // The project's Git state, which the header shows (the browser reads the same one). Without it the
    // page walks the status itself, once per load.
    void setGitStatus(GitStatus* status);

Q_SIGNALS:
    // The tab shown changed which stack Edit > Undo acts on.
    void activeUndoStackChanged(QUndoStack* stack);
    void modifiedChanged();
    void busyChanged(bool busy);
    void saved(const QString& dir);
    void statusMessage(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void styleHeader(); // the title, the path, the error banner and the tabs' icons
    void showBanner(const QString& message);
    void elidePath();
    void fitTabs();
    void updateGitState();
    void showGitState();
    void updateRunConditions();
    void updateTabMarks();

    void updateFolderStyle(const class Parameters* params);

    std::unique_ptr<Ui::ExperimentPage> m_ui;
    QString m_dir;
    QString m_name;
    QString m_loadError;
    bool m_loaded = false;
    QStringList m_gridConditions; // parameter_grid expanded, offered to Runs after the table's
    DeploymentBoard* m_deployments = nullptr;
    QPointer<GitStatus> m_gitStatus; // the window's (gone first when it closes), or the page's own
    bool m_sharedGit = false;
    ExperimentSettingsEditor* m_settings = nullptr;
    QStringList m_tabTitles; // without the unsaved marker
    QList<QIcon> m_tabIcons; // shown while the labels fit beside them
};
