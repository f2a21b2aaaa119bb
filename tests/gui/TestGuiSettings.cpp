// SPDX-License-Identifier: MIT
// The Settings tab through the widgets: typing into the fields, the loader's
// messages beside a bad value, the atomic save that keeps unknown keys and the
// file's own spelling of untouched keys, the grid's generated rows in the
// Conditions tab, and the window staying within 800x600 on every tab.
#include "Checked.h"
#include "ConditionsEditor.h"
#include "ConditionsModel.h"
#include "Dialogs.h"
#include "ExperimentPage.h"
#include "ExperimentSettingsEditor.h"
#include "GuiTestBase.h"
#include "LocalRunsPanel.h"
#include "MainWindow.h"
#include "ParameterSchema.h"
#include "Settings.h"
#include "SshMachines.h"
#include "TestProject.h"
#include "board/DeploymentBoard.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>

class TestGuiSettings : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void editFieldsAndSave();
    void savingKeepsTheHandWrittenFile();
    void awsDefaultsComeFromSetup();
    void badValuesShownBesideTheField();
    void spotRetriesPriceAndWideRange();
    void testConnectionAsksEachHost();
    void slurmBackendIsShownAsItIs();
    void gridDialogKeepsTheGridAsAGrid();
    void settingsEditsUndoFromTheEditMenu();
    void browserNamesStayInANarrowPane();
    void gridConditionsShownReadOnly();
    void windowFitsSmallScreen();
    void unsavedChangesMarkedAndSavedOnQuit();
    void oneRefreshAndUndoFromAnywhere();
    void everyInteractiveWidgetHasAName();

private:
    ExperimentPage* openExperiment(TestProject& project, const QJsonObject& extra);
    QJsonObject readParameters(const TestProject& project) const;
    // Clicks into a line edit, replaces its text by typing, as a user does.
    void retype(QLineEdit* edit, const QString& text);
};

void TestGuiSettings::initTestCase()
{
    CHECKED(isolateSettings());
}

void TestGuiSettings::cleanup()
{
    destroyMainWindow();
}

ExperimentPage* TestGuiSettings::openExperiment(TestProject& project, const QJsonObject& extra)
{
    project.setParameters(extra);
    createMainWindow();
    if (!openProject(project.root()))
        return nullptr;
    ExperimentPage* page = window()->currentPage();
    if (page)
        page->showTab(4);
    return page;
}

QJsonObject TestGuiSettings::readParameters(const TestProject& project) const
{
    QFile file(project.experimentDir() + QStringLiteral("/parameters.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void TestGuiSettings::retype(QLineEdit* edit, const QString& text)
{
    QTest::mouseClick(edit, Qt::LeftButton);
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, text);
}

void TestGuiSettings::editFieldsAndSave()
{
    TestProject project;
    ExperimentPage* page = openExperiment(
        project,
        { { QStringLiteral("my_lab_notes"), QStringLiteral("keep me") },
          { QStringLiteral("parameter_grid"), QJsonObject { { QStringLiteral("seed"), QJsonArray { 1, 2 } } } } });
    QVERIFY(page);
    ExperimentSettingsEditor* editor = page->settings();
    QVERIFY(editor->isVisible());
    QVERIFY(!editor->isModified());

    // Loaded values are shown: the command, the grid with its numbers.
    NEED(QLineEdit, command, editor, "experiment_command");
    QCOMPARE(command->text(), QStringLiteral("sh args.sh"));
    NEED(QPlainTextEdit, grid, editor, "parameter_grid");
    QCOMPARE(grid->toPlainText(), QStringLiteral("seed: 1, 2"));

    // The AWS fields follow the backend: off for local, on for aws.
    NEED(QComboBox, backend, editor, "backend");
    NEED(QLineEdit, region, editor, "aws_region");
    QVERIFY(!region->isEnabled());
    backend->setFocus();
    QTest::keyClick(backend, Qt::Key_End); // the last item: AWS
    QCOMPARE(backend->currentData().toString(), QStringLiteral("aws"));
    QVERIFY(region->isEnabled());
    QVERIFY(editor->isModified());
    QVERIFY(window()->isWindowModified());

    CHECKED(retype(region, QStringLiteral("eu-central-1")));
    NEED(QLineEdit, type, editor, "aws_instance_type");
    CHECKED(retype(type, QStringLiteral("t3.micro")));
    NEED(QLineEdit, cidr, editor, "aws_ssh_cidr");
    CHECKED(retype(cidr, QStringLiteral("203.0.113.7/32")));
    NEED(QSpinBox, volume, editor, "aws_root_volume_size");
    volume->setFocus();
    volume->selectAll();
    QTest::keyClicks(volume, QStringLiteral("40"));
    QCOMPARE(volume->value(), 40);
    NEED(QSpinBox, autoStop, editor, "auto_stop_minutes");
    autoStop->setFocus();
    autoStop->selectAll();
    QTest::keyClicks(autoStop, QStringLiteral("30"));
    NEED(QSpinBox, parallel, editor, "max_parallel");
    parallel->setFocus();
    parallel->selectAll();
    QTest::keyClicks(parallel, QStringLiteral("3"));
    NEED(QLineEdit, registryEdit, editor, "registry");
    CHECKED(retype(registryEdit, QStringLiteral("registry.example.com:5000/team")));
    CHECKED(retype(command, QStringLiteral("python3 train.py")));
    QVERIFY(!editor->hasProblems());

    NEED(QPushButton, save, editor, "saveSettingsButton");
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY(!window()->isWindowModified());
    QVERIFY(!editor->isModified());
    QVERIFY(!save->isEnabled());

    const QJsonObject saved = readParameters(project);
    QCOMPARE(saved.value(QStringLiteral("my_lab_notes")).toString(), QStringLiteral("keep me"));
    QCOMPARE(saved.value(QStringLiteral("experiment_name")).toString(), project.name());
    QCOMPARE(saved.value(QStringLiteral("backend")).toString(), QStringLiteral("aws"));
    QCOMPARE(saved.value(QStringLiteral("aws_region")).toString(), QStringLiteral("eu-central-1"));
    QCOMPARE(saved.value(QStringLiteral("aws_instance_type")).toString(), QStringLiteral("t3.micro"));
    QCOMPARE(saved.value(QStringLiteral("aws_ssh_cidr")).toString(), QStringLiteral("203.0.113.7/32"));
    QCOMPARE(saved.value(QStringLiteral("aws_root_volume_size")).toInt(), 40);
    QCOMPARE(saved.value(QStringLiteral("auto_stop_minutes")).toInt(), 30);
    QCOMPARE(saved.value(QStringLiteral("max_parallel")).toInt(), 3);
    QCOMPARE(saved.value(QStringLiteral("registry")).toString(), QStringLiteral("registry.example.com:5000/team"));
    QCOMPARE(saved.value(QStringLiteral("experiment_command")).toString(), QStringLiteral("python3 train.py"));
    // Untouched: the grid keeps its numbers, the absent keys stay absent.
    QCOMPARE(saved.value(QStringLiteral("parameter_grid")).toObject().value(QStringLiteral("seed")).toArray(),
             (QJsonArray { 1, 2 }));
    QVERIFY(!saved.contains(QStringLiteral("max_runtime_minutes")));
    QVERIFY(!saved.contains(QStringLiteral("aws_ami")));

    // Emptying a field removes its key; the grid edited as text is saved as parameter_grid, not flattened.
    CHECKED(retype(registryEdit, QString()));
    grid->setFocus();
    grid->selectAll();
    QTest::keyClicks(grid, QStringLiteral("lr: 0.1, 0.01"));
    QTest::keyClick(grid, Qt::Key_Return);
    QTest::keyClicks(grid, QStringLiteral("layers: 2, 4, 8"));
    QVERIFY(!editor->hasProblems());
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY(!editor->isModified());
    const QJsonObject again = readParameters(project);
    QVERIFY(!again.contains(QStringLiteral("registry")));
    // Numbers typed are saved as numbers.
    QCOMPARE(again.value(QStringLiteral("parameter_grid")).toObject(),
             (QJsonObject { { QStringLiteral("lr"), QJsonArray { 0.1, 0.01 } },
                            { QStringLiteral("layers"), QJsonArray { 2, 4, 8 } } }));
    // The Conditions tab follows the saved grid at once.
    QCOMPARE(page->conditions()->gridTable()->rowCount(), 6);
}

void TestGuiSettings::savingKeepsTheHandWrittenFile()
{
    // Written by hand: tabs, keys in no order, a key this version does not know, a comment, numbers spelt
    // 0.0005 and 1e-3, a grid whose keys are not sorted.
    TestProject project;
    const QString path = project.experimentDir() + QStringLiteral("/parameters.json");
    const QByteArray original = "{\n"
                                "\t\"max_parallel\": 2,\n"
                                "\t\"experiment_name\": \""
        + project.name().toUtf8()
        + "\",\n"
          "\t\"experiment_command\": \"sh args.sh\",\n"
          "\t\"my_lab_notes\": {\"owner\": \"ada\", \"budget\": 2.50},\n"
          "\t\"parameter_grid\": {\n"
          "\t\t\"momentum\": [0.9, 0],\n"
          "\t\t\"learning_rate\": [0.0005, 1e-3, 0.002]\n"
          "\t},\n"
          "\t\"parameter_grid_comment\": \"momentum varies slowest\"\n"
          "}\n";
    ExperimentPage* page = openExperiment(project, {});
    QVERIFY(page);
    auto onDisk = [&] {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(original);
    }
    QVERIFY(page->reload());

    // The grid in the order written, in the Settings tab and in the Conditions tab's rows.
    ExperimentSettingsEditor* editor = page->settings();
    NEED(QPlainTextEdit, grid, editor, "parameter_grid");
    QCOMPARE(grid->toPlainText(), QStringLiteral("momentum: 0.9, 0\nlearning_rate: 0.0005, 0.001, 0.002"));
    QTableWidget* generated = page->conditions()->gridTable();
    QCOMPARE(generated->rowCount(), 6);
    QCOMPARE(generated->horizontalHeaderItem(0)->text(), QStringLiteral("--momentum"));
    QCOMPARE(generated->item(0, 2)->text(), QStringLiteral("--momentum 0.9 --learning_rate 0.0005"));
    QCOMPARE(generated->item(1, 2)->text(), QStringLiteral("--momentum 0.9 --learning_rate 0.001"));

    // One grid value typed over, saved with the tab's Save button: only its bytes change.
    grid->setFocus();
    grid->selectAll();
    QTest::keyClicks(grid, QStringLiteral("momentum: 0.9, 0"));
    QTest::keyClick(grid, Qt::Key_Return);
    QTest::keyClicks(grid, QStringLiteral("learning_rate: 0.0005, 0.001, 0.003"));
    QVERIFY(!editor->hasProblems());
    NEED(QPushButton, save, editor, "saveSettingsButton");
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY(!editor->isModified());
    QByteArray expected = original;
    expected.replace("1e-3, 0.002]", "1e-3, 0.003]");
    QCOMPARE(onDisk(), expected);

    // A number from its spin box: one digit.
    NEED(QSpinBox, parallel, editor, "max_parallel");
    parallel->setFocus();
    parallel->selectAll();
    QTest::keyClicks(parallel, QStringLiteral("4"));
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY(!editor->isModified());
    expected.replace("\"max_parallel\": 2", "\"max_parallel\": 4");
    QCOMPARE(onDisk(), expected);
}

void TestGuiSettings::awsDefaultsComeFromSetup()
{
    {
        Settings settings;
        settings.setDefaultRegion(QStringLiteral("eu-central-1"));
        settings.setDefaultInstanceType(QStringLiteral("t3.small"));
    }
    TestProject project;
    ExperimentPage* page = openExperiment(project, {});
    QVERIFY(page);
    ExperimentSettingsEditor* editor = page->settings();
    NEED(QLineEdit, region, editor, "aws_region");
    NEED(QLineEdit, type, editor, "aws_instance_type");
    QVERIFY(region->text().isEmpty());
    QCOMPARE(region->placeholderText(), QStringLiteral("default (eu-central-1, from setup)"));
    QCOMPARE(type->placeholderText(), QStringLiteral("default (t3.small, from setup)"));
    NEED(QLabel, price, editor, "awsPrice");
    QVERIFY2(price->text().contains(QStringLiteral("t3.small in eu-central-1")), qPrintable(price->text()));

    // Saved with the fields left empty (the backend changed): the keys stay absent, so setup's defaults apply.
    NEED(QComboBox, backend, editor, "backend");
    backend->setFocus();
    QTest::keyClick(backend, Qt::Key_End); // AWS
    NEED(QPushButton, save, editor, "saveSettingsButton");
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY(!editor->isModified());
    QJsonObject saved = readParameters(project);
    QCOMPARE(saved.value(QStringLiteral("backend")).toString(), QStringLiteral("aws"));
    QVERIFY(!saved.contains(QStringLiteral("aws_region")));
    QVERIFY(!saved.contains(QStringLiteral("aws_instance_type")));

    // Typed and then emptied again: still absent.
    CHECKED(retype(region, QStringLiteral("us-west-2")));
    CHECKED(retype(region, QString()));
    CHECKED(retype(type, QStringLiteral("m5.large")));
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY(!editor->isModified());
    saved = readParameters(project);
    QVERIFY(!saved.contains(QStringLiteral("aws_region")));
    QCOMPARE(saved.value(QStringLiteral("aws_instance_type")).toString(), QStringLiteral("m5.large"));
}

void TestGuiSettings::badValuesShownBesideTheField()
{
    TestProject project;
    ExperimentPage* page = openExperiment(project, { { QStringLiteral("backend"), QStringLiteral("ssh") } });
    QVERIFY(page);
    ExperimentSettingsEditor* editor = page->settings();
    const QByteArray before = QJsonDocument(readParameters(project)).toJson();

    // A host beginning with '-' would be read by ssh as an option: the loader's words, under the field.
    NEED(QPlainTextEdit, hosts, editor, "hosts");
    QVERIFY(hosts->isEnabled());
    hosts->setFocus();
    QTest::keyClicks(hosts, QStringLiteral("-oProxyCommand=x@host"));
    NEED(QLabel, hostsError, editor, "hostsError");
    QVERIFY(hostsError->isVisible());
    QVERIFY2(hostsError->text().startsWith(QStringLiteral("hosts item 1")), qPrintable(hostsError->text()));
    NEED(QPushButton, save, editor, "saveSettingsButton");
    QVERIFY(!save->isEnabled());
    QVERIFY(editor->hasProblems());
    // Saving by other means (the page's save, Ctrl+S) refuses too; the file is untouched.
    const Result pageSaved = page->save();
    QVERIFY(!pageSaved);
    const QString error = pageSaved.message();
    QVERIFY2(error.contains(QStringLiteral("hosts")), qPrintable(error));
    QCOMPARE(QJsonDocument(readParameters(project)).toJson(), before);

    // Fixed: the message goes away.
    hosts->selectAll();
    QTest::keyClicks(hosts, QStringLiteral("runner@127.0.0.1:2222"));
    QVERIFY(!hostsError->isVisible());

    // A registry with a space says why, beside itself; a root volume under the minimum cannot be typed (its box
    // takes the schema's range: one step below 8 GB stands for the image's own size).
    NEED(QLineEdit, registryEdit, editor, "registry");
    CHECKED(retype(registryEdit, QStringLiteral("registry example")));
    NEED(QLabel, registryError, editor, "registryError");
    QVERIFY(registryError->isVisible());
    QVERIFY(registryError->text().startsWith(QStringLiteral("registry ")));
    NEED(QSpinBox, volume, editor, "aws_root_volume_size");
    volume->setValue(4);
    QCOMPARE(volume->value(), 7);
    QCOMPARE(volume->text(), volume->specialValueText());
    volume->setValue(volume->value() + 1);
    QCOMPARE(volume->value(), 8);
    NEED(QLabel, volumeError, editor, "aws_root_volume_sizeError");
    QVERIFY2(!volumeError->isVisible(), qPrintable(volumeError->text()));
    QCOMPARE(editor->problems().size(), 1);
    NEED(QLabel, grid, editor, "parameter_gridError");
    QVERIFY(!grid->isVisible());

    // A grid line without a colon, and a grid key the loader refuses.
    NEED(QPlainTextEdit, gridEdit, editor, "parameter_grid");
    gridEdit->setFocus();
    QTest::keyClicks(gridEdit, QStringLiteral("no colon here"));
    QVERIFY(grid->isVisible());
    gridEdit->selectAll();
    QTest::keyClicks(gridEdit, QStringLiteral("bad key!: 1"));
    QVERIFY2(grid->text().contains(QStringLiteral("parameter_grid key")), qPrintable(grid->text()));

    // Revert: back to the file, nothing to save.
    QTest::mouseClick(need<QPushButton>(editor, "revertSettingsButton"), Qt::LeftButton);
    QVERIFY(!editor->isModified());
    QVERIFY(!editor->hasProblems());
    QCOMPARE(hosts->toPlainText(), QString());
    QVERIFY(!window()->isWindowModified());
}

void TestGuiSettings::spotRetriesPriceAndWideRange()
{
    TestProject project;
    ExperimentPage* page = openExperiment(project,
                                          { { QStringLiteral("backend"), QStringLiteral("aws") },
                                            { QStringLiteral("aws_region"), QStringLiteral("eu-central-1") },
                                            { QStringLiteral("aws_instance_type"), QStringLiteral("t3.micro") } });
    QVERIFY(page);
    ExperimentSettingsEditor* editor = page->settings();

    // The price of the region and type typed, from the dated table, updated as they change.
    NEED(QLabel, price, editor, "awsPrice");
    QVERIFY2(price->text().startsWith(QStringLiteral("$0.")), qPrintable(price->text()));
    QVERIFY(price->text().contains(QStringLiteral("t3.micro in eu-central-1")));
    NEED(QLineEdit, type, editor, "aws_instance_type");
    CHECKED(retype(type, QStringLiteral("c5.large")));
    QVERIFY2(price->text().contains(QStringLiteral("c5.large in eu-central-1")), qPrintable(price->text()));
    CHECKED(retype(type, QStringLiteral("zz9.plural")));
    QVERIFY2(!price->text().startsWith(QLatin1Char('$')), qPrintable(price->text())); // not in the table: says so

    // Spot: the checkbox and its max price, whose rule needs spot on.
    NEED(QCheckBox, spot, editor, "aws_spot");
    QVERIFY(!spot->isChecked());
    QTest::mouseClick(spot, Qt::LeftButton, {}, QPoint(8, spot->height() / 2)); // on the box
    QVERIFY(spot->isChecked());
    NEED(QLineEdit, maxPrice, editor, "aws_spot_max_price");
    CHECKED(retype(maxPrice, QStringLiteral("lots")));
    QVERIFY(editor->hasProblems());
    CHECKED(retype(maxPrice, QStringLiteral("0.05")));
    CHECKED(retype(type, QStringLiteral("t3.micro")));
    QVERIFY2(price->text().contains(QStringLiteral("$0.05")), qPrintable(price->text()));

    // A wide SSH range is allowed but warned about; a narrow one is not.
    NEED(QLineEdit, cidr, editor, "aws_ssh_cidr");
    NEED(QLabel, warning, editor, "sshRangeWarning");
    CHECKED(retype(cidr, QStringLiteral("0.0.0.0/0")));
    QVERIFY(warning->isVisible());
    QVERIFY(warning->text().contains(QStringLiteral("0.0.0.0/0")));
    CHECKED(retype(cidr, QStringLiteral("203.0.113.7/32")));
    QVERIFY(!warning->isVisible());

    // Retries: a number up to the loader's limit; none removes the key.
    NEED(QSpinBox, retries, editor, "max_retries");
    QCOMPARE(retries->maximum(), ParameterSchema::key(QStringLiteral("max_retries")).maximum);
    retries->setValue(2);
    QVERIFY(!editor->hasProblems());
    QTest::mouseClick(need<QPushButton>(editor, "saveSettingsButton"), Qt::LeftButton);
    QTRY_VERIFY(!editor->isModified());
    QJsonObject saved = readParameters(project);
    QCOMPARE(saved.value(QStringLiteral("aws_spot")), QJsonValue(true));
    QCOMPARE(saved.value(QStringLiteral("aws_spot_max_price")).toString(), QStringLiteral("0.05"));
    QCOMPARE(saved.value(QStringLiteral("max_retries")).toInt(), 2);

    // Unticking spot needs its max price gone too (the loader's rule), then both keys go.
    QTest::mouseClick(spot, Qt::LeftButton, {}, QPoint(8, spot->height() / 2)); // on the box
    QVERIFY(editor->hasProblems());
    CHECKED(retype(maxPrice, QString()));
    retries->setValue(0);
    QVERIFY(!editor->hasProblems());
    QTest::mouseClick(need<QPushButton>(editor, "saveSettingsButton"), Qt::LeftButton);
    QTRY_VERIFY(!editor->isModified());
    saved = readParameters(project);
    QVERIFY(!saved.contains(QStringLiteral("aws_spot")));
    QVERIFY(!saved.contains(QStringLiteral("aws_spot_max_price")));
    QVERIFY(!saved.contains(QStringLiteral("max_retries")));
}

void TestGuiSettings::testConnectionAsksEachHost()
{
    // Real sshd machines with the setup key where the app looks for it; one is stopped.
    const QString key = configDir() + QStringLiteral("/logistician/ssh-key");
    QString error;
    QVERIFY2(SshMachines::generateKey(key, &error), qPrintable(error));
    SshMachines machines;
    QVERIFY2(machines.start(2, key + QStringLiteral(".pub"), 46, &error), qPrintable(error));
    machines.stop(1);
    qputenv("LOGISTICIAN_SSH_CONNECT_TIMEOUT", "3");

    TestProject project;
    ExperimentPage* page = openExperiment(project, { { QStringLiteral("backend"), QStringLiteral("ssh") } });
    QVERIFY(page);
    ExperimentSettingsEditor* editor = page->settings();
    NEED(QPlainTextEdit, hosts, editor, "hosts");
    hosts->setFocus();
    QTest::keyClicks(hosts, machines.address(0));
    QTest::keyClick(hosts, Qt::Key_Return);
    QTest::keyClicks(hosts, machines.address(1));
    QVERIFY(!editor->hasProblems());

    // The hosts as typed, before any save, each asked in the background.
    NEED(QPushButton, test, editor, "testHostsButton");
    QVERIFY(test->isEnabled());
    QSignalSpy tested(editor, &ExperimentSettingsEditor::hostsTested);
    QTest::mouseClick(test, Qt::LeftButton);
    QVERIFY(!test->isEnabled());
    QVERIFY(tested.wait(30000));
    QVERIFY(test->isEnabled());
    NEED(QLabel, answers, editor, "hostAnswers");
    const QStringList lines = answers->text().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 2);
    const QString up = lines.filter(machines.address(0)).value(0);
    const QString down = lines.filter(machines.address(1)).value(0);
    QVERIFY2(up.contains(QStringLiteral("✔ Docker ")), qPrintable(answers->text()));
    QVERIFY2(down.contains(QStringLiteral("✘ cannot log in")), qPrintable(answers->text()));
    // Testing wrote nothing into parameters.json.
    QVERIFY(!readParameters(project).contains(QStringLiteral("hosts")));
    qunsetenv("LOGISTICIAN_SSH_CONNECT_TIMEOUT");
}

void TestGuiSettings::slurmBackendIsShownAsItIs()
{
    // A slurm experiment is shown as slurm (not the first item), and saving another field keeps it.
    TestProject project;
    ExperimentPage* page
        = openExperiment(project,
                         { { QStringLiteral("backend"), QStringLiteral("slurm") },
                           { QStringLiteral("slurm"),
                             QJsonObject { { QStringLiteral("login"), QStringLiteral("me@cluster.example.org") } } } });
    QVERIFY(page);
    ExperimentSettingsEditor* editor = page->settings();
    NEED(QComboBox, backend, editor, "backend");
    QCOMPARE(backend->currentData().toString(), QStringLiteral("slurm"));
    NEED(QSpinBox, parallel, editor, "max_parallel");
    parallel->setValue(5);
    QTest::mouseClick(need<QPushButton>(editor, "saveSettingsButton"), Qt::LeftButton);
    QTRY_VERIFY(!editor->isModified());
    const QJsonObject saved = readParameters(project);
    QCOMPARE(saved.value(QStringLiteral("backend")).toString(), QStringLiteral("slurm"));
    QVERIFY(saved.contains(QStringLiteral("slurm")));
}

void TestGuiSettings::gridDialogKeepsTheGridAsAGrid()
{
    TestProject project;
    ExperimentPage* page
        = openExperiment(project,
                         { { QStringLiteral("parameter_grid"),
                             QJsonObject { { QStringLiteral("lr"), QJsonArray { 0.1, 0.01 } },
                                           { QStringLiteral("opt"),
                                             QJsonArray { QStringLiteral("sgd"), QStringLiteral("adam w") } } } } });
    QVERIFY(page);
    const QJsonArray conditionsBefore
        = readParameters(project).value(QStringLiteral("experiment_conditions")).toArray();
    page->showTab(0);
    // Beside the notice that says to edit the grid in the Settings tab, the Conditions tab offers no
    // Generate Grid… of its own (neither its button nor its context menu, nor Ctrl+G).
    NEED(QLabel, notice, page, "gridConditionsLabel");
    QVERIFY(notice->isVisible() && notice->text().contains(QStringLiteral("Settings tab")));
    QVERIFY(!need<QToolButton>(page, "generateGridButton")->isVisible());
    Q_EMIT page->conditions()->table()->customContextMenuRequested(QPoint(5, 5));
    auto* menu = page->conditions()->table()->findChild<QMenu*>(QStringLiteral("conditionsContextMenu"));
    QVERIFY(menu);
    for (QAction* action : menu->actions())
        QVERIFY2(!action->text().contains(QStringLiteral("Grid")), qPrintable(action->text()));
    menu->close();
    // The dialog itself, as the code opens it, still keeps a grid a grid.
    page->conditions()->openGridDialog();
    QDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = page->findChild<QDialog*>(QStringLiteral("gridDialog"))) && dialog->isVisible());

    // The dialog opens on the experiment's grid, set to keep it as a grid.
    NEED(QTableWidget, axes, dialog, "gridAxes");
    QCOMPARE(axes->rowCount(), 2);
    QCOMPARE(axes->item(0, 0)->text(), QStringLiteral("lr"));
    QCOMPARE(axes->item(0, 1)->text(), QStringLiteral("0.1, 0.01"));
    QCOMPARE(axes->item(1, 1)->text(), QStringLiteral("sgd, 'adam w'"));
    QVERIFY(need<QRadioButton>(dialog, "keepGridRadio")->isChecked());

    axes->item(0, 1)->setText(QStringLiteral("0.1, 0.01, 0.001"));
    NEED(QDialogButtonBox, buttons, dialog, "buttonBox");
    QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);

    // The generated rows follow at once; the grid is an unsaved change of the Settings tab.
    QTRY_COMPARE(page->conditions()->gridTable()->rowCount(), 6);
    QVERIFY(page->settings()->isModified());
    QVERIFY(window()->isWindowModified());
    NEED(QPlainTextEdit, grid, page->settings(), "parameter_grid");
    QVERIFY2(grid->toPlainText().contains(QStringLiteral("lr: 0.1, 0.01, 0.001")), qPrintable(grid->toPlainText()));

    // Saved as parameter_grid, not flattened into experiment_conditions.
    const Result pageSaved = page->save();
    QVERIFY2(pageSaved, qPrintable(pageSaved.message()));
    const QJsonObject saved = readParameters(project);
    // The numbers stay numbers, the one added too.
    QCOMPARE(saved.value(QStringLiteral("parameter_grid")).toObject().value(QStringLiteral("lr")).toArray(),
             (QJsonArray { 0.1, 0.01, 0.001 }));
    QCOMPARE(saved.value(QStringLiteral("parameter_grid")).toObject().value(QStringLiteral("opt")).toArray(),
             (QJsonArray { QStringLiteral("sgd"), QStringLiteral("adam w") }));
    QCOMPARE(saved.value(QStringLiteral("experiment_conditions")).toArray(), conditionsBefore);
}

void TestGuiSettings::gridConditionsShownReadOnly()
{
    TestProject project;
    ExperimentPage* page
        = openExperiment(project,
                         { { QStringLiteral("experiment_conditions"), QJsonArray() },
                           { QStringLiteral("parameter_grid"),
                             QJsonObject { { QStringLiteral("lr"), QJsonArray { 0.1, 0.01 } },
                                           { QStringLiteral("opt"),
                                             QJsonArray { QStringLiteral("sgd"), QStringLiteral("adam w") } } } } });
    QVERIFY(page);
    page->showTab(0);
    NEED(QTableWidget, generated, page, "gridConditionsTable");
    NEED(QTableView, table, page, "conditionsTable");
    QVERIFY(generated->isVisible());
    QVERIFY(!table->isVisible()); // no empty table above the generated rows
    QCOMPARE(generated->rowCount(), 4);
    QCOMPARE(generated->columnCount(), 3);
    QCOMPARE(generated->horizontalHeaderItem(0)->text(), QStringLiteral("--lr"));
    QCOMPARE(generated->item(0, 0)->text(), QStringLiteral("0.1"));
    QCOMPARE(generated->item(1, 1)->text(), QStringLiteral("adam w"));
    QCOMPARE(generated->item(1, 2)->text(), QStringLiteral("--lr 0.1 --opt 'adam w'"));
    QVERIFY(!(generated->item(0, 0)->flags() & Qt::ItemIsEditable)
            || generated->editTriggers() == QAbstractItemView::NoEditTriggers);
    // Double-clicking a generated row opens no editor.
    const QRect rect = generated->visualItemRect(generated->item(0, 0));
    QTest::mouseDClick(generated->viewport(), Qt::LeftButton, {}, rect.center());
    QVERIFY(!generated->findChild<QLineEdit*>());
    NEED(QLabel, label, page, "gridConditionsLabel");
    QVERIFY(label->text().contains(QStringLiteral("4 generated")));

    // Adding a condition brings the editable table back.
    QTest::mouseClick(need<QWidget>(page, "addConditionButton"), Qt::LeftButton);
    QVERIFY(table->isVisible());
    QCOMPARE(page->conditions()->model()->rowCount(), 1);
}

void TestGuiSettings::windowFitsSmallScreen()
{
    // Item 2 of issue 15, kept: a long name and path never widen the window past 800x600.
    TestProject project;
    ExperimentPage* page = openExperiment(
        project,
        { { QStringLiteral("experiment_name"),
            QStringLiteral("a-very-long-experiment-name-that-goes-on-and-on-for-63-chars") },
          { QStringLiteral("parameter_grid"), QJsonObject { { QStringLiteral("lr"), QJsonArray { 0.1, 0.01 } } } } });
    QVERIFY(page);
    window()->resize(800, 600);
    for (int tab = 0; tab < 5; ++tab) {
        page->showTab(tab);
        QTest::qWait(20);
        QVERIFY2(window()->width() <= 800,
                 qPrintable(QStringLiteral("tab %1: %2 px wide").arg(tab).arg(window()->width())));
        QVERIFY2(window()->height() <= 600,
                 qPrintable(QStringLiteral("tab %1: %2 px high").arg(tab).arg(window()->height())));
        NEED(QLabel, title, page, "experimentTitle");
        QVERIFY2(title->text() != title->toolTip() && title->text().endsWith(QChar(0x2026)), qPrintable(title->text()));
        QCOMPARE(title->toolTip(), QStringLiteral("a-very-long-experiment-name-that-goes-on-and-on-for-63-chars"));
    }
}

void TestGuiSettings::unsavedChangesMarkedAndSavedOnQuit()
{
    TestProject project;
    ExperimentPage* page = openExperiment(project, {});
    QVERIFY(page);
    NEED(QTreeWidget, browser, window(), "projectBrowser");
    NEED(QTabWidget, tabs, page, "experimentTabs");
    auto browserItem = [&]() -> QTreeWidgetItem* {
        for (int i = 0; i < browser->topLevelItemCount(); ++i) {
            if (browser->topLevelItem(i)->text(0).startsWith(QStringLiteral("experiments/") + project.name()))
                return browser->topLevelItem(i);
        }
        return nullptr;
    };
    QVERIFY(browserItem());
    QCOMPARE(browserItem()->text(0), QStringLiteral("experiments/") + project.name());
    QVERIFY(!tabs->tabText(4).endsWith(QStringLiteral(" *")));
    QVERIFY(!window()->isWindowModified());

    // One edit: marked in the browser, on the tab and in the title.
    NEED(QLineEdit, command, page, "experiment_command");
    CHECKED(retype(command, QStringLiteral("sh other.sh")));
    QCOMPARE(browserItem()->text(0), QStringLiteral("experiments/") + project.name() + QStringLiteral(" *"));
    QVERIFY(tabs->tabText(4).endsWith(QStringLiteral(" *")));
    QVERIFY(!tabs->tabText(0).endsWith(QStringLiteral(" *")));
    QVERIFY(window()->windowTitle().contains(QStringLiteral("[*]")));
    QVERIFY(window()->isWindowModified());

    // Undone by hand: the marks go away.
    CHECKED(retype(command, QStringLiteral("sh args.sh")));
    QCOMPARE(browserItem()->text(0), QStringLiteral("experiments/") + project.name());
    QVERIFY(!tabs->tabText(4).endsWith(QStringLiteral(" *")));
    QVERIFY(!window()->isWindowModified());

    // Quitting with an edit offers Save, Discard and Cancel; Save writes the file and closes.
    CHECKED(retype(command, QStringLiteral("sh other.sh")));
    Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    window()->close();
    QVERIFY(window()->isVisible());
    QCOMPARE(Gui::MessageBox::lastButtons(), QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    Gui::MessageBox::setNextAnswer(QMessageBox::Save);
    window()->close();
    QTRY_VERIFY(!window()->isVisible());
    QCOMPARE(readParameters(project).value(QStringLiteral("experiment_command")).toString(),
             QStringLiteral("sh other.sh"));
}

void TestGuiSettings::oneRefreshAndUndoFromAnywhere()
{
    TestProject project;
    ExperimentPage* page = openExperiment(project, {});
    QVERIFY(page);
    window()->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window()));

    // F5 on the board refreshes the board (once: no ambiguous second shortcut), not the project.
    page->showTab(3);
    // No deployment here: the board's action is off, so its trigger is counted through the main window's
    // routing (a disabled action does not fire); the monitor refreshes nothing without a deployment.
    page->deployments()->refreshAction()->setEnabled(true);
    QSignalSpy boardRefresh(page->deployments()->refreshAction(), &QAction::triggered);
    QSignalSpy projectScan(window(), &MainWindow::projectLoaded);
    QWidget* inBoard = nullptr;
    for (QWidget* w : page->deployments()->findChildren<QWidget*>()) {
        if (w->isVisible() && w->focusPolicy() != Qt::NoFocus) {
            inBoard = w;
            break;
        }
    }
    QVERIFY(inBoard);
    inBoard->setFocus();
    QTRY_VERIFY(inBoard->hasFocus());
    QTest::keyClick(inBoard, Qt::Key_F5);
    QCOMPARE(boardRefresh.count(), 1);
    QCOMPARE(projectScan.count(), 0);

    // F5 elsewhere scans the project again.
    page->showTab(0);
    QTableView* table = page->conditions()->table();
    table->setFocus();
    QTRY_VERIFY(table->hasFocus());
    QTest::keyClick(table, Qt::Key_F5);
    QTRY_COMPARE(projectScan.count(), 1);
    QCOMPARE(boardRefresh.count(), 1);

    // Ctrl+Z undoes a conditions edit with the focus on another tab of the page.
    const int rows = page->conditions()->model()->rowCount();
    QTest::mouseClick(need<QWidget>(page, "addConditionButton"), Qt::LeftButton);
    QCOMPARE(page->conditions()->model()->rowCount(), rows + 1);
    page->showTab(2);
    QWidget* inRuns = nullptr;
    for (QWidget* w : page->runs()->findChildren<QWidget*>()) {
        if (w->isVisible() && w->isEnabled() && w->focusPolicy() != Qt::NoFocus && !qobject_cast<QLineEdit*>(w)) {
            inRuns = w;
            break;
        }
    }
    QVERIFY(inRuns);
    inRuns->setFocus();
    QTRY_VERIFY(inRuns->hasFocus());
    QTest::keyClick(inRuns, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(page->conditions()->model()->rowCount(), rows);
}

void TestGuiSettings::everyInteractiveWidgetHasAName()
{
    // What a screen reader says for each button, view and field of the main window, on every tab.
    TestProject project;
    ExperimentPage* page = openExperiment(project, {});
    QVERIFY(page);
    QStringList nameless;
    for (int tab = 0; tab < 5; ++tab) {
        page->showTab(tab);
        for (QWidget* w : window()->findChildren<QWidget*>()) {
            const bool interactive = qobject_cast<QAbstractButton*>(w) || qobject_cast<QAbstractItemView*>(w)
                || qobject_cast<QLineEdit*>(w) || qobject_cast<QPlainTextEdit*>(w) || qobject_cast<QComboBox*>(w)
                || qobject_cast<QSpinBox*>(w);
            // Qt's own parts of a view or field (headers, the corner button, a clear icon) are spoken through it.
            const QString cls = QLatin1String(w->metaObject()->className());
            const bool part = cls == QLatin1String("QHeaderView") || cls == QLatin1String("QTableCornerButton")
                || cls == QLatin1String("QLineEditIconButton");
            if (!interactive || part || !w->isVisible() || w->objectName().startsWith(QLatin1String("qt_")))
                continue;
            QAccessibleInterface* a = QAccessible::queryAccessibleInterface(w);
            if (!a || a->text(QAccessible::Name).trimmed().isEmpty()) {
                const QString id
                    = QStringLiteral("%1 %2").arg(QLatin1String(w->metaObject()->className()), w->objectName());
                if (!nameless.contains(id))
                    nameless << id;
            }
        }
    }
    QVERIFY2(nameless.isEmpty(), qPrintable(nameless.join(QStringLiteral(", "))));
}

QTEST_MAIN(TestGuiSettings)
#include "TestGuiSettings.moc"

void TestGuiSettings::browserNamesStayInANarrowPane()
{
    // Item 3 of issue 15: with the browser pane narrow, the Experiment column keeps room for a name
    // (elided, whole in the tooltip); the counts give way first.
    TestProject project;
    QVERIFY(openExperiment(project, {}));
    window()->resize(800, 600);
    NEED(QSplitter, splitter, window(), "mainSplitter");
    NEED(QTreeWidget, browser, window(), "projectBrowser");
    for (const int pane : { 400, 220, 160, 120 }) {
        splitter->setSizes({ pane, 800 - pane });
        QCoreApplication::processEvents();
        const int nameWidth = browser->header()->sectionSize(0);
        const int wanted = qMin(browser->viewport()->width() - 4,
                                browser->fontMetrics().horizontalAdvance(QStringLiteral("MMMMMMMM")));
        QVERIFY2(
            nameWidth >= wanted,
            qPrintable(QStringLiteral("pane %1: name column %2 px, want %3").arg(pane).arg(nameWidth).arg(wanted)));
        QVERIFY(browser->topLevelItem(0)->toolTip(0).contains(QStringLiteral("condition")));
        if (pane == 400) // room for all: the counts stay
            QVERIFY(!browser->header()->isSectionHidden(1) && !browser->header()->isSectionHidden(2));
    }
    // Wide again: the columns come back.
    splitter->setSizes({ 400, 400 });
    QTRY_VERIFY(!browser->header()->isSectionHidden(1) && !browser->header()->isSectionHidden(2));
}

void TestGuiSettings::settingsEditsUndoFromTheEditMenu()
{
    // The Settings tab's edits are steps of Edit > Undo while it is shown (typing in one field is one step);
    // on the other tabs Undo acts on the conditions.
    TestProject project;
    ExperimentPage* page = openExperiment(project, {});
    QVERIFY(page);
    ExperimentSettingsEditor* editor = page->settings();
    NEED(QLineEdit, registryEdit, editor, "registry");
    CHECKED(retype(registryEdit, QStringLiteral("registry.example.com")));
    NEED(QSpinBox, parallel, editor, "max_parallel");
    parallel->setValue(6);
    QVERIFY(editor->isModified());
    QCOMPARE(editor->undoStack()->count(), 2);

    NEED(QAction, undo, window(), "actionUndo");
    QVERIFY(undo->isEnabled());
    QVERIFY2(undo->text().contains(QStringLiteral("Max parallel")), qPrintable(undo->text()));
    undo->trigger();
    QCOMPARE(parallel->value(), 1);
    QCOMPARE(registryEdit->text(), QStringLiteral("registry.example.com"));
    undo->trigger();
    QCOMPARE(registryEdit->text(), QString());
    QVERIFY(!editor->isModified());
    QVERIFY(!window()->isWindowModified());

    // Redo brings the registry back; Revert is a step too.
    NEED(QAction, redo, window(), "actionRedo");
    redo->trigger();
    QCOMPARE(registryEdit->text(), QStringLiteral("registry.example.com"));
    QTest::mouseClick(need<QPushButton>(editor, "revertSettingsButton"), Qt::LeftButton);
    QCOMPARE(registryEdit->text(), QString());
    undo->trigger();
    QCOMPARE(registryEdit->text(), QStringLiteral("registry.example.com"));

    // Another tab: Undo is the conditions' again.
    page->showTab(0);
    QVERIFY(!undo->isEnabled() || !undo->text().contains(QStringLiteral("registry"), Qt::CaseInsensitive));
}
