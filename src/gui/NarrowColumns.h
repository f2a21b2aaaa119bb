// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>

class QTreeView;

// Keeps a tree view's first column (the names) readable in a narrow pane: when
// the view gets too narrow for a name beside the other columns, those columns
// are hidden from the right, and shown again when there is room. Their values
// belong in the name's tooltip.
class NarrowColumns : public QObject
{
    Q_OBJECT
public:
    // minimumNameChars: the width, in 'M's, kept for the first column.
    NarrowColumns(QTreeView* view, int minimumNameChars);

    bool eventFilter(QObject* watched, QEvent* event) override;
    // Hides or shows the other columns for the view's current width.
    void update();

private:
    QTreeView* m_view;
    int m_minimumNameChars;
    QList<int> m_widths; // each column's width when last shown
};
