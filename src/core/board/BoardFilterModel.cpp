// SPDX-License-Identifier: MIT
#include "BoardFilterModel.h"

#include "board/BoardModel.h"

BoardFilterModel::BoardFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(BoardModel::SortRole);
    setDynamicSortFilter(true);
}

void BoardFilterModel::setPhases(const QSet<DeploymentState::Phase>& phases)
{
    if (phases == m_phases)
        return;
    m_phases = phases;
    invalidateFilter();
}

void BoardFilterModel::setText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

bool BoardFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* source = sourceModel();
    const QModelIndex first = source->index(sourceRow, 0, sourceParent);
    if (!m_phases.isEmpty()) {
        const auto phase = static_cast<DeploymentState::Phase>(first.data(BoardModel::PhaseRole).toInt());
        if (!m_phases.contains(phase))
            return false;
    }
    if (m_text.isEmpty())
        return true;
    for (int column : { BoardModel::ConditionColumn, BoardModel::MachineColumn, BoardModel::LastLineColumn }) {
        if (source->index(sourceRow, column, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return first.data(BoardModel::SlugRole).toString().contains(m_text, Qt::CaseInsensitive);
}
