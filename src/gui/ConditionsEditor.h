// SPDX-License-Identifier: MIT
#pragma once

#include "Parameters.h"

#include <QWidget>

class ConditionsModel;
class QLabel;
class QTableView;
class QTableWidget;
class CompactButtonRow;
class QToolButton;
class QVBoxLayout;
class QUndoStack;

// The Conditions tab: the table of experiment_conditions with add, remove,
// duplicate, reorder, add column, generate grid, undo/redo, and the problems
// found in it. Saving is the experiment page's business (saveRequested).
class ConditionsEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ConditionsEditor(QWidget* parent = nullptr);
    ~ConditionsEditor() override;

    void load(const QStringList& conditions, const Parameters::Grid& parameterGrid);
    // Shows the grid's expanded conditions as read-only rows below the table.
    void setParameterGrid(const Parameters::Grid& parameterGrid);
    QTableWidget* gridTable() const { return m_gridTable; }
    QStringList conditions() const;
    bool hasProblems() const;
    QStringList problems() const;
    bool isModified() const;
    void markSaved();

    QUndoStack* undoStack() const { return m_undoStack; }
    ConditionsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }

    void addCondition();
    void removeSelected();
    void duplicateSelected();
    void moveSelected(int delta);
    void addKeyColumn();
    void openGridDialog();

Q_SIGNALS:
    void saveRequested();
    void modifiedChanged(bool modified);
    // The Generate Grid dialog's grid, to be kept as parameter_grid.
    void parameterGridEdited(const Parameters::Grid& grid);

private:
    void buildToolbar();
    void setUpTable();
    void buildGridTable(QVBoxLayout* layout);
    void showContextMenu(const QPoint& pos);
    void sizeColumns();
    QList<int> selectedRows() const;
    void selectRows(int first, int count);
    void updateStatus();
    QToolButton* addButton(const QString& objectName, const QString& text, const QIcon& icon, const QString& tip,
                           const QKeySequence& shortcut = QKeySequence());

    QUndoStack* m_undoStack;
    ConditionsModel* m_model;
    QTableView* m_table;
    QLabel* m_summary;
    QLabel* m_gridLabel = nullptr;
    QTableWidget* m_gridTable = nullptr;
    Parameters::Grid m_parameterGrid;
    QLabel* m_problems;
    CompactButtonRow* m_toolbar;
    QToolButton* m_saveButton = nullptr;
    struct
    {
        QToolButton* add = nullptr;
        QToolButton* duplicate = nullptr;
        QToolButton* remove = nullptr;
        QToolButton* up = nullptr;
        QToolButton* down = nullptr;
        QToolButton* key = nullptr;
        QToolButton* grid = nullptr; // not offered with a parameter_grid: that is edited on the Settings tab
    } m_buttons;
    int m_gridConditions = 0;
};
