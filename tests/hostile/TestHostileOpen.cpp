// SPDX-License-Identifier: MIT
#include "TestProject.h"
#include "board/DeploymentMonitor.h"
#include "deploy/DeploymentState.h"
#include "workspace/DeploymentIndex.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

// Finding 1: merely opening a project in the app ran terraform (a refresh-only apply for a machine that
// did not answer). Opening asks the hosts only; a terraform on PATH that records its calls proves it.
class TestHostileOpen : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void openingAProjectNeverStartsTerraform()
    {
        TestProject project;
        QTemporaryDir bin;
        const QString calls = bin.filePath("terraform-calls");
        QFile terraform(bin.filePath("terraform"));
        QVERIFY(terraform.open(QIODevice::WriteOnly));
        terraform.write(QStringLiteral("#!/bin/sh\necho \"$*\" >> '%1'\nexit 1\n").arg(calls).toUtf8());
        terraform.close();
        terraform.setPermissions(terraform.permissions() | QFileDevice::ExeOwner);
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", bin.path().toUtf8() + ':' + path);
        qputenv("AWS_ACCESS_KEY_ID", "AKIDOPENTEST");
        qputenv("AWS_SECRET_ACCESS_KEY", "open-test");
        auto restore = qScopeGuard([&] {
            qputenv("PATH", path);
            qunsetenv("AWS_ACCESS_KEY_ID");
            qunsetenv("AWS_SECRET_ACCESS_KEY");
        });

        // A live aws deployment this user made, whose one machine does not answer (nothing listens on port 1).
        const QString host = QStringLiteral("root@127.0.0.1:1");
        const QJsonObject condition {
            { "index", 1 },       { "condition", "--a 1" }, { "arguments", QJsonArray { "--a", "1" } },
            { "slug", "c1-a-1" }, { "host", host },         { "phase", "running" },
            { "attempt", 1 },     { "last_attempt", 1 }
        };
        const QJsonObject json { { "experiment", project.name() },
                                 { "backend", "aws" },
                                 { "commit", QString(40, QLatin1Char('a')) },
                                 { "image", "logistician/open:aaaa" },
                                 { "provision_started", true },
                                 { "provisioned", true },
                                 { "hosts", QJsonArray { QJsonObject { { "address", host }, { "home", "/root" } } } },
                                 { "conditions", QJsonArray { condition } } };
        const QString stateDir = project.experimentDir() + "/.logistician";
        const DeploymentState state = DeploymentState::fromJson(json);
        QVERIFY(state.save(stateDir));
        DeploymentIndex index;
        QVERIFY(index.record(project.experimentDir(), stateDir, state));
        auto forget = qScopeGuard([&] { DeploymentIndex().forget(stateDir); });
        const QString tf = index.terraformDir(stateDir, project.name());
        QVERIFY(QDir().mkpath(tf));
        QFile config(tf + "/main.tf.json");
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{}\n");
        config.close();

        DeploymentMonitor monitor;
        monitor.setPollInterval(3600 * 1000);
        QSignalSpy busy(&monitor, &DeploymentMonitor::busyChanged);
        const Result opened = monitor.open(project.experimentDir());
        QVERIFY2(opened.isOk(), qPrintable(opened.message()));
        QTRY_VERIFY_WITH_TIMEOUT(!monitor.isBusy(), 30000);
        QVERIFY2(!QFile::exists(calls), "opening the project ran terraform");

        // The test can fail: a refresh the user asks for does ask the cloud about the silent machine.
        monitor.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!monitor.isBusy(), 30000);
        QVERIFY(QFile::exists(calls));
    }
};

QTEST_GUILESS_MAIN(TestHostileOpen)
#include "TestHostileOpen.moc"
