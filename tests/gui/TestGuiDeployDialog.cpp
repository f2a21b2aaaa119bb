// SPDX-License-Identifier: MIT
// The deploy dialog on a 50,000-file working tree: it opens at once and the
// event loop keeps turning while Git's status walk and the plan run in
// workers; Deploy waits for both answers; closing it mid-walk is safe.
// And what it says: plain words (no command line), the price per hour, the
// limits it hands to the deploy, the warnings, the preview, its size.
#include "GuiTestBase.h"
#include "TestProject.h"
#include "board/DeployDialog.h"
#include "board/DeploymentMonitor.h"
#include "git/GitRepository.h"

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QThreadPool>
#include <QTimer>
#include <memory>

namespace {

constexpr int BulkFiles = 50000;
constexpr int FilesPerFolder = 500;
constexpr qint64 MaxGapMs = 50;

// The longest wait between ticks of a 5 ms timer on the GUI thread: how long the event loop was kept busy.
class GapMeter : public QObject
{
public:
    GapMeter()
    {
        m_tick.setTimerType(Qt::PreciseTimer);
        m_tick.setInterval(5);
        connect(&m_tick, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (now - m_last > 20000000) // over 20 ms: listed, to tell a blocked loop from a busy machine
                m_long << QStringLiteral("%1 ms at %2 ms").arg((now - m_last) / 1e6, 0, 'f', 1).arg(m_last / 1000000);
            m_maxNs = qMax(m_maxNs, now - m_last);
            m_last = now;
        });
    }
    // From now on: a constructor that blocks counts as a gap.
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_maxNs = 0;
        m_long.clear();
        m_tick.start();
    }
    void stop() { m_tick.stop(); }
    double maxGapMs() const { return m_maxNs / 1e6; }
    QString longGaps() const { return m_long.join(QStringLiteral(", ")); }
    double spanMs() const { return m_last / 1e6; }

private:
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_maxNs = 0;
    QStringList m_long;
};

bool git(const QString& dir, const QStringList& args, const QByteArray& input = QByteArray(), QString* out = nullptr)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"),
            QStringList { QStringLiteral("-c"), QStringLiteral("user.name=Test"), QStringLiteral("-c"),
                          QStringLiteral("user.email=test@example.invalid"), QStringLiteral("-c"),
                          QStringLiteral("commit.gpgsign=false") }
                + args);
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning("git %s: %s", qPrintable(args.join(QLatin1Char(' '))), p.readAllStandardError().constData());
        return false;
    }
    if (out)
        *out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    return true;
}

// BulkFiles tracked files, every one changed in the working tree with content of the same size, so the status
// walk must stat, read and hash each. Made fast: one blob for all, the index written in one go, the files
// written from here.
bool makeHeavyTree(const QString& root)
{
    QString blob;
    if (!git(root, { QStringLiteral("hash-object"), QStringLiteral("-w"), QStringLiteral("--stdin") }, "committed\n",
             &blob))
        return false;
    QByteArray index;
    index.reserve(BulkFiles * 72);
    for (int i = 0; i < BulkFiles; ++i)
        index += QStringLiteral("100644 %1\tbulk/d%2/f%3.txt\n")
                     .arg(blob)
                     .arg(i / FilesPerFolder, 3, 10, QLatin1Char('0'))
                     .arg(i, 5, 10, QLatin1Char('0'))
                     .toUtf8();
    if (!git(root, { QStringLiteral("update-index"), QStringLiteral("--index-info") }, index)
        || !git(root, { QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("bulk") }))
        return false;
    for (int i = 0; i < BulkFiles; ++i) {
        const QString dir = root + QStringLiteral("/bulk/d%1").arg(i / FilesPerFolder, 3, 10, QLatin1Char('0'));
        if (i % FilesPerFolder == 0 && !QDir().mkpath(dir))
            return false;
        QFile file(dir + QStringLiteral("/f%1.txt").arg(i, 5, 10, QLatin1Char('0')));
        if (!file.open(QIODevice::WriteOnly) || file.write("changed!!\n") != 10)
            return false;
    }
    return true;
}

// What the command line says and the dialog must not: its verbs, flags, file keys, and the empty range.
const QStringList CliPhrases { QStringLiteral("logistician "),
                               QStringLiteral("--"),
                               QStringLiteral("`"),
                               QStringLiteral("parameters.json"),
                               QStringLiteral("auto_stop"),
                               QStringLiteral("max_runtime"),
                               QStringLiteral("aws_"),
                               QStringLiteral("from ."),
                               QStringLiteral("SSH hosts listed") };

QString cliPhraseIn(const QString& text)
{
    for (const QString& phrase : CliPhrases) {
        if (text.contains(phrase))
            return phrase;
    }
    return QString();
}

// Every text a user reads in the dialog: labels, buttons, choices, placeholders, spin box words.
QStringList shownTexts(QWidget* dialog)
{
    QStringList texts;
    for (QLabel* label : dialog->findChildren<QLabel*>())
        texts << label->text() << label->toolTip();
    for (QAbstractButton* button : dialog->findChildren<QAbstractButton*>())
        texts << button->text() << button->toolTip();
    for (QComboBox* combo : dialog->findChildren<QComboBox*>()) {
        for (int i = 0; i < combo->count(); ++i)
            texts << combo->itemText(i);
    }
    for (QLineEdit* edit : dialog->findChildren<QLineEdit*>())
        texts << edit->placeholderText() << edit->toolTip();
    for (QSpinBox* spin : dialog->findChildren<QSpinBox*>())
        texts << spin->specialValueText() << spin->suffix() << spin->toolTip();
    texts.removeAll(QString());
    return texts;
}

// Fails the test on a text with a command-line phrase in it.
bool speaksPlainly(QWidget* dialog)
{
    for (const QString& text : shownTexts(dialog)) {
        if (const QString phrase = cliPhraseIn(text); !phrase.isEmpty()) {
            qWarning("\"%s\" says \"%s\"", qPrintable(text), qPrintable(phrase));
            return false;
        }
    }
    return true;
}

// The interactive widgets (not the parts Qt builds inside a spin box, combo box or scroll area) without an
// accessible name.
QStringList nameless(QWidget* dialog)
{
    QStringList found;
    for (QWidget* w : dialog->findChildren<QWidget*>()) {
        const bool interactive = qobject_cast<QAbstractButton*>(w) || qobject_cast<QComboBox*>(w)
            || qobject_cast<QLineEdit*>(w) || qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QPlainTextEdit*>(w)
            || qobject_cast<QScrollArea*>(w);
        if (!interactive || w->objectName().startsWith(QLatin1String("qt_")))
            continue;
        if (qobject_cast<QLineEdit*>(w)
            && (qobject_cast<QAbstractSpinBox*>(w->parentWidget()) || qobject_cast<QComboBox*>(w->parentWidget())))
            continue;
        if (w->accessibleName().isEmpty())
            found << QStringLiteral("%1 %2").arg(QLatin1String(w->metaObject()->className()), w->objectName());
    }
    return found;
}

QJsonArray conditions(int count)
{
    QJsonArray list;
    for (int i = 1; i <= count; ++i)
        list.append(QStringLiteral("--n %1").arg(i));
    return list;
}

} // namespace

class TestGuiDeployDialog : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void opensAtOnceOnAHugeTree();
    void closesWhileTheWalkRuns();
    void plainWordsForTheCoresMessages();
    void awsPriceLimitsAndWarnings();
    void localLimitsReachThePreview();

private:
    std::unique_ptr<TestProject> m_project;
    QString m_head;
    qint64 m_walkMs = 0;
};

void TestGuiDeployDialog::initTestCase()
{
    isolateSettings();
    m_project = std::make_unique<TestProject>();
    QVERIFY(m_project->repo().isValid());
    QElapsedTimer made;
    made.start();
    QVERIFY(makeHeavyTree(m_project->root()));
    qInfo("made %d changed tracked files in %lld ms", BulkFiles, made.elapsed());
    m_head = m_project->repo().git({ QStringLiteral("rev-parse"), QStringLiteral("HEAD") });
    QCOMPARE(m_head.size(), 40);

    // What the dialog's walk costs a thread here: unless it is well over the bound, this test could not fail.
    QElapsedTimer walk;
    walk.start();
    auto discovered = GitRepository::discover(m_project->experimentDir());
    QVERIFY2(discovered, qPrintable(discovered.message()));
    const auto repo = discovered.take();
    QVERIFY(repo->isDirty());
    m_walkMs = walk.elapsed();
    qInfo("one status walk of the tree: %lld ms", m_walkMs);
    QVERIFY2(m_walkMs > 2 * MaxGapMs, "the tree is too light to show a blocked event loop");
}

void TestGuiDeployDialog::opensAtOnceOnAHugeTree()
{
    DeploymentMonitor monitor;
    QVERIFY(monitor.open(m_project->experimentDir()).isOk());

    // The constructor is timed on its own: building the widgets costs some tens of ms on a loaded
    // machine whatever the tree, so it is held against the walk (a constructor that walked would take
    // as long), and the event loop's gaps are measured from the first shown frame on.
    QElapsedTimer constructing;
    constructing.start();
    auto dialog = std::make_unique<DeployDialog>(&monitor);
    dialog->show();
    const qint64 constructorMs = constructing.elapsed();
    qInfo("the dialog's constructor and show: %lld ms", constructorMs);
    QVERIFY2(constructorMs < m_walkMs / 4,
             qPrintable(QStringLiteral("constructing the dialog took %1 ms; a status walk takes %2 ms")
                            .arg(constructorMs)
                            .arg(m_walkMs)));
    GapMeter meter;
    meter.start();
    NEED(QLabel, commit, dialog.get(), "deployCommit");
    NEED(QComboBox, backend, dialog.get(), "deployBackend");
    NEED(QLineEdit, cidr, dialog.get(), "deploySshCidr");
    NEED(QPushButton, confirm, dialog.get(), "deployConfirmButton");
    NEED(QCheckBox, allowDirty, dialog.get(), "deployAllowDirty");
    NEED(QWidget, banner, dialog.get(), "deployDirtyBanner");
    // slurm is a backend of its own in the choice (issue 16).
    QVERIFY(backend->findData(QStringLiteral("slurm")) >= 0);
    QVERIFY(backend->itemText(backend->findData(QStringLiteral("slurm"))).contains(QLatin1String("SLURM")));
    // Open, saying what it is waiting for, with Deploy off.
    QVERIFY2(commit->text().contains(QLatin1String("checking")), qPrintable(commit->text()));
    QVERIFY(!confirm->isEnabled());

    // Typing while Git works: the AWS backend, then an address a key at a time, from the event loop.
    backend->setCurrentIndex(backend->findData(QStringLiteral("aws")));
    const QString address = QStringLiteral("203.0.113.7/32");
    int typed = 0;
    QTimer typist;
    typist.setInterval(15);
    connect(&typist, &QTimer::timeout, this, [&] {
        if (typed < address.size())
            QTest::keyClick(cidr, address.at(typed++).toLatin1());
    });
    // A real event loop (QTest::qWait sleeps between rounds) until the Git answer is shown.
    QEventLoop loop;
    QTimer answered;
    answered.setInterval(1);
    connect(&answered, &QTimer::timeout, &loop, [&] {
        if (commit->text().startsWith(m_head.left(12)) && typed == address.size())
            loop.quit();
    });
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    typist.start();
    answered.start();
    loop.exec();
    meter.stop();
    const double gap = meter.maxGapMs();
    qInfo("longest wait of the event loop over the %.0f ms from the dialog's first frame to the Git answer: %.1f ms "
          "(a status walk alone: %lld ms); waits over 20 ms: %s",
          meter.spanMs(), gap, m_walkMs, qPrintable(meter.longGaps()));
    QVERIFY2(commit->text().startsWith(m_head.left(12)), qPrintable(commit->text()));
    QCOMPARE(cidr->text(), address);
    QVERIFY2(gap < MaxGapMs, qPrintable(QStringLiteral("the event loop waited %1 ms").arg(gap)));

    // The answers: a dirty tree; the plan for the fields as typed; Deploy once the changes are set aside.
    backend->setCurrentIndex(backend->findData(QStringLiteral("local")));
    QVERIFY(!confirm->isEnabled()); // a plan for the new backend is on its way
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isWorking(), 30000);
    QVERIFY(banner->isVisible());
    QVERIFY(!confirm->isEnabled());
    QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("deployMachines"))->text().contains(QLatin1String("2")));
    allowDirty->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(confirm->isEnabled(), 30000);
    QVERIFY(dialog->canDeploy());
}

void TestGuiDeployDialog::closesWhileTheWalkRuns()
{
    DeploymentMonitor monitor;
    QVERIFY(monitor.open(m_project->experimentDir()).isOk());
    for (int i = 0; i < 3; ++i) {
        QPointer<DeployDialog> dialog = new DeployDialog(&monitor);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
        QVERIFY(dialog->isWorking());
        QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("deploySshCidr")), QStringLiteral("10.0."));
        QTest::qWait(i * 20);
        dialog->close(); // deleted while its workers run on their copies
        QTRY_VERIFY(dialog.isNull());
    }
    // The workers end on their own; nothing of theirs reaches the deleted dialogs.
    QVERIFY(QThreadPool::globalInstance()->waitForDone(120000));
    QTest::qWait(50);
}

void TestGuiDeployDialog::plainWordsForTheCoresMessages()
{
    // What the core says for the command line (src/core/deploy/Backend.cpp, DeployOperation.cpp), and the hint
    // the dialog gives instead.
    const QList<QPair<QString, QString>> messages {
        { QStringLiteral("the aws backend needs the address range allowed to reach the machines over SSH: pass "
                         "--ssh-cidr ADDRESS/32 (your public address, e.g. from `curl https://checkip.amazonaws.com`) "
                         "or set aws_ssh_cidr in /p/experiments/e/parameters.json"),
          QStringLiteral("“SSH allowed from” above") },
        { QStringLiteral("0.0.0.0/0 lets a large part of the internet (/0, shorter than /16) try to log in over SSH; "
                         "use your own address/32, or pass --allow-wide-ssh if you mean it"),
          QStringLiteral("tick “Allow SSH from this wide range”") },
        { QStringLiteral("--ssh-cidr: not an IPv4 range"), QStringLiteral("SSH allowed from: not an IPv4 range") },
        { QStringLiteral("no SSH key at /h/.config/logistician/id_ed25519; run `logistician setup` first"),
          QStringLiteral("Setup Wizard") },
        { QStringLiteral("no AWS access key: not stored; run `logistician setup` or set AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY"),
          QStringLiteral("Settings and Credentials") },
        { QStringLiteral("the registry of your settings ('x y') is not a registry; change it with `logistician setup`"),
          QStringLiteral("change it in Settings") },
        { QStringLiteral("/p/parameters.json: aws/instance_type: \"x\" is not an EC2 instance type such as t3.micro; "
                         "run `logistician setup --aws-instance-type TYPE` or set aws_instance_type in "
                         "parameters.json"),
          QStringLiteral("Settings tab") },
        { QStringLiteral("a deployment of commit 0123456789ab on the aws backend is still active; run `logistician "
                         "terminate` before deploying again"),
          QStringLiteral("terminate it on the board") },
        { QStringLiteral("/p/experiments/e/parameters.json: no conditions: add experiment_conditions or "
                         "parameter_grid"),
          QStringLiteral("Conditions tab") },
        { QStringLiteral("Machines stop themselves never (auto_stop_minutes is 0); run `logistician terminate`."),
          QStringLiteral("auto-stop is off") },
    };
    for (const auto& [message, hint] : messages) {
        const QString plain = DeployDialog::plainWords(message);
        QVERIFY2(cliPhraseIn(plain).isEmpty(), qPrintable(plain));
        QVERIFY2(plain.contains(hint), qPrintable(plain));
    }
}

void TestGuiDeployDialog::awsPriceLimitsAndWarnings()
{
    // The issue's own case: 12 conditions on p3.2xlarge in us-east-1 ($3.06 each: $36.72 an hour), no auto-stop.
    TestProject project;
    project.setParameters({ { QStringLiteral("backend"), QStringLiteral("aws") },
                            { QStringLiteral("aws_region"), QStringLiteral("us-east-1") },
                            { QStringLiteral("aws_instance_type"), QStringLiteral("p3.2xlarge") },
                            { QStringLiteral("auto_stop_minutes"), 0 },
                            { QStringLiteral("max_runtime_minutes"), 90 },
                            { QStringLiteral("experiment_conditions"), conditions(12) } });
    DeploymentMonitor monitor;
    QVERIFY(monitor.open(project.experimentDir()).isOk());
    DeployDialog dialog(&monitor);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    NEED(QComboBox, backend, &dialog, "deployBackend");
    NEED(QLineEdit, cidr, &dialog, "deploySshCidr");
    NEED(QLabel, cost, &dialog, "deployCost");
    NEED(QLabel, problem, &dialog, "deployProblem");
    NEED(QLabel, warning, &dialog, "deployWarning");
    NEED(QCheckBox, allowWide, &dialog, "deployAllowWideSsh");
    NEED(QSpinBox, autoStop, &dialog, "deployAutoStop");
    NEED(QSpinBox, maxRuntime, &dialog, "deployMaxRuntime");
    NEED(QLabel, autoStopWarning, &dialog, "deployAutoStopWarning");
    NEED(QPushButton, confirm, &dialog, "deployConfirmButton");

    // The choices are named for what they are.
    QStringList choices;
    for (int i = 0; i < backend->count(); ++i)
        choices << backend->itemText(i);
    for (const char* name : { "This computer", "My own machines over SSH", "Amazon EC2", "SLURM cluster" })
        QVERIFY2(choices.join(QLatin1Char('|')).contains(QLatin1String(name)), qPrintable(choices.join(", ")));
    QCOMPARE(backend->currentData().toString(), QStringLiteral("aws"));

    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    // The price: the region's, times the machines, per hour.
    QVERIFY2(cost->text().contains(QStringLiteral("$36.72 per hour for 12 machines")), qPrintable(cost->text()));
    QVERIFY2(cost->text().contains(QStringLiteral("$3.06")), qPrintable(cost->text()));
    QVERIFY2(cost->text().contains(QStringLiteral("us-east-1")), qPrintable(cost->text()));
    // The limits, from the experiment; auto-stop off at that price is warned about.
    QCOMPARE(autoStop->value(), 0);
    QCOMPARE(autoStop->text(), QStringLiteral("never"));
    QCOMPARE(maxRuntime->value(), 90);
    QVERIFY(autoStopWarning->isVisible());
    QVERIFY2(autoStopWarning->text().contains(QStringLiteral("$36.72")), qPrintable(autoStopWarning->text()));
    // No range anywhere: said as what to type where, Deploy off, and never "SSH allowed only from .".
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(QStringLiteral("“SSH allowed from” above")), qPrintable(problem->text()));
    QVERIFY(!confirm->isEnabled());
    QVERIFY(!warning->isVisible());
    QVERIFY(speaksPlainly(&dialog));
    const QStringList unnamed = nameless(&dialog);
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
    if (const QString png = qEnvironmentVariable("LOGISTICIAN_DEPLOY_DIALOG_PNG"); !png.isEmpty())
        QVERIFY(dialog.grab().save(png));

    // Wide ranges are warned about inline as they are typed, before any plan.
    QTest::keyClicks(cidr, QStringLiteral("0.0.0.0/0"));
    QVERIFY(warning->isVisible());
    QVERIFY2(warning->text().contains(QStringLiteral("0.0.0.0/0")), qPrintable(warning->text()));
    QVERIFY(allowWide->isVisible());
    cidr->setText(QStringLiteral("10.0.0.0/8"));
    QVERIFY(warning->isVisible());
    QVERIFY2(warning->text().contains(QStringLiteral("/8")), qPrintable(warning->text()));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    QVERIFY(speaksPlainly(&dialog));
    cidr->setText(QStringLiteral("10.1.0.0/16"));
    QVERIFY(!warning->isVisible());
    QVERIFY(!allowWide->isVisible());
    cidr->setText(QStringLiteral("198.51.100.7/32"));
    QVERIFY(!warning->isVisible());

    // Auto-stop on: the warning goes at once; the limits are what the dialog hands to the deploy.
    autoStop->setValue(30);
    QVERIFY(!autoStopWarning->isVisible());
    maxRuntime->setValue(45);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    DeployOptions handed = dialog.options();
    QCOMPARE(handed.backend, QStringLiteral("aws"));
    QCOMPARE(handed.sshCidr, QStringLiteral("198.51.100.7/32"));
    QCOMPARE(handed.autoStopMinutes, 30);
    QCOMPARE(handed.maxRuntimeMinutes, 45);
    QVERIFY2(dialog.findChild<QLabel*>(QStringLiteral("deploySummary"))->text().contains(QStringLiteral("30 idle")),
             qPrintable(dialog.findChild<QLabel*>(QStringLiteral("deploySummary"))->text()));
    QVERIFY(speaksPlainly(&dialog));
    autoStop->setValue(0);
    QVERIFY(autoStopWarning->isVisible());

    // Elsewhere than EC2: no range, no auto-stop, no price; max runtime still goes with the deploy.
    backend->setCurrentIndex(backend->findData(QStringLiteral("ssh")));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    QVERIFY(!cidr->isVisible());
    QVERIFY(!autoStop->isVisible());
    QVERIFY(!autoStopWarning->isVisible());
    QVERIFY(!cost->isVisible());
    handed = dialog.options();
    QCOMPARE(handed.autoStopMinutes, -1);
    QCOMPARE(handed.maxRuntimeMinutes, 45);
    QVERIFY(speaksPlainly(&dialog));

    // A laptop's screen: it fits 800×600 (the body scrolls), with the preview open too.
    backend->setCurrentIndex(backend->findData(QStringLiteral("aws")));
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("deployPreview"))->setVisible(true);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    QVERIFY2(dialog.minimumSizeHint().width() <= 800 && dialog.minimumSizeHint().height() <= 600,
             qPrintable(
                 QStringLiteral("%1x%2").arg(dialog.minimumSizeHint().width()).arg(dialog.minimumSizeHint().height())));
    QVERIFY2(dialog.width() <= 800 && dialog.height() <= 600,
             qPrintable(QStringLiteral("%1x%2").arg(dialog.width()).arg(dialog.height())));
    if (const QString png = qEnvironmentVariable("LOGISTICIAN_DEPLOY_DIALOG_PNG"); !png.isEmpty()) {
        dialog.resize(800, 600);
        QVERIFY(dialog.grab().save(QString(png).replace(QLatin1String(".png"), QLatin1String("-800x600.png"))));
    }
}

void TestGuiDeployDialog::localLimitsReachThePreview()
{
    // The max runtime set here reaches the docker run the deploy would make (the preview shows it).
    TestProject project;
    project.setParameters(
        { { QStringLiteral("backend"), QStringLiteral("local") }, { QStringLiteral("max_runtime_minutes"), 0 } });
    DeploymentMonitor monitor;
    QVERIFY(monitor.open(project.experimentDir()).isOk());
    DeployDialog dialog(&monitor);
    dialog.show();
    NEED(QSpinBox, maxRuntime, &dialog, "deployMaxRuntime");
    NEED(QPushButton, previewButton, &dialog, "deployPreviewButton");
    NEED(QPlainTextEdit, preview, &dialog, "deployPreview");
    QCOMPARE(maxRuntime->text(), QStringLiteral("no limit"));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isWorking(), 30000);
    QVERIFY(!dialog.findChild<QSpinBox*>(QStringLiteral("deployAutoStop"))->isVisible());
    maxRuntime->setValue(2);
    QTest::mouseClick(previewButton, Qt::LeftButton);
    // The answer comes through the event loop: the click returns at once with the button off.
    QVERIFY(!previewButton->isEnabled());
    QVERIFY(preview->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(previewButton->isEnabled(), 60000);
    const QString text = preview->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("docker run")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("LOGISTICIAN_MAX_RUNTIME_SECONDS=120")), qPrintable(text));
    // Its sentences in plain words too; the indented lines are the commands as they will run.
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1Char(' ')))
            QVERIFY2(cliPhraseIn(line).isEmpty(), qPrintable(line));
    }
    // Nothing was made, and parameters.json keeps its own limit.
    QVERIFY(!QFileInfo::exists(project.experimentDir() + QStringLiteral("/.logistician/deployment.json")));
    QCOMPARE(monitor.experiment().parameters().maxRuntimeMinutes(), 0);
    maxRuntime->setValue(0);
    QTest::mouseClick(previewButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(previewButton->isEnabled(), 60000);
    QVERIFY2(!preview->toPlainText().contains(QStringLiteral("LOGISTICIAN_MAX_RUNTIME_SECONDS")),
             qPrintable(preview->toPlainText()));
}

QTEST_MAIN(TestGuiDeployDialog)
#include "TestGuiDeployDialog.moc"
