// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <memory>

namespace Ui {
class LocalRunsPanel;
}
class CommandRunner;
class LocalRun;
class LogView;

// The Runs tab: build the image and run the experiment locally (a condition
// or typed arguments) through core's Docker and LocalRun, the container's
// output live in a LogView, Stop, the exit status, and the history of local runs.
// Nothing here waits: the engine check runs on a worker thread, build and run
// are CommandRunner/LocalRun signals.
class LocalRunsPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Phase
    {
        Idle,
        CheckingEngine,
        Building,
        Running,
        Stopping
    };

    explicit LocalRunsPanel(QWidget* parent = nullptr);
    ~LocalRunsPanel() override;

    void setExperimentDir(const QString& dir);
    // Conditions offered in the picker (saved and unsaved ones alike: they are just arguments).
    void setConditions(const QStringList& conditions);

    bool isBusy() const { return m_phase != Phase::Idle; }
    Phase phase() const { return m_phase; }
    LogView* logView() const;
    void refreshHistory();
    QByteArray splitterState() const;
    void restoreSplitterState(const QByteArray& state);

    void build();
    void run();
    void stop();

Q_SIGNALS:
    void busyChanged(bool busy);
    void finished(int exitCode);

private:
    enum class Goal
    {
        BuildOnly,
        Run
    };
    void start(Goal goal);
    void onEngineChecked();
    void startBuild();
    void startRun();
    void startPreparedRun(LocalRun* run);
    void finish(int exitCode, const QString& message);
    void setPhase(Phase phase, const QString& status);
    void setStatus(const QString& text, int tone); // tone: 0 normal, 1 good, -1 bad
    void updateElapsed();

    std::unique_ptr<Ui::LocalRunsPanel> m_ui;
    QString m_dir;
    Phase m_phase = Phase::Idle;
    Goal m_goal = Goal::Run;
    QStringList m_arguments;
    QString m_optionsText;
    QString m_phaseText;
    QElapsedTimer m_clock;
    QTimer m_tick;
    QFutureWatcher<QString> m_engineCheck; // empty string: the engine answers
    QPointer<CommandRunner> m_build;
    QPointer<LocalRun> m_run;
    QString m_lastDataDir;
};
