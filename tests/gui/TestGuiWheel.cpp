// SPDX-License-Identifier: MIT
// The main window's small promises (issue 27): no edit without focus (a mouse
// wheel over every spin box, combo box and slider of the Settings tab leaves
// its value alone while it has no focus, and does not take the focus; the one
// the user clicked into takes the wheel as before); one grid (an unsaved grid
// edit on the Settings tab shows on the Conditions tab); the theme switches
// live; Ctrl+L raises the command log from behind the Running tab.
#include "CommandLogDock.h"
#include "ExperimentPage.h"
#include "ExperimentSettingsEditor.h"
#include "GuiTestBase.h"
#include "LiveDeploymentsPanel.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestProject.h"
#include "Theme.h"

#include <QAbstractSlider>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTest>
#include <QWheelEvent>

namespace {

// A turn of the wheel over w's middle, delivered as the window system's are (QApplication::notify).
void turnWheel(QWidget* w, int steps)
{
    const QPointF local = QPointF(w->rect().center());
    QWheelEvent event(local, w->mapToGlobal(local), QPoint(), QPoint(0, 120 * steps), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &event);
}

QVariant valueOf(QWidget* w)
{
    if (auto* spin = qobject_cast<QAbstractSpinBox*>(w))
        return spin->text();
    if (auto* combo = qobject_cast<QComboBox*>(w))
        return combo->currentIndex();
    if (auto* slider = qobject_cast<QAbstractSlider*>(w))
        return slider->value();
    return {};
}

} // namespace

class TestGuiWheel : public GuiTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { CHECKED(isolateSettings()); }
    void cleanup() { destroyMainWindow(); }

    void theWheelEditsNothingWithoutFocus()
    {
        TestProject project;
        createMainWindow();
        window()->resize(1280, 800);
        QVERIFY(openProject(project.root()));
        ExperimentPage* page = window()->currentPage();
        QVERIFY(page);
        page->showTab(4);
        QWidget* settings = page->settings();
        QVERIFY(settings && settings->isVisible());

        QList<QWidget*> values;
        for (QWidget* w : settings->findChildren<QWidget*>()) {
            const bool value = qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w)
                || (qobject_cast<QAbstractSlider*>(w) && !qobject_cast<QScrollBar*>(w));
            if (value && w->isVisible() && w->isEnabled())
                values << w;
        }
        QVERIFY2(values.size() >= 3, qPrintable(QString::number(values.size())));
        for (QWidget* w : std::as_const(values)) {
            window()->setFocus();
            QVERIFY(!w->hasFocus());
            for (int steps : { 1, -1, -1 }) {
                const QVariant before = valueOf(w);
                turnWheel(w, steps);
                QCOMPARE(valueOf(w), before);
                QVERIFY2(!w->hasFocus(), qPrintable(w->objectName()));
            }
        }
        // With the focus, the wheel turns the value as ever.
        QSpinBox* spin = nullptr;
        for (QWidget* w : std::as_const(values)) {
            if (auto* s = qobject_cast<QSpinBox*>(w); s && !spin && s->value() < s->maximum())
                spin = s;
        }
        QVERIFY(spin);
        spin->setFocus();
        QTRY_VERIFY(spin->hasFocus());
        const int before = spin->value();
        turnWheel(spin, 1);
        QCOMPARE(spin->value(), before + spin->singleStep());
        page->settings()->revert();
    }

    // One grid: a value added to parameter_grid on the Settings tab shows on the Conditions tab, unsaved.
    void aGridEditShowsOnTheConditionsTab()
    {
        TestProject project;
        project.setParameters({ { QStringLiteral("parameter_grid"),
                                  QJsonObject { { QStringLiteral("lr"), QJsonArray { 0.1, 0.01 } },
                                                { QStringLiteral("layers"), QJsonArray { 2, 4 } } } } });
        createMainWindow();
        QVERIFY(openProject(project.root()));
        ExperimentPage* page = window()->currentPage();
        QVERIFY(page);
        NEED(QTableWidget, generated, page, "gridConditionsTable");
        QCOMPARE(generated->rowCount(), 4);
        // Muted, read-only rows that still read when selected: the table's text colour, not each item's.
        QCOMPARE(generated->palette().color(QPalette::Text), Theme::mutedText(page->palette()));
        QVERIFY(!generated->item(0, 0)->data(Qt::ForegroundRole).isValid());
        page->showTab(4);
        NEED(QPlainTextEdit, grid, page->settings(), "parameter_grid");
        QString text = grid->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("0.01")), qPrintable(text));
        text.replace(QStringLiteral("0.01"), QStringLiteral("0.01, 0.001"));
        grid->setPlainText(text);
        QTRY_COMPARE(generated->rowCount(), 6);
        page->settings()->revert();
        QTRY_COMPARE(generated->rowCount(), 4);
    }

    // View > Theme > Dark while the window is up: the muted and error texts take the dark palette's colours.
    void theThemeSwitchesLive()
    {
        createMainWindow();
        NEED(QLabel, state, window(), "projectState");
        NEED(QAction, dark, window(), "actionThemedark");
        NEED(QAction, light, window(), "actionThemelight");
        light->trigger();
        QCOMPARE(state->palette().color(QPalette::WindowText), Theme::mutedText(QApplication::palette()));
        QVERIFY(!Theme::isDark(QApplication::palette()));
        dark->trigger();
        QVERIFY(Theme::isDark(QApplication::palette()));
        QCOMPARE(state->palette().color(QPalette::WindowText), Theme::mutedText(QApplication::palette()));
        QVERIFY(!window()->statusBar()->currentMessage().contains(QStringLiteral("next start")));
        light->trigger();
        QCOMPARE(state->palette().color(QPalette::WindowText), Theme::mutedText(QApplication::palette()));
        NEED(QAction, system, window(), "actionThemesystem");
        system->trigger();
    }

    // Ctrl+L brings the command log to the front when the Running dock is in front of it, then closes it.
    void ctrlLRaisesTheCommandLog()
    {
        createMainWindow();
        window()->resize(1280, 1100);
        if (!window()->commandLog()->isVisible())
            window()->commandLog()->toggleViewAction()->trigger();
        QTRY_VERIFY(window()->commandLog()->isVisible());
        window()->runningPanel()->toggleViewAction()->trigger();
        window()->runningPanel()->raise();
        QTRY_VERIFY(window()->commandLog()->visibleRegion().isEmpty());
        QVERIFY(window()->commandLog()->isVisible()); // a tab behind
        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(!window()->commandLog()->visibleRegion().isEmpty());
        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(!window()->commandLog()->isVisible());
        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(window()->commandLog()->isVisible());
        QTRY_VERIFY(!window()->commandLog()->visibleRegion().isEmpty());
    }
};

QTEST_MAIN(TestGuiWheel)
#include "TestGuiWheel.moc"
