// SPDX-License-Identifier: MIT
// Keyboard and screen reader, checked on every window and dialog: no two
// shortcuts answer the same keys in the same place, Alt-letters are unique,
// every interactive widget has a name, Tab leaves every view, Ctrl+C copies
// rows as TSV, Help > Keyboard Shortcuts lists the actions, View > Theme is
// saved, and icons stay legible on a dark palette.
#include "ConditionsEditor.h"
#include "ConditionsModel.h"
#include "Dialogs.h"
#include "ExperimentPage.h"
#include "GuiTestBase.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestProject.h"
#include "Theme.h"
#include "board/DeployDialog.h"
#include "board/DeploymentBoard.h"
#include "keys/ShortcutsDialog.h"
#include "keys/ViewKeys.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QScrollBar>
#include <QShortcut>
#include <QStandardItemModel>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTextEdit>
#include <QTreeWidget>
#include <QUndoStack>
#include <QWizard>

namespace {

QString describe(const QObject* o)
{
    const QString name = o->objectName().isEmpty() ? QStringLiteral("(unnamed)") : o->objectName();
    return QStringLiteral("%1 %2").arg(QLatin1String(o->metaObject()->className()), name);
}

bool shown(const QWidget* w, const QWidget* top)
{
    return w == top || w->isVisibleTo(top);
}

// Where a shortcut can fire: its context and the widget it is attached to.
struct Scope
{
    Qt::ShortcutContext context;
    const QWidget* widget;
    QString what;
};

bool overlap(const Scope& a, const Scope& b)
{
    auto wide = [](const Scope& s) { return s.context == Qt::WindowShortcut || s.context == Qt::ApplicationShortcut; };
    if (wide(a) || wide(b))
        return true;
    auto covers = [](const Scope& outer, const Scope& inner) {
        if (outer.widget == inner.widget)
            return true;
        return outer.context == Qt::WidgetWithChildrenShortcut && outer.widget->isAncestorOf(inner.widget);
    };
    return covers(a, b) || covers(b, a);
}

void checkShortcuts(QWidget* top, const QString& screen, QStringList* problems)
{
    QMultiHash<QString, std::pair<const QObject*, Scope>> byKey;
    for (QAction* action : ShortcutsDialog::actionsOf(top)) {
        for (const QKeySequence& keys : action->shortcuts()) {
            if (keys.isEmpty())
                continue;
            for (QObject* object : action->associatedObjects()) {
                auto* widget = qobject_cast<QWidget*>(object);
                if (!widget)
                    continue;
                const bool inMenu = qobject_cast<QMenu*>(widget) || qobject_cast<QMenuBar*>(widget);
                const Scope scope { inMenu ? Qt::WindowShortcut : action->shortcutContext(), widget,
                                    QStringLiteral("action \"%1\" on %2").arg(action->text(), describe(widget)) };
                byKey.insert(keys.toString(), { action, scope });
            }
        }
    }
    for (QShortcut* shortcut : top->findChildren<QShortcut*>()) {
        if (auto* widget = qobject_cast<QWidget*>(shortcut->parent()))
            byKey.insert(shortcut->key().toString(),
                         { shortcut,
                           Scope { shortcut->context(), widget, QStringLiteral("QShortcut on ") + describe(widget) } });
    }
    for (const QString& key : byKey.uniqueKeys()) {
        const auto users = byKey.values(key);
        for (int i = 0; i < users.size(); ++i) {
            for (int j = i + 1; j < users.size(); ++j) {
                if (users[i].first == users[j].first)
                    continue; // one action shown in two places
                if (overlap(users[i].second, users[j].second))
                    *problems << QStringLiteral("%1: %2 is ambiguous: %3 and %4")
                                     .arg(screen, key, users[i].second.what, users[j].second.what);
            }
        }
    }
}

QChar mnemonic(const QString& text)
{
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("&([^&])")).match(text);
    return m.hasMatch() ? m.captured(1).at(0).toLower() : QChar();
}

void checkMnemonics(QWidget* top, const QString& screen, QStringList* problems)
{
    QMultiHash<QChar, QString> letters;
    auto add = [&](const QString& text, const QString& what) {
        const QChar c = mnemonic(text);
        if (!c.isNull())
            letters.insert(c, QStringLiteral("%1 \"%2\"").arg(what, text));
    };
    for (QWidget* w : top->findChildren<QWidget*>()) {
        if (!shown(w, top))
            continue;
        if (auto* button = qobject_cast<QAbstractButton*>(w))
            add(button->text(), describe(button));
        else if (auto* label = qobject_cast<QLabel*>(w); label && label->buddy())
            add(label->text(), describe(label));
        else if (auto* group = qobject_cast<QGroupBox*>(w))
            add(group->title(), describe(group));
        else if (auto* tabs = qobject_cast<QTabBar*>(w)) {
            for (int i = 0; i < tabs->count(); ++i)
                add(tabs->tabText(i), describe(tabs));
        } else if (auto* bar = qobject_cast<QMenuBar*>(w)) {
            for (QAction* a : bar->actions())
                add(a->text(), QStringLiteral("menu"));
        }
    }
    for (const QChar c : letters.uniqueKeys()) {
        if (letters.count(c) > 1)
            *problems << QStringLiteral("%1: Alt+%2 is shared: %3")
                             .arg(screen, c.toUpper(), letters.values(c).join(QStringLiteral(", ")));
    }
    // Within each menu, the letters are unique too.
    for (QMenu* menu : top->findChildren<QMenu*>()) {
        QMultiHash<QChar, QString> inMenu;
        for (QAction* a : menu->actions()) {
            const QChar c = mnemonic(a->text());
            if (!c.isNull() && a->isVisible())
                inMenu.insert(c, a->text());
        }
        for (const QChar c : inMenu.uniqueKeys()) {
            if (inMenu.count(c) > 1)
                *problems << QStringLiteral("%1: menu \"%2\" shares &%3: %4")
                                 .arg(screen, menu->title(), c, inMenu.values(c).join(QStringLiteral(", ")));
        }
    }
}

bool interactive(const QWidget* w)
{
    if (qobject_cast<const QHeaderView*>(w) || qobject_cast<const QScrollBar*>(w))
        return false;
    return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QLineEdit*>(w)
        || qobject_cast<const QAbstractSpinBox*>(w) || qobject_cast<const QComboBox*>(w)
        || qobject_cast<const QAbstractItemView*>(w) || qobject_cast<const QPlainTextEdit*>(w)
        || qobject_cast<const QTextEdit*>(w) || qobject_cast<const QAbstractSlider*>(w);
}

void checkNames(QWidget* top, const QString& screen, QStringList* problems)
{
    for (QWidget* w : top->findChildren<QWidget*>()) {
        if (!shown(w, top) || !interactive(w))
            continue;
        // A part of another control (a spin box's editor, a line edit's clear button) is named by it.
        // (An item view's cell editor is named by its cell.)
        bool part = false;
        for (QWidget* p = w->parentWidget(); p && p != top; p = p->parentWidget())
            part = part || interactive(p);
        if (part)
            continue;
        QAccessibleInterface* a = QAccessible::queryAccessibleInterface(w);
        if (!a || a->text(QAccessible::Name).trimmed().isEmpty())
            *problems << QStringLiteral("%1: %2 has neither text nor an accessible name").arg(screen, describe(w));
    }
}

void checkAll(QWidget* top, const QString& screen, QStringList* problems)
{
    QApplication::processEvents();
    checkShortcuts(top, screen, problems);
    checkMnemonics(top, screen, problems);
    checkNames(top, screen, problems);
}

// Each tab of each visible tab widget, in turn (nested ones too).
void checkEveryTab(QWidget* top, const QString& screen, QStringList* problems, int depth = 0)
{
    checkAll(top, screen, problems);
    if (depth > 2)
        return;
    for (QTabWidget* tabs : top->findChildren<QTabWidget*>()) {
        if (!shown(tabs, top))
            continue;
        const int was = tabs->currentIndex();
        for (int i = 0; i < tabs->count(); ++i) {
            if (i == was || !tabs->isTabEnabled(i))
                continue;
            tabs->setCurrentIndex(i);
            checkAll(top, screen + QStringLiteral(" ▸ ") + tabs->tabText(i), problems);
        }
        tabs->setCurrentIndex(was);
    }
}

void checkDialog(QWidget* dialog, const QString& screen, QStringList* problems)
{
    if (!dialog) {
        *problems << screen + QStringLiteral(": did not open");
        return;
    }
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    if (auto* wizard = qobject_cast<QWizard*>(dialog)) {
        for (int page = 0; page < 12; ++page) {
            checkEveryTab(wizard, QStringLiteral("%1 page %2").arg(screen).arg(wizard->currentId()), problems);
            const int id = wizard->currentId();
            wizard->next();
            QApplication::processEvents();
            if (wizard->currentId() == id)
                break;
        }
    } else {
        checkEveryTab(dialog, screen, problems);
    }
    dialog->close();
}

} // namespace

class TestGuiKeyboard : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        CHECKED(isolateSettings());
        m_project = std::make_unique<TestProject>();
        createMainWindow();
        QVERIFY(openProject(m_project->root()));
        QVERIFY(window()->currentPage());
    }

    void everyWindowAndDialog()
    {
        QStringList problems;
        ExperimentPage* page = window()->currentPage();
        for (int i = 0; i < 5; ++i) {
            page->showTab(i);
            checkEveryTab(window(), QStringLiteral("main window tab %1").arg(i), &problems);
        }
        page->showTab(0);
        checkDialog(window()->showSettings(), QStringLiteral("Settings"), &problems);
        checkDialog(window()->showAbout(), QStringLiteral("About"), &problems);
        checkDialog(window()->showShortcuts(), QStringLiteral("Keyboard Shortcuts"), &problems);
        checkDialog(window()->showNewExperimentWizard(), QStringLiteral("New Experiment"), &problems);
        checkDialog(window()->showSetupWizard(), QStringLiteral("Setup"), &problems);
        checkDialog(window()->showCommitDialog(), QStringLiteral("Commit Changes"), &problems);
        page->conditions()->openGridDialog();
        checkDialog(page->findChild<QDialog*>(QStringLiteral("gridDialog")), QStringLiteral("Generate Grid"),
                    &problems);
        page->showTab(3);
        checkDialog(page->deployments()->showDeployDialog(), QStringLiteral("Deploy"), &problems);
        page->showTab(0);
        problems.removeDuplicates();
        for (const QString& problem : std::as_const(problems))
            qWarning("%s", qPrintable(problem));
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 problems (above)").arg(problems.size())));
    }

    void tabLeavesEveryView()
    {
        QStringList stuck;
        ExperimentPage* page = window()->currentPage();
        for (int i = 0; i < 5; ++i) {
            page->showTab(i);
            QApplication::processEvents();
            for (QWidget* w : window()->findChildren<QWidget*>()) {
                const bool view = (qobject_cast<QAbstractItemView*>(w) && !qobject_cast<QHeaderView*>(w))
                    || (qobject_cast<QPlainTextEdit*>(w) && static_cast<QPlainTextEdit*>(w)->isReadOnly());
                if (!view || !w->isVisible() || !w->isEnabled() || w->focusPolicy() == Qt::NoFocus)
                    continue;
                w->setFocus(Qt::TabFocusReason);
                QApplication::processEvents();
                if (QApplication::focusWidget() != w)
                    continue;
                QTest::keyClick(w, Qt::Key_Tab);
                if (QApplication::focusWidget() == w)
                    stuck << describe(w);
            }
        }
        page->showTab(0);
        QVERIFY2(stuck.isEmpty(), qPrintable(stuck.join(QStringLiteral(", "))));
    }

    void ctrlCCopiesTheSelectedRowsAsTsv()
    {
        ExperimentPage* page = window()->currentPage();
        page->showTab(0);
        window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window()));
        QTableView* table = page->conditions()->table();
        ConditionsModel* model = page->conditions()->model();
        QVERIFY(model->rowCount() >= 2);
        QStringList expected;
        for (int row : { 0, 1 }) {
            QStringList fields;
            for (int c = 0; c < model->columnCount(); ++c)
                fields << model->index(row, c).data().toString();
            expected << fields.join(QLatin1Char('\t'));
        }
        table->setFocus();
        table->clearSelection();
        // One cell of each row is enough: the whole row is copied.
        table->selectionModel()->select(model->index(1, 0), QItemSelectionModel::Select);
        table->selectionModel()->select(model->index(0, model->columnCount() - 1), QItemSelectionModel::Select);
        QApplication::clipboard()->clear();
        QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), expected.join(QLatin1Char('\n')));

        // The same for any table: tabs and line breaks in a value do not split it; hidden columns stay out.
        QStandardItemModel m(2, 3);
        m.setItem(0, 0, new QStandardItem(QStringLiteral("a\tb")));
        m.setItem(0, 1, new QStandardItem(QStringLiteral("hidden")));
        m.setItem(0, 2, new QStandardItem(QStringLiteral("line\nbreak")));
        m.setItem(1, 0, new QStandardItem(QStringLiteral("x")));
        m.setItem(1, 2, new QStandardItem(QStringLiteral("y")));
        QTableView view;
        view.setModel(&m);
        view.setColumnHidden(1, true);
        ViewKeys::install(&view);
        view.selectionModel()->select(m.index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        view.selectionModel()->select(m.index(0, 2), QItemSelectionModel::Select);
        QCOMPARE(ViewKeys::selectedRowsAsTsv(&view), QStringLiteral("a b\tline break\nx\ty"));
        QVERIFY(!view.tabKeyNavigation());
    }

    void conditionsTableHasAContextMenu()
    {
        ExperimentPage* page = window()->currentPage();
        page->showTab(0);
        window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window()));
        QTableView* table = page->conditions()->table();
        const int before = page->conditions()->model()->rowCount();
        table->setCurrentIndex(page->conditions()->model()->index(0, 0));
        Q_EMIT table->customContextMenuRequested(QPoint(5, 5));
        auto* menu = table->findChild<QMenu*>(QStringLiteral("conditionsContextMenu"));
        QVERIFY(menu);
        QVERIFY(QTest::qWaitForWindowExposed(menu));
        QAction* duplicate = nullptr;
        for (QAction* a : menu->actions())
            duplicate = a->text() == tr("D&uplicate") ? a : duplicate;
        QVERIFY(duplicate);
        duplicate->trigger();
        menu->close();
        QCOMPARE(page->conditions()->model()->rowCount(), before + 1);
        page->undoStack()->undo();
        QCOMPARE(page->conditions()->model()->rowCount(), before);
    }

    void shortcutsDialogListsEveryAction()
    {
        auto* dialog = window()->showShortcuts();
        QVERIFY(dialog);
        auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("shortcutsTable"));
        QVERIFY(table);
        QStringList rows;
        for (int r = 0; r < table->rowCount(); ++r)
            rows << table->item(r, 0)->text() + QLatin1Char('|') + table->item(r, 1)->text() + QLatin1Char('|')
                    + table->item(r, 2)->text();
        const QString all = rows.join(QLatin1Char('\n'));
        // Generated from the actions: a menu action, a table's own keys, and one added now.
        QVERIFY2(all.contains(QStringLiteral("Ctrl+O|Open Project…|File")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("Ctrl+C|Copy Rows|Conditions")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("Ins|Add a condition after the selected one|Conditions")),
                 qPrintable(all));
        dialog->close();
        auto* extra = new QAction(QStringLiteral("&Frobnicate"), window());
        extra->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F12));
        window()->addAction(extra);
        bool found = false;
        for (const auto& e : ShortcutsDialog::collect(window()))
            found = found || (e.action == QStringLiteral("Frobnicate") && e.keys == extra->shortcut());
        delete extra;
        QVERIFY(found);
    }

    // Issue 27, item 11: the list names Undo and Redo, not "Redo Add condition", and has the Settings tab's key.
    void shortcutsListStableNamesAndTheSettingsTab()
    {
        ExperimentPage* page = window()->currentPage();
        page->conditions()->addCondition();
        page->undoStack()->undo(); // Redo now reads "Redo Add condition" in the Edit menu
        QStringList rows;
        for (const auto& e : ShortcutsDialog::collect(window()))
            rows << e.keys.toString() + QLatin1Char('|') + e.action + QLatin1Char('|') + e.where;
        const QString all = rows.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("Ctrl+Z|Undo|Edit")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("Ctrl+Shift+Z|Redo|Edit")), qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("Redo Add")) && !all.contains(QStringLiteral("Undo Add")),
                 qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("Ctrl+5|Settings Tab|Experiment")), qPrintable(all));
        page->showTab(0);
        QTest::keyClick(window(), Qt::Key_5, Qt::ControlModifier);
        QTRY_COMPARE(need<QTabWidget>(page, "experimentTabs")->currentIndex(), 4);
        page->showTab(0);
    }

    // Ctrl+F in the Dockerfile editor: a find bar; Enter finds (wrapping), Esc goes back to the text.
    void ctrlFFindsInTheDockerfile()
    {
        ExperimentPage* page = window()->currentPage();
        page->showTab(1);
        window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window()));
        NEED(QPlainTextEdit, editor, page, "dockerfileEditor");
        editor->setPlainText(QStringLiteral("FROM debian:bookworm-slim\nRUN echo one\nRUN echo two\n"));
        editor->setFocus();
        editor->moveCursor(QTextCursor::Start);
        QTest::keyClick(editor, Qt::Key_F, Qt::ControlModifier);
        NEED(QLineEdit, find, page, "dockerfileFind");
        QTRY_VERIFY(find->isVisible() && find->hasFocus());
        QTest::keyClicks(find, QStringLiteral("echo"));
        QCOMPARE(editor->textCursor().selectedText(), QStringLiteral("echo"));
        QCOMPARE(editor->textCursor().blockNumber(), 1);
        QTest::keyClick(find, Qt::Key_Return);
        QCOMPARE(editor->textCursor().blockNumber(), 2);
        QTest::keyClick(find, Qt::Key_Return); // from the top again
        QCOMPARE(editor->textCursor().blockNumber(), 1);
        QTest::keyClick(find, Qt::Key_Return, Qt::ShiftModifier); // back: wraps to the last
        QCOMPARE(editor->textCursor().blockNumber(), 2);
        find->clear();
        QTest::keyClicks(find, QStringLiteral("nowhere"));
        QCOMPARE(need<QLabel>(page, "dockerfileFindStatus")->text(), QStringLiteral("Not found"));
        QTest::keyClick(find, Qt::Key_Escape);
        QTRY_VERIFY(!find->isVisible());
        QVERIFY(editor->hasFocus());
        editor->document()->undo();
        page->showTab(0);
    }

    // Edit > Cut, Copy, Paste act on the focused widget: a text field, then a table's rows.
    void editMenuCutCopyPaste()
    {
        ExperimentPage* page = window()->currentPage();
        page->showTab(4);
        window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window()));
        NEED(QLineEdit, command, page, "experiment_command");
        NEED(QMenu, edit, window(), "menuEdit");
        auto action = [this](const char* name) { return need<QAction>(window(), name); };
        const QString text = command->text();
        QVERIFY(!text.isEmpty());
        command->setFocus();
        command->selectAll();
        Q_EMIT edit->aboutToShow();
        QVERIFY(action("actionCopy")->isEnabled() && action("actionCut")->isEnabled());
        QVERIFY(action("actionCopy")->text().contains(QStringLiteral("Copy")));
        QApplication::clipboard()->clear();
        action("actionCopy")->trigger();
        QCOMPARE(QApplication::clipboard()->text(), text);
        action("actionCut")->trigger();
        QCOMPARE(command->text(), QString());
        action("actionPaste")->trigger();
        QCOMPARE(command->text(), text);

        page->showTab(0);
        QTableView* table = page->conditions()->table();
        table->setFocus();
        table->selectRow(0);
        Q_EMIT edit->aboutToShow();
        QVERIFY(action("actionCopy")->isEnabled());
        QVERIFY(!action("actionCut")->isEnabled());
        action("actionCopy")->trigger();
        QCOMPARE(QApplication::clipboard()->text(), ViewKeys::selectedRowsAsTsv(table));
        QVERIFY(QApplication::clipboard()->text().contains(page->conditions()->model()->conditions().first()));
    }

    // No menu of the bar is ever disabled (a disabled one stays highlighted after Escape): with no
    // experiment open, Deploy holds a disabled entry that says why; opened, then Escape, nothing stays lit.
    void noMenuStaysHighlightedAfterEscape()
    {
        MainWindow empty;
        empty.resize(1000, 700);
        empty.show();
        QVERIFY(QTest::qWaitForWindowExposed(&empty));
        QMenuBar* bar = empty.menuBar();
        for (QAction* menu : bar->actions())
            QVERIFY2(menu->isEnabled(), qPrintable(menu->text()));
        auto* deploy = empty.findChild<QMenu*>(QStringLiteral("menuDeploy"));
        QVERIFY(deploy && !deploy->actions().isEmpty());
        QVERIFY(!deploy->actions().first()->isEnabled());
        QTest::mouseClick(bar, Qt::LeftButton, {}, bar->actionGeometry(deploy->menuAction()).center());
        QTRY_VERIFY(deploy->isVisible());
        QTest::keyClick(deploy, Qt::Key_Escape);
        QTRY_VERIFY(!deploy->isVisible());
        QTest::keyClick(bar, Qt::Key_Escape);
        QTRY_VERIFY(bar->activeAction() == nullptr);
        empty.close();
    }

    void themeIsChosenFromTheViewMenuAndSaved()
    {
        auto* dark = window()->findChild<QAction*>(QStringLiteral("actionThemedark"));
        auto* light = window()->findChild<QAction*>(QStringLiteral("actionThemelight"));
        auto* system = window()->findChild<QAction*>(QStringLiteral("actionThemesystem"));
        QVERIFY(dark && light && system);
        const QPalette before = QApplication::palette();
        dark->trigger();
        QCOMPARE(Settings().theme(), QStringLiteral("dark"));
        QVERIFY(Theme::isDark(QApplication::palette()));
        QVERIFY(Theme::currentMode() == Theme::Mode::Dark);

        // The play icon (Runs tab, Follow log) is drawn in the palette's text colour, not black on dark grey.
        const QIcon play = window()->style()->standardIcon(QStyle::SP_MediaPlay);
        const QImage image = play.pixmap(32, 32).toImage();
        qint64 lightness = 0, count = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (image.pixelColor(x, y).alpha() > 128) {
                    lightness += image.pixelColor(x, y).lightness();
                    ++count;
                }
        QVERIFY(count > 0);
        QVERIFY2(lightness / count > 160, qPrintable(QString::number(lightness / count)));

        light->trigger();
        QCOMPARE(Settings().theme(), QStringLiteral("light"));
        QVERIFY(!Theme::isDark(QApplication::palette()));
        system->trigger();
        QCOMPARE(Settings().theme(), QStringLiteral("system"));
        QCOMPARE(QApplication::palette().color(QPalette::Window), before.color(QPalette::Window));
        QVERIFY(Theme::modeFromString(QStringLiteral("no such theme")) == Theme::Mode::System);
    }

    void browserContextMenuDuplicatesRenamesAndDeletes()
    {
        QTemporaryDir trash;
        qputenv("XDG_DATA_HOME", trash.path().toUtf8());
        auto* browser = window()->findChild<QTreeWidget*>(QStringLiteral("projectBrowser"));
        QVERIFY(browser && browser->topLevelItemCount() == 1);
        const QString dir = m_project->experimentDir();
        auto menuFor = [&](int row) -> QMenu* {
            const QRect rect = browser->visualItemRect(browser->topLevelItem(row));
            Q_EMIT browser->customContextMenuRequested(rect.center());
            auto* menu = browser->findChild<QMenu*>(QStringLiteral("browserContextMenu"));
            return menu;
        };
        auto trigger = [&](int row, const char* action) {
            QMenu* menu = menuFor(row);
            QVERIFY(menu);
            auto* a = menu->findChild<QAction*>(QLatin1String(action));
            QVERIFY2(a, action);
            QVERIFY(a->isEnabled());
            a->trigger();
            menu->close();
            delete menu;
        };
        auto rows = [&] { return browser->topLevelItemCount(); };

        CHECKED(trigger(0, "duplicateExperimentAction"));
        QTRY_COMPARE(rows(), 2);
        const QString copy = dir + QStringLiteral("-copy");
        QVERIFY(QFile::exists(copy + QStringLiteral("/parameters.json")));

        Gui::TextPrompt::setNextText(QStringLiteral("renamed-copy"));
        int copyRow = browser->topLevelItem(0)->data(0, Qt::UserRole).toString() == copy ? 0 : 1;
        CHECKED(trigger(copyRow, "renameExperimentAction"));
        const QString renamed = QFileInfo(dir).absolutePath() + QStringLiteral("/renamed-copy");
        QTRY_VERIFY(QFile::exists(renamed + QStringLiteral("/parameters.json")));
        QVERIFY(!QFileInfo::exists(copy));
        QTRY_VERIFY(browser->findItems(QStringLiteral("experiments/renamed-copy"), Qt::MatchExactly).size() == 1);

        // Delete asks first: Cancel keeps it, Yes moves it to the trash.
        int renamedRow = browser->indexOfTopLevelItem(
            browser->findItems(QStringLiteral("experiments/renamed-copy"), Qt::MatchExactly).value(0));
        Gui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        CHECKED(trigger(renamedRow, "deleteExperimentAction"));
        QVERIFY(Gui::MessageBox::lastText().contains(QStringLiteral("trash")));
        QVERIFY(QFileInfo::exists(renamed));
        Gui::MessageBox::setNextAnswer(QMessageBox::Yes);
        CHECKED(trigger(renamedRow, "deleteExperimentAction"));
        Gui::MessageBox::setNextAnswer(QMessageBox::NoButton);
        QTRY_COMPARE(rows(), 1);
        QVERIFY(!QFileInfo::exists(renamed));
        QVERIFY(QFile::exists(trash.path() + QStringLiteral("/Trash/files/renamed-copy/parameters.json")));
        QVERIFY(QFile::exists(dir + QStringLiteral("/parameters.json"))); // the original untouched
    }

    // Last, as it leaves a deployment behind: the board's header buttons (Sync All, Terminate All, …) and
    // the Running panel only show once a deployment exists, and their letters must not clash with the tabs.
    void mnemonicsWithALiveDeployment()
    {
        ExperimentPage* page = window()->openExperiment(m_project->experimentDir());
        QVERIFY(page);
        QVERIFY(!writeLiveDeployment(page->dir(), page->experimentName()).isEmpty());
        QVERIFY(page->reload());
        page->showTab(3);
        QApplication::processEvents();
        auto* terminate = page->findChild<QWidget*>(QStringLiteral("terminateAllButton"));
        QVERIFY(terminate);
        QTRY_VERIFY(terminate->isVisible());
        auto* running = window()->findChild<QAction*>(QStringLiteral("actionShowRunning"));
        QVERIFY(running);
        running->trigger();
        QStringList problems;
        for (int i = 0; i < 5; ++i) {
            page->showTab(i);
            checkEveryTab(window(), QStringLiteral("main window with a deployment, tab %1").arg(i), &problems);
        }
        running->trigger();
        page->showTab(0);
        problems.removeDuplicates();
        for (const QString& problem : std::as_const(problems))
            qWarning("%s", qPrintable(problem));
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 problems (above)").arg(problems.size())));
    }

private:
    std::unique_ptr<TestProject> m_project;
};

QTEST_MAIN(TestGuiKeyboard)
#include "TestGuiKeyboard.moc"
