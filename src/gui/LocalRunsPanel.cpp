// SPDX-License-Identifier: MIT
#include "LocalRunsPanel.h"

#include "CommandRunner.h"
#include "Docker.h"
#include "Experiment.h"
#include "LocalRun.h"
#include "LogView.h"
#include "ShellWords.h"
#include "Theme.h"
#include "ui_LocalRunsPanel.h"

#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QHeaderView>
#include <QJsonArray>
#include <QStyle>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

LocalRunsPanel::LocalRunsPanel(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::LocalRunsPanel>())
{
    m_ui->setupUi(this);
    // Names a screen reader says for the views that have no text of their own.
    m_ui->historyList->setAccessibleName(tr("Run history"));
    m_ui->logView->setAccessibleName(tr("Run output"));
    setObjectName(QStringLiteral("runsPanel"));
    m_ui->buildButton->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_ui->runButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_ui->stopButton->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_ui->argumentsEdit->setFont(Theme::monospaceFont());
    m_ui->logView->setPlaceholderText(tr("The output of builds and runs appears here."));
    m_ui->runsSplitter->setStretchFactor(0, 3);
    m_ui->runsSplitter->setStretchFactor(1, 1);
    m_ui->historyList->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->historyList->header()->setStretchLastSection(true);
    m_ui->runProgress->setVisible(false);

    connect(m_ui->buildButton, &QPushButton::clicked, this, &LocalRunsPanel::build);
    connect(m_ui->runButton, &QPushButton::clicked, this, &LocalRunsPanel::run);
    connect(m_ui->stopButton, &QPushButton::clicked, this, &LocalRunsPanel::stop);
    connect(m_ui->argumentsEdit, &QLineEdit::returnPressed, this, &LocalRunsPanel::run);
    connect(m_ui->conditionCombo, &QComboBox::activated, this, [this](int index) {
        const QVariant condition = m_ui->conditionCombo->itemData(index);
        if (condition.isValid())
            m_ui->argumentsEdit->setText(condition.toString());
    });
    connect(m_ui->argumentsEdit, &QLineEdit::textEdited, this, [this](const QString& text) {
        const int match = m_ui->conditionCombo->findData(text);
        m_ui->conditionCombo->setCurrentIndex(match >= 0 ? match : m_ui->conditionCombo->count() - 1);
    });
    auto openSelected = [this] {
        const QTreeWidgetItem* item = m_ui->historyList->currentItem();
        if (item)
            QDesktopServices::openUrl(QUrl::fromLocalFile(item->data(0, Qt::UserRole).toString()));
    };
    connect(m_ui->openDataFolderButton, &QPushButton::clicked, this, openSelected);
    connect(m_ui->historyList, &QTreeWidget::itemActivated, this, openSelected);
    connect(m_ui->historyList, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem* item) { m_ui->openDataFolderButton->setEnabled(item != nullptr); });

    connect(&m_engineCheck, &QFutureWatcher<QString>::finished, this, &LocalRunsPanel::onEngineChecked);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &LocalRunsPanel::updateElapsed);
}

LocalRunsPanel::~LocalRunsPanel()
{
    // A window closing with a run going (the user agreed to stop it): stop the container.
    if (m_run)
        m_run->cancel();
    if (m_build)
        m_build->cancel();
    m_engineCheck.waitForFinished(); // a local socket connect; returns at once
}

LogView* LocalRunsPanel::logView() const
{
    return m_ui->logView;
}

QByteArray LocalRunsPanel::splitterState() const
{
    return m_ui->runsSplitter->saveState();
}

void LocalRunsPanel::restoreSplitterState(const QByteArray& state)
{
    if (!state.isEmpty())
        m_ui->runsSplitter->restoreState(state);
}

void LocalRunsPanel::setExperimentDir(const QString& dir)
{
    m_dir = dir;
    refreshHistory();
}

void LocalRunsPanel::setConditions(const QStringList& conditions)
{
    const QString current = m_ui->argumentsEdit->text();
    m_ui->conditionCombo->clear();
    for (int i = 0; i < conditions.size(); ++i) {
        const QString text = conditions.at(i).isEmpty() ? tr("(no arguments)") : conditions.at(i);
        m_ui->conditionCombo->addItem(tr("%1: %2").arg(i + 1).arg(text), conditions.at(i));
    }
    m_ui->conditionCombo->addItem(tr("Custom arguments"));
    int match = current.isEmpty() ? -1 : m_ui->conditionCombo->findData(current);
    if (match < 0 && current.isEmpty() && !conditions.isEmpty()) {
        match = 0;
        m_ui->argumentsEdit->setText(conditions.first());
    }
    m_ui->conditionCombo->setCurrentIndex(match >= 0 ? match : m_ui->conditionCombo->count() - 1);
}

void LocalRunsPanel::build()
{
    start(Goal::BuildOnly);
}

void LocalRunsPanel::run()
{
    start(Goal::Run);
}

void LocalRunsPanel::start(Goal goal)
{
    if (isBusy() || m_dir.isEmpty())
        return;
    const auto words = ShellWords::split(m_ui->argumentsEdit->text());
    if (!words) {
        setStatus(tr("Arguments: %1").arg(words.message()), -1);
        return;
    }
    m_goal = goal;
    m_arguments = *words;
    m_optionsText = m_ui->argumentsEdit->text();
    m_ui->logView->clearLog();
    setPhase(Phase::CheckingEngine, tr("Checking the Docker engine…"));
    // A run without "Build before running" needs the image there: asked here, off the GUI thread, so
    // a missing one is said before any run folder is made.
    const bool checkImage = goal == Goal::Run && !m_ui->rebuildCheck->isChecked();
    m_engineCheck.setFuture(QtConcurrent::run([dir = m_dir, checkImage] {
        if (const Result engine = Docker::engineAnswers(); !engine)
            return engine.message();
        const auto opened = Experiment::open(dir);
        if (!opened)
            return opened.message();
        const Experiment& experiment = *opened;
        if (checkImage) {
            if (const Result image = LocalRun::checkImageBuilt(experiment, tr("\"Build before running\" is off"));
                !image)
                return image.message();
        }
        return QString();
    }));
}

void LocalRunsPanel::onEngineChecked()
{
    if (m_phase != Phase::CheckingEngine)
        return; // stopped meanwhile
    const QString error = m_engineCheck.result();
    if (!error.isEmpty()) {
        m_ui->logView->appendNote(error);
        finish(-1, error);
        return;
    }
    if (m_goal == Goal::BuildOnly || m_ui->rebuildCheck->isChecked())
        startBuild();
    else
        startRun();
}

void LocalRunsPanel::startBuild()
{
    const auto opened = Experiment::open(m_dir);
    if (!opened) {
        finish(-1, opened.message());
        return;
    }
    const Experiment& experiment = *opened;
    auto* runner = new CommandRunner(this);
    m_build = runner;
    const Command command = LocalRun::buildCommand(experiment);
    m_ui->logView->appendNote(QStringLiteral("$ ") + command.display());
    connect(runner, &CommandRunner::standardOutput, m_ui->logView, &LogView::appendOutput);
    connect(runner, &CommandRunner::standardError, m_ui->logView, &LogView::appendOutput);
    connect(runner, &CommandRunner::finished, this,
            [this, runner, tag = experiment.imageTag()](int code, const QString& message) {
                runner->deleteLater();
                if (m_phase == Phase::Stopping) {
                    finish(code, tr("Build stopped"));
                    return;
                }
                if (code != 0) {
                    finish(code,
                           message.isEmpty() ? tr("Build failed (docker build exited with %1)").arg(code) : message);
                    return;
                }
                m_ui->logView->appendNote(tr("Built %1").arg(tag));
                if (m_goal == Goal::BuildOnly)
                    finish(0, tr("Built %1").arg(tag));
                else
                    startRun();
            });
    setPhase(Phase::Building, tr("Building %1").arg(experiment.imageTag()));
    runner->start(command);
}

void LocalRunsPanel::startRun()
{
    const auto opened = Experiment::open(m_dir);
    if (!opened) {
        finish(-1, opened.message());
        return;
    }
    const Experiment& experiment = *opened;
    LocalRun::Options options;
    options.arguments = m_arguments;
    options.optionsText = m_optionsText; // an original-style folder gets the text as $OPTIONS
    options.clone = m_ui->cloneCheck->isChecked();
    auto* run = new LocalRun(experiment, options, this);
    m_run = run;
    setPhase(Phase::Running, tr("Preparing the run…"));
    // Git status and a --clone export happen on a worker thread.
    connect(run, &LocalRun::prepared, this, [this, run](const Result& prepared) {
        if (!prepared || m_phase == Phase::Stopping) {
            m_run = nullptr;
            run->deleteLater();
            finish(-1, !prepared ? prepared.message() : tr("Stopped"));
            return;
        }
        startPreparedRun(run);
    });
    run->prepareInBackground();
}

void LocalRunsPanel::startPreparedRun(LocalRun* run)
{
    m_lastDataDir = run->dataDir();
    m_ui->logView->appendNote(QStringLiteral("$ ") + run->command().display());
    connect(run, &LocalRun::standardOutput, m_ui->logView, &LogView::appendOutput);
    connect(run, &LocalRun::standardError, m_ui->logView, &LogView::appendOutput);
    connect(run, &LocalRun::finished, this, [this, run](int code, const QString& message) {
        run->deleteLater();
        m_lastDataDir = run->dataDir(); // empty when the container never started: its folder is gone
        const bool stopped = m_phase == Phase::Stopping;
        finish(code, !message.isEmpty() ? message : stopped ? tr("Stopped (exit code %1)").arg(code) : QString());
    });
    setPhase(Phase::Running, tr("Running"));
    refreshHistory();
    run->start();
}

void LocalRunsPanel::stop()
{
    switch (m_phase) {
    case Phase::CheckingEngine:
        finish(-1, tr("Stopped"));
        break;
    case Phase::Building:
        setPhase(Phase::Stopping, tr("Stopping the build…"));
        if (m_build)
            m_build->cancel();
        break;
    case Phase::Running:
        setPhase(Phase::Stopping, tr("Stopping the container…"));
        if (m_run)
            m_run->cancel();
        break;
    case Phase::Idle:
    case Phase::Stopping:
        break;
    }
}

void LocalRunsPanel::finish(int exitCode, const QString& message)
{
    const qint64 seconds = m_clock.isValid() ? m_clock.elapsed() / 1000 : 0;
    QString status;
    if (!message.isEmpty())
        status = message;
    else if (m_goal == Goal::Run)
        status = tr("Exited with code %1 after %2 s").arg(exitCode).arg(seconds);
    if (m_goal == Goal::Run && message.isEmpty())
        m_ui->logView->appendNote(status);
    else if (exitCode != 0 && !message.isEmpty())
        m_ui->logView->appendNote(message);
    setPhase(Phase::Idle, QString());
    setStatus(status, exitCode == 0 ? 1 : -1);
    if (!m_lastDataDir.isEmpty()) {
        m_ui->lastRunLink->setText(tr("<a href=\"%1\">%2</a>")
                                       .arg(QUrl::fromLocalFile(m_lastDataDir).toString(),
                                            QDir(m_dir).relativeFilePath(m_lastDataDir).toHtmlEscaped()));
        m_ui->lastRunLink->setToolTip(tr("Open the data folder of the last run"));
    }
    refreshHistory();
    Q_EMIT finished(exitCode);
}

void LocalRunsPanel::setPhase(Phase phase, const QString& status)
{
    const bool wasBusy = isBusy();
    m_phase = phase;
    const bool busy = isBusy();
    m_ui->buildButton->setEnabled(!busy);
    m_ui->runButton->setEnabled(!busy);
    m_ui->stopButton->setEnabled(busy && phase != Phase::Stopping);
    m_ui->argumentsEdit->setReadOnly(busy);
    m_ui->conditionCombo->setEnabled(!busy);
    m_ui->runProgress->setVisible(busy);
    if (busy && !wasBusy) {
        m_clock.start();
        m_tick.start();
    } else if (!busy) {
        m_tick.stop();
    }
    if (busy) {
        m_phaseText = status;
        updateElapsed();
    }
    if (busy != wasBusy)
        Q_EMIT busyChanged(busy);
}

void LocalRunsPanel::updateElapsed()
{
    const qint64 s = m_clock.elapsed() / 1000;
    setStatus(QStringLiteral("%1 · %2:%3").arg(m_phaseText).arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0')), 0);
}

void LocalRunsPanel::setStatus(const QString& text, int tone)
{
    m_ui->runStatus->setText(text);
    QPalette p = m_ui->runStatus->palette();
    const QPalette base = palette();
    p.setColor(QPalette::WindowText,
               tone > 0       ? Theme::successText(base)
                   : tone < 0 ? Theme::errorText(base)
                              : base.color(QPalette::WindowText));
    m_ui->runStatus->setPalette(p);
}

void LocalRunsPanel::refreshHistory()
{
    m_ui->historyList->clear();
    if (m_dir.isEmpty())
        return;
    const auto opened = Experiment::open(m_dir);
    if (!opened)
        return;
    const Experiment& experiment = *opened;
    const QList<LocalRun::Record> records = LocalRun::history(experiment);
    for (const LocalRun::Record& record : records) {
        const QJsonObject& c = record.config;
        QStringList args;
        for (const QJsonValue& v : c.value(QStringLiteral("arguments")).toArray())
            args << v.toString();
        const QDateTime started = QDateTime::fromString(c.value(QStringLiteral("started")).toString(), Qt::ISODate);
        QString exit;
        if (c.contains(QStringLiteral("exit_code")))
            exit = QString::number(c.value(QStringLiteral("exit_code")).toInt());
        else if (record.dataDir == m_lastDataDir && isBusy())
            exit = tr("running");
        else
            exit = tr("—");
        QString commit = c.value(QStringLiteral("commit")).toString().left(8);
        if (c.value(QStringLiteral("dirty")).toBool())
            commit += tr(" (modified)");
        auto* item = new QTreeWidgetItem(
            { started.isValid() ? QLocale().toString(started.toLocalTime(), QLocale::ShortFormat) : QString(),
              ShellWords::join(args), exit, commit, QDir(m_dir).relativeFilePath(record.dataDir) });
        item->setData(0, Qt::UserRole, record.dataDir);
        item->setToolTip(4, record.dataDir);
        const int code = c.value(QStringLiteral("exit_code")).toInt();
        if (c.contains(QStringLiteral("exit_code")))
            item->setForeground(2, code == 0 ? Theme::successText(palette()) : Theme::errorText(palette()));
        m_ui->historyList->addTopLevelItem(item);
    }
}
