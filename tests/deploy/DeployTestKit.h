// SPDX-License-Identifier: MIT
#pragma once

#include "CliProcess.h"
#include "TestProject.h"

#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

// What the deploy tests share: a configuration folder of their own (with the
// setup SSH key), a project whose command writes its arguments and exits as
// told, and running the real binary in it.
class DeployTestKit
{
public:
    DeployTestKit();
    ~DeployTestKit();

    bool isValid() const { return m_ok; }
    QString keyPath() const;
    QString configDir() const { return m_config.path(); }
    QMap<QString, QString>& env() { return m_env; }

    // A fresh project whose experiment runs cond.sh with the condition's arguments.
    std::unique_ptr<TestProject> project(const QStringList& conditions, const QJsonObject& extra = {});
    // Starts `deploy --backend local` of the project in the background with the kit's environment, for a
    // test that kills it halfway.
    void startLocalDeploy(TestProject& project, QProcess* deploy) const;
    // Starts `status --watch --interval 1` of the project in the background, from its root, with the kit's
    // environment; the test kills it.
    void startWatch(TestProject& project, QProcess* watch) const;
    CliResult cli(TestProject& project, const QStringList& args, int timeoutMs = 300000);
    // `status --json` as an object (its last line); exit code in *code. A watch syncs nothing unless autoSync
    // (the tests of sync and terminate want the results still on the hosts).
    QJsonObject status(TestProject& project, int* code = nullptr, bool watch = false, bool autoSync = false);
    // The condition object of a status with that slug prefix ("c2").
    static QJsonObject condition(const QJsonObject& status, int index);
    QString dataDir(TestProject& project, const QJsonObject& status, int index) const;
    // Where the CLI's Terraform works for the project's deployment: the per-user index (this kit's
    // XDG_STATE_HOME), never the project's tree.
    QString terraformDir(const TestProject& project) const;
    static QByteArray readFile(const QString& path);
    // Containers of this experiment on the engine, running or not.
    static QStringList containers(const QString& experiment);
    // Removes every container and image tag of the experiment, and its folders in the test's own home
    // (where the local engine and the sshd machines keep them).
    static void cleanUp(const QString& experiment);

    static QByteArray conditionScript();

private:
    QTemporaryDir m_config;
    QMap<QString, QString> m_env;
    QStringList m_experiments;
    bool m_ok = false;
};
