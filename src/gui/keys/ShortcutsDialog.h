// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QKeySequence>
#include <QList>

class QAction;

// Help > Keyboard Shortcuts: every shortcut of a window, read from its actions
// when the dialog opens (so it cannot drift from what the keys really do).
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    struct Entry
    {
        QKeySequence keys;
        QString action; // what it does, without the mnemonic's &
        QString where; // the menu, or the view it acts in
    };

    explicit ShortcutsDialog(QWidget* window, QWidget* parent = nullptr);

    // An action whose text changes as it is used (Undo's "Undo Add condition") sets this property to the
    // name the list shows instead.
    static constexpr const char* StableNameProperty = "shortcutsName";

    // The window's actions that have a shortcut, one entry per key sequence, sorted by where then key.
    static QList<Entry> collect(QWidget* window);
    // Every action of a window: its own, its widgets' and its menus'.
    static QList<QAction*> actionsOf(QWidget* window);
};
