// SPDX-License-Identifier: MIT
// The conditions table through the widgets: typing into cells, adding,
// duplicating, reordering and removing rows, the grid dialog, undo/redo, the
// problems shown for invalid cells, and what lands in parameters.json.
#include "Checked.h"
#include "ConditionsEditor.h"
#include "ConditionsModel.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "MainWindow.h"
#include "TestProject.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>

namespace {
// The cell editor that is open now (closed ones linger hidden until deleted).
QLineEdit* openEditor(QWidget* viewport)
{
    for (QLineEdit* edit : viewport->findChildren<QLineEdit*>()) {
        if (edit->isVisible())
            return edit;
    }
    return nullptr;
}
} // namespace

class TestGuiConditions : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void editCellsAndSave();
    void gridDialogUndoRedo();
    void invalidCellIsHighlightedAndNotSaved();
    void lineBreakInConditionIsNotSaved();
    void columnsFitTheirValuesAfterEdits();

private:
    ExperimentPage* openTestExperiment(TestProject& project);
    // Double-clicks a cell, types text, presses Enter: as a user edits.
    void typeIntoCell(QTableView* table, int row, int column, const QString& text);
    QJsonObject readParameters(const TestProject& project) const;
};

void TestGuiConditions::initTestCase()
{
    CHECKED(isolateSettings());
}

void TestGuiConditions::cleanup()
{
    destroyMainWindow();
}

ExperimentPage* TestGuiConditions::openTestExperiment(TestProject& project)
{
    // A key no version of Logistician knows: it must survive the save.
    project.setParameters(
        { { QStringLiteral("my_lab_notes"), QStringLiteral("keep me") },
          { QStringLiteral("experiment_conditions"),
            QJsonArray { QStringLiteral("--lr 0.1 --layers 2"), QStringLiteral("--lr 0.01 --layers 2") } } });
    createMainWindow();
    if (!openProject(project.root()))
        return nullptr;
    return window()->currentPage();
}

void TestGuiConditions::typeIntoCell(QTableView* table, int row, int column, const QString& text)
{
    const QModelIndex index = table->model()->index(row, column);
    table->scrollTo(index);
    const QRect rect = table->visualRect(index);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QLineEdit* editor = nullptr;
    QTRY_VERIFY((editor = openEditor(table->viewport())) != nullptr);
    editor->selectAll();
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_VERIFY(!openEditor(table->viewport()));
}

QJsonObject TestGuiConditions::readParameters(const TestProject& project) const
{
    QFile file(project.experimentDir() + QStringLiteral("/parameters.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void TestGuiConditions::editCellsAndSave()
{
    TestProject project;
    ExperimentPage* page = openTestExperiment(project);
    QVERIFY(page);
    QCOMPARE(page->dir(), QDir(project.experimentDir()).canonicalPath());
    NEED(QTableView, table, page, "conditionsTable");
    QVERIFY(table);
    ConditionsModel* model = page->conditions()->model();

    // A column per key, then the arguments column.
    QCOMPARE(model->columnCount(), 3);
    QCOMPARE(model->headerData(0, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("--lr"));
    QCOMPARE(model->headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("--layers"));
    QCOMPARE(model->rowCount(), 2);

    // Change a value in the --layers column.
    CHECKED(typeIntoCell(table, 1, 1, QStringLiteral("4")));
    QCOMPARE(model->conditions().at(1), QStringLiteral("--lr 0.01 --layers 4"));
    QVERIFY(window()->isWindowModified());

    // Add a row after the last and fill its --lr cell with a value that needs quoting.
    table->setCurrentIndex(model->index(1, 0));
    QTest::mouseClick(need<QToolButton>(page, "addConditionButton"), Qt::LeftButton);
    QCOMPARE(model->rowCount(), 3);
    CHECKED(typeIntoCell(table, 2, 0, QStringLiteral("1e-3 warm")));
    QCOMPARE(model->conditions().at(2), QStringLiteral("--lr '1e-3 warm'"));

    // Duplicate row 1, then move the copy to the top.
    table->setCurrentIndex(model->index(0, 0));
    table->selectionModel()->select(model->index(0, 0), QItemSelectionModel::ClearAndSelect);
    QTest::mouseClick(need<QToolButton>(page, "duplicateConditionButton"), Qt::LeftButton);
    QCOMPARE(model->rowCount(), 4);
    QCOMPARE(model->conditions().at(1), model->conditions().at(0));
    QVERIFY(model->hasProblems()); // a duplicate is a problem until it differs
    CHECKED(typeIntoCell(table, 1, 1, QStringLiteral("8")));
    QVERIFY(!model->hasProblems());
    table->setCurrentIndex(model->index(1, 1));
    table->selectionModel()->select(model->index(1, 1), QItemSelectionModel::ClearAndSelect);
    QTest::mouseClick(need<QToolButton>(page, "moveUpButton"), Qt::LeftButton);
    QCOMPARE(model->conditions().at(0), QStringLiteral("--lr 0.1 --layers 8"));

    // Remove the last row with the Delete key, as a user would from the table.
    table->setFocus();
    table->setCurrentIndex(model->index(3, 0));
    table->selectionModel()->select(model->index(3, 0), QItemSelectionModel::ClearAndSelect);
    QTest::keyClick(table, Qt::Key_Delete);
    QCOMPARE(model->rowCount(), 3);

    // A raw condition typed into the arguments column keeps its exact text.
    table->setCurrentIndex(model->index(2, 0));
    QTest::mouseClick(need<QToolButton>(page, "addConditionButton"), Qt::LeftButton);
    CHECKED(typeIntoCell(table, 3, model->argumentsColumn(), QStringLiteral("positional \"two words\"")));
    QCOMPARE(model->conditions().at(3), QStringLiteral("positional \"two words\""));

    QTest::mouseClick(need<QToolButton>(page, "saveConditionsButton"), Qt::LeftButton);
    QTRY_VERIFY(!window()->isWindowModified());

    const QJsonObject saved = readParameters(project);
    QCOMPARE(saved.value(QStringLiteral("my_lab_notes")).toString(), QStringLiteral("keep me"));
    QCOMPARE(saved.value(QStringLiteral("experiment_name")).toString(), project.name());
    QCOMPARE(saved.value(QStringLiteral("experiment_command")).toString(), QStringLiteral("sh args.sh"));
    const QStringList expected { QStringLiteral("--lr 0.1 --layers 8"), QStringLiteral("--lr 0.1 --layers 2"),
                                 QStringLiteral("--lr 0.01 --layers 4"), QStringLiteral("positional \"two words\"") };
    QStringList conditions;
    for (const QJsonValue& v : saved.value(QStringLiteral("experiment_conditions")).toArray())
        conditions << v.toString();
    QCOMPARE(conditions, expected);
}

void TestGuiConditions::gridDialogUndoRedo()
{
    TestProject project;
    ExperimentPage* page = openTestExperiment(project);
    QVERIFY(page);
    ConditionsModel* model = page->conditions()->model();
    const QStringList before = model->conditions();

    QTest::mouseClick(need<QToolButton>(page, "generateGridButton"), Qt::LeftButton);
    QDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = page->findChild<QDialog*>(QStringLiteral("gridDialog"))) && dialog->isVisible());
    NEED(QTableWidget, axes, dialog, "gridAxes");
    QVERIFY(axes);
    // Prefilled from the current conditions: --lr with both values, --layers with one.
    QCOMPARE(axes->rowCount(), 2);
    QCOMPARE(axes->item(0, 0)->text(), QStringLiteral("lr"));
    QCOMPARE(axes->item(0, 1)->text(), QStringLiteral("0.1, 0.01"));

    // Type new values for --layers and add a third key, as a user would in the table.
    auto editCell = [axes](int row, int column, const QString& text) {
        const QRect rect = axes->visualItemRect(axes->item(row, column));
        QTest::mouseClick(axes->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(axes->viewport(), Qt::LeftButton, {}, rect.center());
        QLineEdit* editor = nullptr;
        QTRY_VERIFY((editor = openEditor(axes->viewport())) != nullptr);
        editor->selectAll();
        QTest::keyClicks(editor, text);
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_VERIFY(!openEditor(axes->viewport()));
    };
    CHECKED(editCell(1, 1, QStringLiteral("2 4 8")));
    QTest::mouseClick(need<QPushButton>(dialog, "addAxisButton"), Qt::LeftButton);
    QTRY_VERIFY(openEditor(axes->viewport())); // the new key's cell opens for typing
    QTest::keyClick(openEditor(axes->viewport()), Qt::Key_Escape);
    QTRY_VERIFY(!openEditor(axes->viewport()));
    CHECKED(editCell(2, 0, QStringLiteral("optimizer")));
    CHECKED(editCell(2, 1, QStringLiteral("adam, 'sgd momentum'")));
    NEED(QLabel, preview, dialog, "gridPreview");
    QTRY_VERIFY(preview->text().contains(QStringLiteral("12 conditions")));
    QVERIFY(need<QRadioButton>(dialog, "replaceRadio")->isChecked());
    QTest::mouseClick(need<QDialogButtonBox>(dialog, "buttonBox")->button(QDialogButtonBox::Ok), Qt::LeftButton);

    QCOMPARE(model->rowCount(), 12);
    QCOMPARE(model->keys(),
             (QStringList { QStringLiteral("lr"), QStringLiteral("layers"), QStringLiteral("optimizer") }));
    QCOMPARE(model->conditions().first(), QStringLiteral("--lr 0.1 --layers 2 --optimizer adam"));
    QCOMPARE(model->conditions().last(), QStringLiteral("--lr 0.01 --layers 8 --optimizer 'sgd momentum'"));

    // Undo brings the two conditions back; redo the grid again; Ctrl+Z from the table works as well.
    QTest::mouseClick(need<QToolButton>(page, "undoButton"), Qt::LeftButton);
    QCOMPARE(model->conditions(), before);
    QTest::mouseClick(need<QToolButton>(page, "redoButton"), Qt::LeftButton);
    QCOMPARE(model->rowCount(), 12);
    window()->activateWindow(); // the offscreen platform does not hand activation back when a dialog closes
    QVERIFY(QTest::qWaitForWindowActive(window()));
    page->conditions()->table()->setFocus();
    QTest::keyClick(page->conditions()->table(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(model->conditions(), before);
    QTest::keyClick(page->conditions()->table(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(model->rowCount(), 12);

    // Save through the menu shortcut and read the file back.
    QTest::keySequence(window(), QKeySequence::Save);
    QTRY_VERIFY(!window()->isWindowModified());
    QStringList saved;
    for (const QJsonValue& v : readParameters(project).value(QStringLiteral("experiment_conditions")).toArray())
        saved << v.toString();
    QCOMPARE(saved, model->conditions());
    QCOMPARE(readParameters(project).value(QStringLiteral("my_lab_notes")).toString(), QStringLiteral("keep me"));
}

void TestGuiConditions::invalidCellIsHighlightedAndNotSaved()
{
    TestProject project;
    ExperimentPage* page = openTestExperiment(project);
    QVERIFY(page);
    ConditionsModel* model = page->conditions()->model();
    NEED(QTableView, table, page, "conditionsTable");
    QFile file(project.experimentDir() + QStringLiteral("/parameters.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray original = file.readAll();
    file.close();

    CHECKED(typeIntoCell(table, 0, model->argumentsColumn(), QStringLiteral("--lr 'unclosed")));
    const QModelIndex cell = model->index(0, model->argumentsColumn());
    QCOMPARE(model->data(cell, Qt::ToolTipRole).toString(), QStringLiteral("unbalanced single quote"));
    QVERIFY(model->data(cell, Qt::BackgroundRole).isValid());
    NEED(QLabel, problems, page, "conditionsProblems");
    QTRY_VERIFY(problems->isVisible());
    QVERIFY(problems->text().contains(QStringLiteral("Row 1: unbalanced single quote")));
    QVERIFY(!need<QToolButton>(page, "saveConditionsButton")->isEnabled());

    // Ctrl+S refuses and says why; the file is untouched.
    const Result pageSaved = page->save();
    QVERIFY(!pageSaved);
    const QString error = pageSaved.message();
    QVERIFY(error.contains(QStringLiteral("unbalanced single quote")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), original);
}

void TestGuiConditions::lineBreakInConditionIsNotSaved()
{
    // The rule parameters.json loads with holds in the editor: a line break
    // (pasted, or set through the model as a delegate does) would split machines.txt.
    TestProject project;
    ExperimentPage* page = openTestExperiment(project);
    QVERIFY(page);
    ConditionsModel* model = page->conditions()->model();
    QFile file(project.experimentDir() + QStringLiteral("/parameters.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray original = file.readAll();
    file.close();

    const QModelIndex cell = model->index(1, model->argumentsColumn());
    QVERIFY(model->setData(cell, QStringLiteral("--lr 'a\nb'"), Qt::EditRole));
    QCOMPARE(model->data(cell, Qt::ToolTipRole).toString(), QStringLiteral("contains a line break"));
    NEED(QLabel, problems, page, "conditionsProblems");
    QTRY_VERIFY(problems->isVisible());
    QVERIFY2(problems->text().contains(QStringLiteral("Row 2: contains a line break")), qPrintable(problems->text()));
    QVERIFY(!need<QToolButton>(page, "saveConditionsButton")->isEnabled());
    const Result pageSaved = page->save();
    QVERIFY(!pageSaved);
    const QString error = pageSaved.message();
    QVERIFY2(error.contains(QStringLiteral("contains a line break")), qPrintable(error));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), original);
}

QTEST_MAIN(TestGuiConditions)
#include "TestGuiConditions.moc"

void TestGuiConditions::columnsFitTheirValuesAfterEdits()
{
    // Item 6 of issue 15: after an edit a key column is as wide as its values (up to a cap), and a value
    // cut off by the cap is whole in its tooltip.
    TestProject project;
    ExperimentPage* page = openTestExperiment(project);
    QVERIFY(page);
    window()->resize(1280, 720);
    NEED(QTableView, table, page, "conditionsTable");
    QAbstractItemModel* model = table->model();
    const QString medium = QStringLiteral("0.000123456789012345");
    CHECKED(typeIntoCell(table, 0, 0, medium));
    QTRY_COMPARE(model->index(0, 0).data().toString(), medium);
    const int needed = table->fontMetrics().horizontalAdvance(medium);
    QVERIFY2(table->columnWidth(0) >= needed,
             qPrintable(QStringLiteral("%1 < %2").arg(table->columnWidth(0)).arg(needed)));

    const QString longValue = QStringLiteral("a-value-far-too-long-to-show-whole-in-any-sensible-column-width");
    CHECKED(typeIntoCell(table, 1, 0, longValue));
    QTRY_COMPARE(model->index(1, 0).data().toString(), longValue);
    QVERIFY(table->columnWidth(0) < table->fontMetrics().horizontalAdvance(longValue)); // capped
    QVERIFY(table->columnWidth(0) >= needed);
    QCOMPARE(model->index(1, 0).data(Qt::ToolTipRole).toString(), longValue);
    // The arguments column still has room beside the capped one.
    QVERIFY(table->columnViewportPosition(model->columnCount() - 1) < table->viewport()->width());
}
