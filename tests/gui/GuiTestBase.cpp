// SPDX-License-Identifier: MIT
#include "GuiTestBase.h"

#include "Dialogs.h"
#include "MainWindow.h"
#include "deploy/DeploymentState.h"
#include "workspace/DeploymentIndex.h"

#include <QDateTime>
#include <QDir>
#include <QSignalSpy>
#include <QTest>

GuiTestBase::GuiTestBase() = default;

GuiTestBase::~GuiTestBase()
{
    destroyMainWindow();
}

void GuiTestBase::isolateSettings()
{
    m_config = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/logistician-gui-test-XXXXXX"));
    QVERIFY(m_config->isValid());
    qputenv("XDG_CONFIG_HOME", m_config->path().toUtf8());
    // The deployment index (the Running panel, `list`) too: no test sees the user's deployments.
    qputenv("XDG_STATE_HOME", (m_config->path() + QStringLiteral("/state")).toUtf8());
}

QString GuiTestBase::configDir() const
{
    return m_config ? m_config->path() : QString();
}

MainWindow* GuiTestBase::createMainWindow()
{
    destroyMainWindow();
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    m_window->activateWindow();
    if (!QTest::qWaitForWindowActive(m_window.get()))
        qWarning("main window not active");
    return m_window.get();
}

bool GuiTestBase::openProject(const QString& dir)
{
    QSignalSpy loaded(m_window.get(), &MainWindow::projectLoaded);
    m_window->openProject(dir);
    return loaded.wait(10000);
}

void GuiTestBase::destroyMainWindow()
{
    if (!m_window)
        return;
    // Answer "discard" if the window asks, then let it go.
    Gui::MessageBox::setNextAnswer(QMessageBox::Discard);
    m_window->close();
    Gui::MessageBox::setNextAnswer(QMessageBox::NoButton);
    m_window.reset();
}

QString GuiTestBase::writeLiveDeployment(const QString& experimentDir, const QString& experiment)
{
    DeploymentState state;
    state.experiment = experiment;
    state.backend = QStringLiteral("local");
    state.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    state.createdAt = QDateTime::currentDateTimeUtc().addSecs(-600);
    state.hosts << DeploymentState::Host::at(QStringLiteral("local"));
    const QStringList texts { QStringLiteral("--a 1"), QStringLiteral("--a 2") };
    for (int i = 0; i < texts.size(); ++i) {
        DeploymentState::Condition c;
        c.index = i + 1;
        c.text = texts.at(i);
        c.arguments = texts.at(i).split(QLatin1Char(' '));
        c.slug = DeploymentState::slugFor(c.index, c.text);
        c.host = QStringLiteral("local");
        c.phase = i == 0 ? DeploymentState::Phase::Succeeded : DeploymentState::Phase::Running;
        c.startedAt = state.createdAt.addSecs(10);
        if (i == 0) {
            c.exitCode = 0;
            c.finishedAt = state.createdAt.addSecs(100);
        }
        state.conditions << c;
    }
    const QString stateDir = experimentDir + QStringLiteral("/.logistician");
    if (!QDir().mkpath(stateDir) || !state.save(stateDir) || !DeploymentIndex().record(experimentDir, stateDir, state))
        return {};
    return stateDir;
}
