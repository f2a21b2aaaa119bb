// SPDX-License-Identifier: MIT
#include "ConditionsModel.h"

#include "Theme.h"
#include "workspace/ConditionGrid.h"

#include <QApplication>
#include <QUndoCommand>
#include <QUndoStack>
#include <algorithm>

namespace {

class SnapshotCommand : public QUndoCommand
{
public:
    SnapshotCommand(ConditionsModel* model, ConditionsModel::State before, ConditionsModel::State after,
                    const QString& text)
        : QUndoCommand(text)
        , m_model(model)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {
    }
    void undo() override { m_model->apply(m_before); }
    void redo() override { m_model->apply(m_after); }

private:
    ConditionsModel* m_model;
    ConditionsModel::State m_before;
    ConditionsModel::State m_after;
};

QList<int> sortedUnique(QList<int> rows)
{
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    return rows;
}

} // namespace

ConditionsModel::ConditionsModel(QUndoStack* undoStack, QObject* parent)
    : QAbstractTableModel(parent)
    , m_undoStack(undoStack)
{
}

void ConditionsModel::reset(const QStringList& conditions)
{
    beginResetModel();
    m_state = State { conditions, {} };
    recompute();
    endResetModel();
    Q_EMIT changed();
}

void ConditionsModel::apply(const State& state)
{
    const QStringList oldKeys = m_keys;
    const int oldRows = m_state.conditions.size();
    m_state = state;
    const QStringList newKeys = [&] {
        QStringList keys = ConditionGrid::keys(m_state.conditions);
        for (const QString& k : m_state.extraKeys) {
            if (!keys.contains(k))
                keys << k;
        }
        return keys;
    }();
    if (newKeys != oldKeys || oldRows != m_state.conditions.size()) {
        beginResetModel();
        recompute();
        endResetModel();
    } else {
        recompute();
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    }
    Q_EMIT changed();
}

void ConditionsModel::recompute()
{
    m_keys = ConditionGrid::keys(m_state.conditions);
    for (const QString& k : std::as_const(m_state.extraKeys)) {
        if (!m_keys.contains(k))
            m_keys << k;
    }
    m_keyed.clear();
    for (const QString& c : std::as_const(m_state.conditions))
        m_keyed << ConditionGrid::parse(c).keyed;
    m_problems.clear();
    m_problemLines.clear();
    for (const auto& problem : ConditionGrid::validate(m_state.conditions)) {
        m_problems.insert(qMakePair(problem.row, problem.key), problem.message);
        m_problemLines << tr("Row %1: %2").arg(problem.row + 1).arg(problem.message);
    }
}

QString ConditionsModel::problemAt(int row, int column) const
{
    const QString key = column < m_keys.size() ? m_keys.at(column) : QString();
    return m_problems.value(qMakePair(row, key));
}

void ConditionsModel::push(const State& next, const QString& undoText)
{
    if (next == m_state)
        return;
    m_undoStack->push(new SnapshotCommand(this, m_state, next, undoText));
}

void ConditionsModel::insertCondition(int row, const QString& text, const QString& undoText)
{
    State next = m_state;
    next.conditions.insert(qBound(0, row, next.conditions.size()), text);
    push(next, undoText);
}

void ConditionsModel::removeConditions(QList<int> rows)
{
    rows = sortedUnique(rows);
    State next = m_state;
    for (int i = rows.size() - 1; i >= 0; --i) {
        if (rows[i] >= 0 && rows[i] < next.conditions.size())
            next.conditions.removeAt(rows[i]);
    }
    push(next, rows.size() == 1 ? tr("Remove condition") : tr("Remove %1 conditions").arg(rows.size()));
}

void ConditionsModel::duplicateConditions(QList<int> rows)
{
    rows = sortedUnique(rows);
    if (rows.isEmpty())
        return;
    State next = m_state;
    // The copies go after the last selected row, in order.
    int at = rows.last() + 1;
    for (int row : std::as_const(rows))
        next.conditions.insert(at++, m_state.conditions.value(row));
    push(next, rows.size() == 1 ? tr("Duplicate condition") : tr("Duplicate %1 conditions").arg(rows.size()));
}

bool ConditionsModel::moveConditions(QList<int> rows, int delta)
{
    rows = sortedUnique(rows);
    if (rows.isEmpty() || rows.first() + delta < 0 || rows.last() + delta >= m_state.conditions.size())
        return false;
    State next = m_state;
    if (delta < 0) {
        for (int row : std::as_const(rows))
            next.conditions.move(row, row + delta);
    } else {
        for (int i = rows.size() - 1; i >= 0; --i)
            next.conditions.move(rows[i], rows[i] + delta);
    }
    push(next, delta < 0 ? tr("Move up") : tr("Move down"));
    return true;
}

void ConditionsModel::addKey(const QString& key)
{
    if (m_keys.contains(key))
        return;
    State next = m_state;
    next.extraKeys << key;
    push(next, tr("Add column --%1").arg(key));
}

void ConditionsModel::replaceAll(const QStringList& conditions, const QString& undoText)
{
    State next = m_state;
    next.conditions = conditions;
    push(next, undoText);
}

int ConditionsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_state.conditions.size();
}

int ConditionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_keys.size() + 1;
}

QVariant ConditionsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_state.conditions.size())
        return QVariant();
    const QString& condition = m_state.conditions.at(index.row());
    const bool argumentsColumn = index.column() == m_keys.size();
    const bool keyed = m_keyed.value(index.row());
    const QPalette palette = QApplication::palette();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        if (argumentsColumn)
            return condition;
        return keyed ? ConditionGrid::value(condition, m_keys.at(index.column())) : QString();
    case Qt::ToolTipRole: {
        const QString problem = problemAt(index.row(), index.column());
        if (!problem.isEmpty())
            return problem;
        if (!argumentsColumn && !keyed)
            return tr("This condition is not of the form --key value; edit it in the Arguments column.");
        if (argumentsColumn)
            return condition.isEmpty()
                ? tr("The arguments the experiment command receives, split with shell word rules")
                : condition;
        // The whole value, for a column too narrow to show it.
        return ConditionGrid::value(condition, m_keys.at(index.column()));
    }
    case Qt::BackgroundRole:
        if (!problemAt(index.row(), index.column()).isEmpty())
            return Theme::errorBackground(palette);
        if (!argumentsColumn && !keyed)
            return palette.color(QPalette::AlternateBase);
        return QVariant();
    case Qt::ForegroundRole:
        if (argumentsColumn && keyed && !m_keys.isEmpty())
            return Theme::mutedText(palette);
        return QVariant();
    case Qt::FontRole:
        if (argumentsColumn)
            return Theme::monospaceFont();
        return QVariant();
    default:
        return QVariant();
    }
}

bool ConditionsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || role != Qt::EditRole)
        return false;
    const QString text = value.toString();
    State next = m_state;
    QString& condition = next.conditions[index.row()];
    if (index.column() == m_keys.size()) {
        condition = text;
        push(next, tr("Edit condition %1").arg(index.row() + 1));
        return true;
    }
    if (!m_keyed.value(index.row()))
        return false;
    const QString key = m_keys.at(index.column());
    condition = ConditionGrid::withValue(condition, key, text.trimmed());
    push(next, tr("Set --%1 in condition %2").arg(key).arg(index.row() + 1));
    return true;
}

Qt::ItemFlags ConditionsModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    if (index.column() == m_keys.size() || m_keyed.value(index.row()))
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant ConditionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role == Qt::DisplayRole) {
        if (orientation == Qt::Vertical)
            return section + 1;
        return section < m_keys.size() ? QStringLiteral("--") + m_keys.at(section) : tr("Arguments");
    }
    if (role == Qt::ToolTipRole && orientation == Qt::Horizontal) {
        return section < m_keys.size()
            ? tr("The value of --%1 in each condition; empty leaves it out").arg(m_keys.at(section))
            : tr("Each condition's full argument string");
    }
    return QVariant();
}
