// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

class QUndoStack;

// experiment_conditions as an editable table: a column per `--key` found in
// the conditions (plus keys the user added), and a last "Arguments" column
// with each condition's full text, editable for every row. Every change goes
// through the undo stack as a snapshot of the list, so undo/redo are exact.
class ConditionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    struct State
    {
        QStringList conditions;
        QStringList extraKeys; // columns added by the user that no condition uses yet
        bool operator==(const State& o) const { return conditions == o.conditions && extraKeys == o.extraKeys; }
    };

    explicit ConditionsModel(QUndoStack* undoStack, QObject* parent = nullptr);

    // Replaces everything without an undo step (loading a file).
    void reset(const QStringList& conditions);
    const State& state() const { return m_state; }
    QStringList conditions() const { return m_state.conditions; }
    QStringList keys() const { return m_keys; }
    int argumentsColumn() const { return m_keys.size(); }
    // Problems found by ConditionGrid::validate, as "row N: message" lines.
    QStringList problems() const { return m_problemLines; }
    bool hasProblems() const { return !m_problemLines.isEmpty(); }
    QString problemAt(int row, int column) const;

    // Edits, each one undo step. Rows are 0-based.
    void insertCondition(int row, const QString& text, const QString& undoText);
    void removeConditions(QList<int> rows);
    void duplicateConditions(QList<int> rows);
    // Moves the rows by delta (-1 up, +1 down) when they all can; returns whether they moved.
    bool moveConditions(QList<int> rows, int delta);
    void addKey(const QString& key);
    void replaceAll(const QStringList& conditions, const QString& undoText);

    // Called by the undo commands.
    void apply(const State& state);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

Q_SIGNALS:
    void changed();

private:
    void push(const State& next, const QString& undoText);
    void recompute();

    QUndoStack* m_undoStack;
    State m_state;
    QStringList m_keys;
    QList<bool> m_keyed; // per row
    QHash<QPair<int, QString>, QString> m_problems; // (row, key or "") -> message
    QStringList m_problemLines;
};
