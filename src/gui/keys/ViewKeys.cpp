// SPDX-License-Identifier: MIT
#include "ViewKeys.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QTableView>
#include <QTreeView>
#include <algorithm>

namespace ViewKeys {

namespace {

QHeaderView* columnsHeader(const QAbstractItemView* view)
{
    if (auto* table = qobject_cast<const QTableView*>(view))
        return table->horizontalHeader();
    if (auto* tree = qobject_cast<const QTreeView*>(view))
        return tree->header();
    return nullptr;
}

// A cell's text as one TSV field: tabs and line breaks would split it.
QString field(const QModelIndex& index)
{
    QString text = index.data(Qt::DisplayRole).toString();
    text.replace(QLatin1Char('\t'), QLatin1Char(' '));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.remove(QLatin1Char('\r'));
    return text;
}

} // namespace

QString selectedRowsAsTsv(const QAbstractItemView* view)
{
    const QItemSelectionModel* selection = view->selectionModel();
    if (!selection)
        return {};
    // Rows with any selected cell, in the order the view shows them.
    QList<QModelIndex> rows;
    for (const QModelIndex& index : selection->selectedIndexes()) {
        const QModelIndex first = index.sibling(index.row(), 0);
        if (!rows.contains(first))
            rows << first;
    }
    std::sort(rows.begin(), rows.end(), [view](const QModelIndex& a, const QModelIndex& b) {
        return view->visualRect(a).top() < view->visualRect(b).top();
    });
    const QHeaderView* header = columnsHeader(view);
    const int columns = view->model()->columnCount(rows.isEmpty() ? QModelIndex() : rows.first().parent());
    QStringList lines;
    for (const QModelIndex& row : std::as_const(rows)) {
        QStringList fields;
        for (int visual = 0; visual < columns; ++visual) {
            const int column = header ? header->logicalIndex(visual) : visual;
            if (header && header->isSectionHidden(column))
                continue;
            fields << field(row.sibling(row.row(), column));
        }
        lines << fields.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n'));
}

void install(QAbstractItemView* view)
{
    view->setTabKeyNavigation(false);
    auto* copy = new QAction(QApplication::translate("ViewKeys", "Copy Rows"), view);
    copy->setObjectName(QStringLiteral("copyRowsAction"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    QObject::connect(copy, &QAction::triggered, view, [view] {
        const QString tsv = selectedRowsAsTsv(view);
        if (!tsv.isEmpty())
            QApplication::clipboard()->setText(tsv);
    });
    view->addAction(copy);
}

} // namespace ViewKeys
