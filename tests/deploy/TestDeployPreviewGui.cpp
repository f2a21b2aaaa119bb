// SPDX-License-Identifier: MIT
// The deploy dialog's Preview: the same preview as `deploy --dry-run`, worked
// out in the background (terraform runs as a child process while the dialog
// stays responsive), with the real terraform's plan against the EC2 emulator
// (tests/support/ec2-emulator); and the warning for a wide SSH range. The
// board's Terminate All while its own deploy runs: the deploy stops, then
// terminate destroys everything.

#include "DeployTestKit.h"
#include "Dialogs.h"
#include "Ec2Emulator.h"
#include "RealTerraform.h"
#include "board/DeployDialog.h"
#include "board/DeploymentBoard.h"
#include "board/DeploymentMonitor.h"

#include <QApplication>
#include <QCheckBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

namespace {

// The dialog and the board run their commands from this process: the kit's environment, terraform's, and an
// access key of the test's own (an account of its own on the emulator) go into it.
void useAwsEnvironment(DeployTestKit& kit, const RealTerraform& tf, const QString& accessKey)
{
    QMap<QString, QString> env = kit.env();
    env.insert(tf.environment());
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), accessKey);
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("emulator-secret"));
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        qputenv(it.key().toLocal8Bit(), it.value().toLocal8Bit());
}

} // namespace

class TestDeployPreviewGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void previewShowsThePlan();
    void boardShowsTerraformsWholeError();
    void boardTerminateStopsItsDeploy();

private:
    QTemporaryDir m_bin;
};

void TestDeployPreviewGui::previewShowsThePlan()
{
    DeployTestKit kit;
    QVERIFY(kit.isValid());
    RealTerraform tf;
    REQUIRE_REAL_TERRAFORM(tf, m_bin.path());
    REQUIRE_EC2_EMULATOR();
    // This process is the app: it runs terraform itself.
    useAwsEnvironment(kit, tf, QStringLiteral("AKIAEMULATORKEY00002"));

    auto project = kit.project({ QStringLiteral("--n 1"), QStringLiteral("--n 2") },
                               { { QStringLiteral("backend"), QStringLiteral("aws") },
                                 { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                                 { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                                 { QStringLiteral("aws_ami"), QStringLiteral("ami-0123456789abcdef0") } });
    DeploymentMonitor monitor;
    QVERIFY(monitor.open(project->experimentDir()).isOk());
    DeployDialog dialog(&monitor);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* cidr = dialog.findChild<QLineEdit*>(QStringLiteral("deploySshCidr"));
    auto* warning = dialog.findChild<QLabel*>(QStringLiteral("deployWarning"));
    auto* allowWide = dialog.findChild<QCheckBox*>(QStringLiteral("deployAllowWideSsh"));
    auto* confirm = dialog.findChild<QPushButton*>(QStringLiteral("deployConfirmButton"));
    auto* previewButton = dialog.findChild<QPushButton*>(QStringLiteral("deployPreviewButton"));
    auto* preview = dialog.findChild<QPlainTextEdit*>(QStringLiteral("deployPreview"));
    QVERIFY(cidr && warning && allowWide && confirm && previewButton && preview);

    // A wide range: warned about, and Deploy stays off until it is allowed in so many words.
    QTest::keyClicks(cidr, QStringLiteral("0.0.0.0/0"));
    QVERIFY(!confirm->isEnabled()); // the plan for what was typed is worked out in the background
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    QVERIFY(warning->isVisible());
    QVERIFY2(warning->text().contains(QStringLiteral("0.0.0.0/0")), qPrintable(warning->text()));
    QVERIFY(allowWide->isVisible());
    QVERIFY(!confirm->isEnabled());
    allowWide->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    QVERIFY(confirm->isEnabled());
    QVERIFY(warning->isVisible());

    cidr->clear();
    QTest::keyClicks(cidr, QStringLiteral("198.51.100.0/24"));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    QVERIFY(!warning->isVisible());
    QVERIFY(confirm->isEnabled());
    QTest::mouseClick(previewButton, Qt::LeftButton);
    // Worked out in the background: the button is off and the dialog answers while terraform runs.
    QVERIFY(!previewButton->isEnabled());
    QVERIFY(preview->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(previewButton->isEnabled(), 180000);
    const QString text = preview->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("Plan: 4 to add, 0 to change, 0 to destroy.")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("2 EC2 instance(s) of type t3.small in eu-central-1")));
    QVERIFY(text.contains(QStringLiteral("docker run")));
    // Nothing was made.
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/deployment.json")));
    QVERIFY(!QFileInfo::exists(project->experimentDir() + QStringLiteral("/.logistician/terraform")));

    // Spot: the cap beside the on-demand price.
    auto spot = kit.project({ QStringLiteral("--n 1") },
                            { { QStringLiteral("backend"), QStringLiteral("aws") },
                              { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                              { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                              { QStringLiteral("aws_ami"), QStringLiteral("ami-0123456789abcdef0") },
                              { QStringLiteral("aws_ssh_cidr"), QStringLiteral("198.51.100.0/24") },
                              { QStringLiteral("aws_spot"), true },
                              { QStringLiteral("aws_spot_max_price"), QStringLiteral("0.0123") } });
    DeploymentMonitor spotMonitor;
    QVERIFY(spotMonitor.open(spot->experimentDir()).isOk());
    DeployDialog spotDialog(&spotMonitor);
    spotDialog.show();
    QTRY_VERIFY_WITH_TIMEOUT(!spotDialog.isWorking(), 30000);
    const QString cost = spotDialog.findChild<QLabel*>(QStringLiteral("deployCost"))->text();
    QVERIFY2(cost.contains(QStringLiteral("$0.0240")), qPrintable(cost)); // on demand, Frankfurt
    QVERIFY2(cost.contains(QStringLiteral("at most $0.0123 per hour each")), qPrintable(cost));
}

void TestDeployPreviewGui::boardShowsTerraformsWholeError()
{
    // Issue 26 item 7: a failed apply on the board says what terraform said (EC2 refused the launch: an
    // instance type it does not have), not only the resource it names.
    DeployTestKit kit;
    QVERIFY(kit.isValid());
    RealTerraform tf;
    REQUIRE_REAL_TERRAFORM(tf, m_bin.path());
    REQUIRE_EC2_EMULATOR();
    useAwsEnvironment(kit, tf, QStringLiteral("AKIAEMULATORKEY00003"));
    auto project = kit.project({ QStringLiteral("--n 1") },
                               { { QStringLiteral("backend"), QStringLiteral("aws") },
                                 { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                                 { QStringLiteral("aws_instance_type"), QStringLiteral("t3.enormous") },
                                 { QStringLiteral("aws_ami"), Ec2Emulator::anyImage(QStringLiteral("eu-central-1")) },
                                 { QStringLiteral("aws_ami_user"), QStringLiteral("root") } });
    DeploymentBoard board;
    board.show();
    QVERIFY(board.setExperimentDir(project->experimentDir()));
    QSignalSpy ops(board.monitor(), &DeploymentMonitor::operationFinished);
    DeployOptions options;
    options.backend = QStringLiteral("aws");
    options.sshCidr = QStringLiteral("198.51.100.0/24");
    board.monitor()->deploy(options);
    const auto deployEnded = [&ops] {
        for (const QList<QVariant>& op : std::as_const(ops)) {
            if (op.at(0).value<DeploymentMonitor::Operation>() == DeploymentMonitor::Operation::Deploy)
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(deployEnded(), 240000);
    // The line may be elided to fit; the whole message is its tooltip.
    const QString text = board.findChild<QLabel*>(QStringLiteral("boardMessage"))->toolTip();
    QVERIFY2(text.contains(QStringLiteral("creating EC2 Instance")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("InvalidInstanceType")), qPrintable(text));
}

void TestDeployPreviewGui::boardTerminateStopsItsDeploy()
{
    // Issue 26 item 7: Terminate All on the board while the board's own deploy runs (its machines made and still
    // booting, so the deploy waits on them): the deploy stops first, terminate runs after it, and nothing of the
    // experiment is left in EC2.
    DeployTestKit kit;
    QVERIFY(kit.isValid());
    RealTerraform tf;
    REQUIRE_REAL_TERRAFORM(tf, m_bin.path());
    REQUIRE_EC2_EMULATOR();
    useAwsEnvironment(kit, tf, QStringLiteral("AKIAEMULATORKEY00004"));
    const QString region = QStringLiteral("eu-central-1");
    // The machines take ten minutes to boot: the deploy is still waiting for them when terminate comes.
    QVERIFY(Ec2Emulator::setBootSeconds(600));
    auto quickBoot = qScopeGuard([] { Ec2Emulator::setBootSeconds(0); });
    auto project = kit.project({ QStringLiteral("--n 1"), QStringLiteral("--n 2") },
                               { { QStringLiteral("backend"), QStringLiteral("aws") },
                                 { QStringLiteral("aws_region"), region },
                                 { QStringLiteral("aws_instance_type"), QStringLiteral("t3.small") },
                                 { QStringLiteral("aws_ami"), Ec2Emulator::anyImage(region) },
                                 { QStringLiteral("aws_ami_user"), QStringLiteral("root") },
                                 { QStringLiteral("aws_root_volume_size"), 12 } });
    DeploymentBoard board;
    board.show();
    QVERIFY(board.setExperimentDir(project->experimentDir()));
    DeploymentMonitor* monitor = board.monitor();
    QStringList ops; // "started deploy", "finished deploy 1", ... in the order they happen
    connect(monitor, &DeploymentMonitor::operationStarted, &board, [&ops](DeploymentMonitor::Operation op) {
        ops << QStringLiteral("started %1").arg(DeploymentMonitor::operationName(op));
    });
    int terminateCode = -1;
    connect(monitor, &DeploymentMonitor::operationFinished, &board,
            [&ops, &terminateCode](DeploymentMonitor::Operation op, int code, const QString&) {
                ops << QStringLiteral("finished %1").arg(DeploymentMonitor::operationName(op));
                if (op == DeploymentMonitor::Operation::Terminate)
                    terminateCode = code;
            });
    DeployOptions options;
    options.backend = QStringLiteral("aws");
    options.sshCidr = QStringLiteral("198.51.100.0/24");
    monitor->deploy(options);
    QTRY_VERIFY_WITH_TIMEOUT(Ec2Emulator::liveInstances(region, project->name()).size() == 2, 240000);
    QTRY_VERIFY_WITH_TIMEOUT(monitor->deployment()->state().provisioned, 60000);
    QCOMPARE(monitor->operation(), DeploymentMonitor::Operation::Deploy);

    auto* terminate = board.findChild<QPushButton*>(QStringLiteral("terminateAllButton"));
    QVERIFY(terminate);
    QTRY_VERIFY(terminate->isEnabled());
    Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(terminate, Qt::LeftButton);
    QVERIFY2(Gui::MessageBox::lastText().contains(QStringLiteral("Terminate the deployment")),
             qPrintable(Gui::MessageBox::lastText()));
    // Queued behind the deploy's stop: not asked for twice.
    QVERIFY(!terminate->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(terminateCode >= 0, 300000);
    QCOMPARE(terminateCode, 0);
    const QString deploy = DeploymentMonitor::operationName(DeploymentMonitor::Operation::Deploy);
    const QString term = DeploymentMonitor::operationName(DeploymentMonitor::Operation::Terminate);
    QCOMPARE(ops,
             (QStringList { QStringLiteral("started ") + deploy, QStringLiteral("finished ") + deploy,
                            QStringLiteral("started ") + term, QStringLiteral("finished ") + term }));
    QVERIFY(!monitor->isLive());
    QTRY_VERIFY(!board.isBusy());

    // Nothing of the experiment is left: no instance but terminated ones, no security group, no key pair.
    QVERIFY(Ec2Emulator::liveInstances(region, project->name()).isEmpty());
    const QJsonObject ec2 = Ec2Emulator::describe(region);
    const QString prefix = QStringLiteral("logistician-") + project->name().toLower() + QLatin1Char('-');
    for (const char* kind : { "security_groups", "key_pairs" }) {
        for (const QJsonValue& v : ec2.value(QLatin1String(kind)).toArray())
            QVERIFY2(!v.toObject().value(QStringLiteral("name")).toString().startsWith(prefix),
                     qPrintable(v.toObject().value(QStringLiteral("name")).toString()));
    }
}

QTEST_MAIN(TestDeployPreviewGui)
#include "TestDeployPreviewGui.moc"
