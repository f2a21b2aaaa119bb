// SPDX-License-Identifier: MIT
#include "ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace {

QString plain(QString text)
{
    text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
    text.replace(QStringLiteral("&&"), QStringLiteral("&"));
    text.remove(QRegularExpression(QStringLiteral("\\s*\\([^)]*\\)$"))); // "… (Ctrl+D)" in a tooltip
    return text.trimmed();
}

// The menu path ("File ▸ Open Recent") or the widget an action belongs to.
QString placeOf(QAction* action)
{
    for (QObject* object : action->associatedObjects()) {
        if (auto* menu = qobject_cast<QMenu*>(object)) {
            QStringList path { plain(menu->title()) };
            QMenu* inner = menu;
            while (inner) {
                QMenu* outer = nullptr;
                for (QObject* o : inner->menuAction()->associatedObjects()) {
                    if (auto* m = qobject_cast<QMenu*>(o)) {
                        outer = m;
                        path.prepend(plain(m->title()));
                    }
                }
                inner = outer;
            }
            path.removeAll(QString());
            if (!path.isEmpty())
                return path.join(QStringLiteral(" ▸ "));
        }
    }
    for (QObject* object : action->associatedObjects()) {
        auto* widget = qobject_cast<QWidget*>(object);
        if (!widget || qobject_cast<QMenu*>(widget) || qobject_cast<QMenuBar*>(widget))
            continue;
        for (QWidget* w = widget; w; w = w->parentWidget()) {
            if (!w->accessibleName().isEmpty())
                return w->accessibleName();
        }
    }
    return QObject::tr("Window");
}

} // namespace

QList<QAction*> ShortcutsDialog::actionsOf(QWidget* window)
{
    QList<QAction*> actions = window->findChildren<QAction*>();
    const auto widgets = window->findChildren<QWidget*>();
    for (QWidget* widget : widgets)
        actions += widget->actions();
    actions += window->actions();
    QList<QAction*> unique;
    QSet<QAction*> seen;
    for (QAction* action : std::as_const(actions)) {
        if (!seen.contains(action)) {
            seen.insert(action);
            unique << action;
        }
    }
    return unique;
}

QList<ShortcutsDialog::Entry> ShortcutsDialog::collect(QWidget* window)
{
    QList<Entry> entries;
    QSet<QString> seen; // the same action on every experiment's page is listed once
    for (QAction* action : actionsOf(window)) {
        const QString stable = action->property(StableNameProperty).toString();
        QString what = plain(stable.isEmpty() ? action->text() : stable);
        if (what.isEmpty())
            what = plain(action->toolTip());
        const QString where = placeOf(action);
        for (const QKeySequence& keys : action->shortcuts()) {
            const QString id = keys.toString() + QLatin1Char('\n') + what + QLatin1Char('\n') + where;
            if (keys.isEmpty() || what.isEmpty() || seen.contains(id))
                continue;
            seen.insert(id);
            entries << Entry { keys, what, where };
        }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.where != b.where)
            return a.where < b.where;
        return a.keys.toString() < b.keys.toString();
    });
    return entries;
}

ShortcutsDialog::ShortcutsDialog(QWidget* window, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    const QList<Entry> entries = collect(window);
    auto* table = new QTableWidget(entries.size(), 3);
    table->setObjectName(QStringLiteral("shortcutsTable"));
    table->setAccessibleName(tr("Keyboard shortcuts"));
    table->setHorizontalHeaderLabels({ tr("Keys"), tr("Action"), tr("Where") });
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setTabKeyNavigation(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->setWordWrap(false);
    for (int row = 0; row < entries.size(); ++row) {
        const Entry& e = entries.at(row);
        table->setItem(row, 0, new QTableWidgetItem(e.keys.toString(QKeySequence::NativeText)));
        table->setItem(row, 1, new QTableWidgetItem(e.action));
        table->setItem(row, 2, new QTableWidgetItem(e.where));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(buttons);
    resize(600, 560);
}
