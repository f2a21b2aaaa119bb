// SPDX-License-Identifier: MIT
// The Running panel's Terminate: what a deleted experiment left running (its index entry, a labelled
// container on this machine) goes through the core's Orphans, after the board's kind of question.
#include "Dialogs.h"
#include "GuiTestBase.h"
#include "LiveDeploymentsPanel.h"
#include "MainWindow.h"
#include "TestProject.h"
#include "workspace/DeploymentIndex.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

namespace {

QTreeWidgetItem* rowOf(QTreeWidget* list, const QString& experiment)
{
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        if (list->topLevelItem(i)->text(LiveDeploymentsPanel::ExperimentColumn) == experiment)
            return list->topLevelItem(i);
    }
    return nullptr;
}

int docker(const QStringList& arguments, QByteArray* out = nullptr)
{
    QProcess p;
    p.start(QStringLiteral("docker"), arguments);
    if (!p.waitForFinished(60000))
        return -1;
    if (out)
        *out = p.readAllStandardOutput();
    return p.exitCode();
}

} // namespace

class TestGuiOrphans : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { CHECKED(isolateSettings()); }
    void cleanup() { destroyMainWindow(); }

    void runningPanelTerminatesAnOrphanAfterAsking()
    {
        TestProject project;
        // A deployment whose experiment folder was deleted, and a container carrying its label here.
        QTemporaryDir gone;
        QVERIFY(gone.isValid());
        const QString goneName = project.name() + QStringLiteral("-gone");
        {
            // Its parameters.json, which the index keeps a copy of.
            QFile in(project.experimentDir() + QStringLiteral("/parameters.json"));
            QVERIFY(in.open(QIODevice::ReadOnly));
            QJsonObject parameters = QJsonDocument::fromJson(in.readAll()).object();
            parameters.insert(QStringLiteral("experiment_name"), goneName);
            QFile out(gone.filePath(QStringLiteral("parameters.json")));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(QJsonDocument(parameters).toJson());
        }
        QVERIFY(!writeLiveDeployment(gone.path(), goneName).isEmpty());
        QVERIFY(gone.remove());
        // Its own tag of the base image: terminate removes the images its containers ran.
        const QString image = QStringLiteral("logistician-test-orphan-%1:latest").arg(goneName.toLower());
        const QString container = QStringLiteral("logistician-%1-left").arg(goneName);
        QCOMPARE(docker({ QStringLiteral("tag"), QStringLiteral("debian:bookworm-slim"), image }), 0);
        auto removeContainer = qScopeGuard([&] {
            docker({ QStringLiteral("rm"), QStringLiteral("-f"), container });
            docker({ QStringLiteral("rmi"), QStringLiteral("--no-prune"), image });
        });
        QCOMPARE(docker({ QStringLiteral("create"), QStringLiteral("--name"), container, QStringLiteral("--label"),
                          QStringLiteral("logistician.experiment=") + goneName, QStringLiteral("--label"),
                          QStringLiteral("logistician.commit=0123456789abcdef0123456789abcdef01234567"), image,
                          QStringLiteral("true") }),
                 0);

        createMainWindow();
        LiveDeploymentsPanel* panel = window()->runningPanel();
        QVERIFY(panel);
        QSignalSpy refreshed(panel, &LiveDeploymentsPanel::refreshed);
        window()->findChild<QAction*>(QStringLiteral("actionShowRunning"))->trigger();
        QVERIFY(refreshed.wait(30000));
        QTreeWidget* list = panel->list();
        QTreeWidgetItem* orphan = rowOf(list, goneName);
        QVERIFY(orphan);
        NEED(QPushButton, terminate, panel, "runningTerminateButton");
        NEED(QPushButton, open, panel, "runningOpenButton");
        list->setCurrentItem(orphan);
        QVERIFY(!open->isEnabled());
        QVERIFY(terminate->isEnabled());

        // Cancel (the default): nothing goes.
        QSignalSpy ended(panel, &LiveDeploymentsPanel::finishedTerminating);
        Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        terminate->click();
        QVERIFY(!terminate->isEnabled()); // while it looks, on a worker
        QVERIFY(ended.wait(60000));
        QCOMPARE(ended.takeFirst().at(0).toBool(), false);
        const QString asked = Gui::MessageBox::lastText();
        QVERIFY2(asked.contains(QStringLiteral("Terminate")) && asked.contains(goneName)
                     && asked.contains(QStringLiteral("1 labelled container(s) on this machine"))
                     && asked.contains(QStringLiteral("the local deployment of commit 0123456789ab")),
                 qPrintable(asked));
        QVERIFY(!DeploymentIndex().find(goneName).isEmpty());
        QByteArray out;
        QCOMPARE(docker({ QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                          QStringLiteral("name=^") + container + QLatin1Char('$') },
                        &out),
                 0);
        QVERIFY(!out.trimmed().isEmpty());

        // Yes: the index entry is terminated and forgotten, the container removed, the row gone.
        QVERIFY(refreshed.wait(30000));
        list->setCurrentItem(rowOf(list, goneName));
        Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
        terminate->click();
        QVERIFY(ended.wait(120000));
        const QList<QVariant> result = ended.takeFirst();
        QVERIFY2(result.at(0).toBool(), qPrintable(result.at(1).toString()));
        QVERIFY(DeploymentIndex().find(goneName).isEmpty());
        QCOMPARE(docker({ QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                          QStringLiteral("name=^") + container + QLatin1Char('$') },
                        &out),
                 0);
        QVERIFY2(out.trimmed().isEmpty(), out.constData());
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isRefreshing() && !rowOf(list, goneName), 30000);
    }
};

QTEST_MAIN(TestGuiOrphans)
#include "TestGuiOrphans.moc"
