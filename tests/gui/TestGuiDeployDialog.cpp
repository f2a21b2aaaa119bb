// SPDX-License-Identifier: MIT
// The deploy dialog on a 50,000-file working tree: it opens at once and the
// event loop keeps turning while Git's status walk and the plan run in
// workers; Deploy waits for both answers; closing it mid-walk is safe.
#include "GuiTestBase.h"
#include "TestProject.h"
#include "board/DeployDialog.h"
#include "board/DeploymentMonitor.h"
#include "git/GitRepository.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
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

} // namespace

class TestGuiDeployDialog : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void opensAtOnceOnAHugeTree();
    void closesWhileTheWalkRuns();

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
    Result error;
    auto repo = GitRepository::discover(m_project->experimentDir(), &error);
    QVERIFY2(repo, qPrintable(error.message()));
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

QTEST_MAIN(TestGuiDeployDialog)
#include "TestGuiDeployDialog.moc"
