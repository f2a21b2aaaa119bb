// SPDX-License-Identifier: MIT
// Git from the app, on real repositories: File ▸ New Project, the offer to
// initialise a folder that is no repository, the Commit dialog from the
// Experiment menu (and its question for an author when Git has none) and from
// the deploy dialog's warning, and the browser and the header following a
// commit or an edit made in a terminal, within 2 s, saying the same thing.
#include "CommitDialog.h"
#include "Dialogs.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "MainWindow.h"
#include "TestProject.h"
#include "board/DeployDialog.h"
#include "board/DeploymentMonitor.h"

#include <QAction>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

class TestGuiGit : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void newProjectMakesARepositoryWithAFirstCommit();
    void openingAFolderOutsideGitOffersToInitialise();
    void commitDialogFromTheExperimentMenu();
    void commitDialogFromTheDeployWarning();
    void browserAndHeaderFollowTheTerminal();

private:
    QTreeWidgetItem* browserItem(const QString& name) const;
    QString header() const;
    static QByteArray readFile(const QString& path);
    QTemporaryDir m_home;
};

void TestGuiGit::initTestCase()
{
    CHECKED(isolateSettings());
    // A HOME without a Git identity, set before libgit2 reads it: the Commit dialog must ask for one.
    QVERIFY(m_home.isValid());
    qputenv("HOME", m_home.path().toUtf8());
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
}

void TestGuiGit::cleanup()
{
    destroyMainWindow();
}

QTreeWidgetItem* TestGuiGit::browserItem(const QString& name) const
{
    auto* browser = window()->findChild<QTreeWidget*>(QStringLiteral("projectBrowser"));
    for (int i = 0; browser && i < browser->topLevelItemCount(); ++i) {
        // Listed by folder, as the CLI names it: experiments/NAME.
        if (browser->topLevelItem(i)->data(0, Qt::UserRole + 1).toString().section(QLatin1Char('/'), -1) == name)
            return browser->topLevelItem(i);
    }
    return nullptr;
}

QString TestGuiGit::header() const
{
    ExperimentPage* page = window()->currentPage();
    auto* label = page ? page->findChild<QLabel*>(QStringLiteral("gitState")) : nullptr;
    return label ? label->text() : QString();
}

QByteArray TestGuiGit::readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void TestGuiGit::newProjectMakesARepositoryWithAFirstCommit()
{
    QTemporaryDir parent;
    const QString dir = parent.filePath(QStringLiteral("fresh project"));
    createMainWindow();
    NEED(QAction, action, window(), "actionNewProject");
    // The welcome page says where it is.
    QVERIFY(need<QLabel>(window(), "welcomeText")->text().contains(QStringLiteral("File ▸ New Project")));
    QSignalSpy loaded(window(), &MainWindow::projectLoaded);
    Gui::FileDialog::setNextDirectory(dir);
    action->trigger();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(window()->projectDir(), QDir(dir).canonicalPath());
    QVERIFY(QFileInfo(dir + QStringLiteral("/.git")).isDir());
    const QByteArray ignore = readFile(dir + QStringLiteral("/.gitignore"));
    QVERIFY2(ignore.contains("experiments/*/data/") && ignore.contains(".logistician/"), ignore.constData());
    // One commit, holding the .gitignore; the project line says so, clean.
    QProcess git;
    git.setWorkingDirectory(dir);
    git.start(QStringLiteral("git"),
              { QStringLiteral("log"), QStringLiteral("--format=%H"), QStringLiteral("--name-only") });
    QVERIFY(git.waitForFinished(10000));
    const QStringList lines
        = QString::fromUtf8(git.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(1), QStringLiteral(".gitignore"));
    NEED(QLabel, state, window(), "projectState");
    QTRY_VERIFY2(state->text().contains(lines.at(0).left(8)) && state->text().contains(QStringLiteral("clean")),
                 qPrintable(state->text()));
    // New Experiment is open to it now.
    QVERIFY(window()->findChild<QAction*>(QStringLiteral("actionNewExperiment"))->isEnabled());
}

void TestGuiGit::openingAFolderOutsideGitOffersToInitialise()
{
    QTemporaryDir plain;
    QFile code(plain.filePath(QStringLiteral("train.py")));
    QVERIFY(code.open(QIODevice::WriteOnly));
    code.write("print('hello')\n");
    code.close();
    createMainWindow();
    // Cancel: nothing is made, nothing is open.
    Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    Gui::FileDialog::setNextDirectory(plain.path());
    window()->findChild<QAction*>(QStringLiteral("actionOpenProject"))->trigger();
    QTRY_VERIFY(Gui::MessageBox::lastText().contains(QStringLiteral("not inside a Git repository")));
    QCOMPARE(Gui::MessageBox::lastButtons(), QMessageBox::Yes | QMessageBox::Cancel);
    QTest::qWait(200);
    QVERIFY(!QFileInfo::exists(plain.filePath(QStringLiteral(".git"))));
    QVERIFY(window()->projectDir().isEmpty());

    // Initialise: a repository whose first commit holds the file, and the project opens.
    QSignalSpy loaded(window(), &MainWindow::projectLoaded);
    Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
    Gui::FileDialog::setNextDirectory(plain.path());
    window()->findChild<QAction*>(QStringLiteral("actionOpenProject"))->trigger();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(window()->projectDir(), QDir(plain.path()).canonicalPath());
    QProcess git;
    git.setWorkingDirectory(plain.path());
    git.start(QStringLiteral("git"),
              { QStringLiteral("ls-tree"), QStringLiteral("--name-only"), QStringLiteral("HEAD") });
    QVERIFY(git.waitForFinished(10000));
    QCOMPARE(QString::fromUtf8(git.readAllStandardOutput()), QStringLiteral(".gitignore\ntrain.py\n"));
}

void TestGuiGit::commitDialogFromTheExperimentMenu()
{
    TestProject project;
    const QString rel = QStringLiteral("experiments/") + project.name();
    project.repo().writeFile(rel + QStringLiteral("/Dockerfile"),
                             "FROM debian:bookworm-slim\nWORKDIR /project\n# edited\n");
    project.repo().writeFile(rel + QStringLiteral("/notes.txt"), "new\n");
    project.repo().writeFile(QStringLiteral("elsewhere.txt"), "not this experiment's\n");
    project.repo().writeFile(rel + QStringLiteral("/data/local-1/out.txt"), "ignored\n");
    createMainWindow();
    QVERIFY(openProject(project.root()));
    QTRY_COMPARE(window()->currentPage()->experimentName(), project.name());
    QTRY_VERIFY2(header().contains(QStringLiteral("modified")), qPrintable(header()));

    NEED(QAction, action, window(), "actionCommit");
    QVERIFY(window()->findChild<QMenu*>(QStringLiteral("menuExperiment"))->actions().contains(action));
    QVERIFY(action->isEnabled());
    action->trigger();
    CommitDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = window()->findChild<CommitDialog*>()) && dialog->isVisible());
    QTRY_VERIFY(!dialog->isWorking());
    NEED(QTreeWidget, files, dialog, "commitFiles");
    QStringList listed;
    for (int i = 0; i < files->topLevelItemCount(); ++i)
        listed << files->topLevelItem(i)->text(0) + QLatin1Char(' ') + files->topLevelItem(i)->text(1);
    QCOMPARE(listed,
             QStringList({ QStringLiteral("elsewhere.txt new"), rel + QStringLiteral("/Dockerfile modified"),
                           rel + QStringLiteral("/notes.txt new") }));
    // The experiment's files are chosen; the other one is listed, not chosen.
    QCOMPARE(dialog->checkedPaths(),
             QStringList({ rel + QStringLiteral("/Dockerfile"), rel + QStringLiteral("/notes.txt") }));

    // Git knows no author here: the dialog asks, and Commit waits for a message and the author.
    NEED(QGroupBox, identity, dialog, "commitIdentity");
    QVERIFY(identity->isVisible());
    NEED(QPushButton, commit, dialog, "commitButton");
    QVERIFY(!commit->isEnabled());
    QTest::keyClicks(need<QPlainTextEdit>(dialog, "commitMessage"), QStringLiteral("Edit the Dockerfile"));
    QVERIFY(!commit->isEnabled());
    QTest::keyClicks(need<QLineEdit>(dialog, "commitAuthorName"), QStringLiteral("Ada Lovelace"));
    QTest::keyClicks(need<QLineEdit>(dialog, "commitAuthorEmail"), QStringLiteral("ada@example.invalid"));
    QVERIFY(commit->isEnabled());
    QSignalSpy committed(dialog, &CommitDialog::committed);
    QTest::mouseClick(commit, Qt::LeftButton);
    QVERIFY(committed.wait(10000));
    const QString head = project.repo().git({ QStringLiteral("rev-parse"), QStringLiteral("HEAD") });
    QCOMPARE(committed.first().first().toString(), head);
    QCOMPARE(
        project.repo().git({ QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%an <%ae> %s") }),
        QStringLiteral("Ada Lovelace <ada@example.invalid> Edit the Dockerfile"));
    QCOMPARE(project.repo().git({ QStringLiteral("status"), QStringLiteral("--porcelain") }),
             QStringLiteral("?? elsewhere.txt"));
    // The author is kept in the user's Git settings for the next commit.
    QVERIFY(readFile(m_home.filePath(QStringLiteral(".gitconfig"))).contains("Ada Lovelace"));
    // The header and the browser follow.
    QTRY_VERIFY_WITH_TIMEOUT(header().contains(head.left(8)) && header().contains(QStringLiteral("clean")), 2000);
    QTRY_COMPARE_WITH_TIMEOUT(browserItem(project.name())->text(2), QStringLiteral("clean"), 2000);

    // A second commit: the author is known now, so nothing is asked.
    project.repo().writeFile(rel + QStringLiteral("/notes.txt"), "changed\n");
    action->trigger();
    QTRY_VERIFY((dialog = window()->findChild<CommitDialog*>()) && dialog->isVisible() && !dialog->isWorking());
    QVERIFY(!dialog->findChild<QGroupBox*>(QStringLiteral("commitIdentity"))->isVisible());
    dialog->setMessage(QStringLiteral("Notes"));
    QSignalSpy again(dialog, &CommitDialog::committed);
    dialog->commit();
    QVERIFY(again.wait(10000));
    QCOMPARE(project.repo().git({ QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%an %s") }),
             QStringLiteral("Ada Lovelace Notes"));
}

void TestGuiGit::commitDialogFromTheDeployWarning()
{
    TestProject project;
    const QString rel = QStringLiteral("experiments/") + project.name();
    project.repo().git({ QStringLiteral("config"), QStringLiteral("user.name"), QStringLiteral("Deploy Tester") });
    project.repo().git({ QStringLiteral("config"), QStringLiteral("user.email"), QStringLiteral("d@example.invalid") });
    // A file of the experiment never committed: the deploy must not run without it unasked.
    project.repo().writeFile(rel + QStringLiteral("/extra.sh"), "echo extra\n");
    DeploymentMonitor monitor;
    QVERIFY(monitor.open(project.experimentDir()).isOk());
    auto dialog = std::make_unique<DeployDialog>(&monitor);
    dialog->show();
    NEED(QWidget, banner, dialog.get(), "deployDirtyBanner");
    NEED(QPushButton, commitButton, dialog.get(), "deployCommitButton");
    NEED(QLabel, commitLabel, dialog.get(), "deployCommit");
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    QVERIFY(commitButton->isVisible());
    QVERIFY(!dialog->canDeploy());
    if (const QString png = qEnvironmentVariable("LOGISTICIAN_DEPLOY_WARNING_PNG"); !png.isEmpty())
        QVERIFY(dialog->grab().save(png));

    QTest::mouseClick(commitButton, Qt::LeftButton);
    CommitDialog* commit = nullptr;
    QTRY_VERIFY((commit = dialog->findChild<CommitDialog*>()) && commit->isVisible() && !commit->isWorking());
    QCOMPARE(commit->checkedPaths(), QStringList({ rel + QStringLiteral("/extra.sh") }));
    commit->setMessage(QStringLiteral("Add extra.sh"));
    QSignalSpy committed(commit, &CommitDialog::committed);
    commit->commit();
    QVERIFY(committed.wait(10000));
    const QString head = project.repo().git({ QStringLiteral("rev-parse"), QStringLiteral("HEAD") });
    // The dialog checks again: the warning goes, the new commit is the one to deploy.
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible() && commitLabel->text().startsWith(head.left(12)), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->canDeploy(), 10000);
}

void TestGuiGit::browserAndHeaderFollowTheTerminal()
{
    TestProject project;
    const QString rel = QStringLiteral("experiments/") + project.name();
    // A second experiment, made and never committed: it is "not committed", not "clean".
    project.repo().writeFile(QStringLiteral("experiments/later/parameters.json"),
                             "{\"experiment_name\": \"later\", \"experiment_command\": \"sh x.sh\","
                             " \"experiment_conditions\": [\"1\"]}\n");
    createMainWindow();
    QVERIFY(openProject(project.root()));
    window()->openExperiment(project.experimentDir());
    QTRY_COMPARE(window()->currentPage()->experimentName(), project.name());
    QVERIFY(browserItem(QStringLiteral("later")));
    QCOMPARE(browserItem(QStringLiteral("later"))->text(2), QStringLiteral("not committed"));
    QCOMPARE(browserItem(project.name())->text(2), QStringLiteral("clean"));
    NEED(QLabel, state, window(), "projectState");
    QVERIFY2(state->text().contains(QStringLiteral("uncommitted changes")), qPrintable(state->text()));
    QTRY_VERIFY(header().contains(QStringLiteral("clean")));

    // A new file in a terminal (no view watches it; only the Git state can tell): "modified" within 2 s.
    QElapsedTimer clock;
    clock.start();
    project.repo().writeFile(rel + QStringLiteral("/prepare.sh"), "echo new\n");
    QTRY_VERIFY_WITH_TIMEOUT(browserItem(project.name())->text(2) == QStringLiteral("modified")
                                 && header().contains(QStringLiteral("modified")),
                             2000);
    qInfo("a new file showed in %lld ms", clock.elapsed());
    QFile::remove(project.repo().filePath(rel + QStringLiteral("/prepare.sh")));
    QTRY_VERIFY_WITH_TIMEOUT(header().contains(QStringLiteral("clean")), 2000);

    // An edit in a terminal: the browser and the header say "modified" within 2 s.
    clock.restart();
    project.repo().writeFile(rel + QStringLiteral("/Dockerfile"), "FROM debian:bookworm-slim\n# edited in vi\n");
    QTRY_VERIFY_WITH_TIMEOUT(browserItem(project.name())->text(2) == QStringLiteral("modified")
                                 && header().contains(QStringLiteral("modified")),
                             2000);
    qInfo("an edit showed in %lld ms", clock.elapsed());

    // A commit in a terminal: both say clean at the new commit within 2 s, and the project line agrees.
    clock.restart();
    const QString head = project.repo().commitAll(QStringLiteral("committed in a terminal"));
    QTRY_VERIFY_WITH_TIMEOUT(header().contains(head.left(8)) && header().contains(QStringLiteral("clean"))
                                 && browserItem(project.name())->text(2) == QStringLiteral("clean")
                                 && browserItem(QStringLiteral("later"))->text(2) == QStringLiteral("clean")
                                 && state->text().contains(head.left(8))
                                 && state->text().contains(QStringLiteral("clean")),
                             2000);
    qInfo("a commit showed in %lld ms", clock.elapsed());
}

QTEST_MAIN(TestGuiGit)
#include "TestGuiGit.moc"
