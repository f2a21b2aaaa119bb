// SPDX-License-Identifier: MIT
#include "NarrowColumns.h"

#include <QEvent>
#include <QHeaderView>
#include <QTimer>
#include <QTreeView>

NarrowColumns::NarrowColumns(QTreeView* view, int minimumNameChars)
    : QObject(view)
    , m_view(view)
    , m_minimumNameChars(minimumNameChars)
{
    view->viewport()->installEventFilter(this);
    // New rows change what the other columns need.
    if (view->model()) {
        connect(view->model(), &QAbstractItemModel::rowsInserted, this,
                [this] { QTimer::singleShot(0, this, &NarrowColumns::update); });
        connect(view->model(), &QAbstractItemModel::modelReset, this,
                [this] { QTimer::singleShot(0, this, &NarrowColumns::update); });
    }
}

bool NarrowColumns::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        update();
    return QObject::eventFilter(watched, event);
}

void NarrowColumns::update()
{
    QHeaderView* header = m_view->header();
    const int columns = header->count();
    m_widths.resize(columns);
    const int wanted = m_view->fontMetrics().horizontalAdvance(QLatin1Char('M')) * m_minimumNameChars;
    const int available = m_view->viewport()->width();
    int used = 0;
    for (int c = 1; c < columns; ++c) {
        if (!header->isSectionHidden(c))
            m_widths[c] = qMax(header->sectionSize(c), static_cast<QAbstractItemView*>(m_view)->sizeHintForColumn(c));
        const bool fits = available - used - m_widths[c] >= wanted;
        if (fits)
            used += m_widths[c];
        // Once one column does not fit, those right of it go too: the columns keep their order.
        const bool show = fits && (c == 1 || !header->isSectionHidden(c - 1));
        if (header->isSectionHidden(c) == show)
            header->setSectionHidden(c, !show);
    }
}
