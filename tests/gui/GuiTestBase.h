// SPDX-License-Identifier: MIT
#pragma once

#include "Checked.h"

#include <QObject>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

class MainWindow;

// What every GUI test needs: settings in a throwaway XDG_CONFIG_HOME (so no
// test sees a user's window state, recent projects or SSH key), a main window
// that is shown and exposed, and a way to open a project and wait for its scan.
class GuiTestBase : public QObject
{
    Q_OBJECT
public:
    GuiTestBase();
    ~GuiTestBase() override;

    // Writes EXPERIMENT_DIR/.logistician/deployment.json: a live local deployment of two conditions, one
    // finished and one running, and records it in the deployment index; gives the state folder.
    static QString writeLiveDeployment(const QString& experimentDir, const QString& experiment);

protected:
    // Call from initTestCase(): isolates the settings.
    void isolateSettings();
    // A fresh, shown main window; the previous one is closed and deleted.
    MainWindow* createMainWindow();
    // Opens dir and waits for the project scan to come in.
    bool openProject(const QString& dir);
    // Drops the window without asking (unsaved edits and runs are abandoned).
    void destroyMainWindow();

    MainWindow* window() const { return m_window.get(); }
    QString configDir() const;

private:
    std::unique_ptr<QTemporaryDir> m_config;
    std::unique_ptr<MainWindow> m_window;
};

// A widget by object name anywhere below root. When there is none, the test
// fails (the failure is recorded here, naming the widget) and nullptr comes
// back: a test function that goes on must not use it. NEED does both.
template<typename T> T* need(QObject* root, const char* name)
{
    T* child = root ? root->findChild<T*>(QLatin1String(name)) : nullptr;
    if (!child)
        QTest::qFail(qPrintable(QStringLiteral("no %1 named %2")
                                    .arg(QLatin1String(T::staticMetaObject.className()), QLatin1String(name))),
                     __FILE__, __LINE__);
    return child;
}

// Declares T* var, the widget named name below root, and ends the test function when it is missing.
#define NEED(T, var, root, name)                                                                                       \
    T* var = need<T>(root, name);                                                                                      \
    if (!var)                                                                                                          \
    return
