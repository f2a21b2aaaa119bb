// SPDX-License-Identifier: MIT
#include "ConditionsEditor.h"

#include "CompactButtonRow.h"
#include "ConditionsModel.h"
#include "Dialogs.h"
#include "GridDialog.h"
#include "Parameters.h"
#include "Theme.h"
#include "keys/ViewKeys.h"
#include "workspace/ConditionGrid.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

ConditionsEditor::ConditionsEditor(QWidget* parent)
    : QWidget(parent)
    , m_undoStack(new QUndoStack(this))
    , m_model(new ConditionsModel(m_undoStack, this))
    , m_table(new QTableView)
    , m_summary(new QLabel)
    , m_problems(new QLabel)
    , m_toolbar(new CompactButtonRow)
{
    setObjectName(QStringLiteral("conditionsEditor"));
    buildToolbar();
    setUpTable();

    m_summary->setObjectName(QStringLiteral("conditionsSummary"));
    m_summary->setWordWrap(true); // a long summary wraps rather than widening the window
    m_problems->setObjectName(QStringLiteral("conditionsProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_toolbar);
    layout->addWidget(m_table, 1);
    buildGridTable(layout);
    layout->addWidget(m_problems);
    layout->addWidget(m_summary);

    connect(m_model, &ConditionsModel::changed, this, &ConditionsEditor::updateStatus);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ConditionsEditor::sizeColumns);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ConditionsEditor::sizeColumns);
    updateStatus();
}

void ConditionsEditor::buildToolbar()
{
    // The toolbar never makes the window wider: its named buttons drop their names instead.
    m_toolbar->setSpacing(2);
    QStyle* s = style();
    m_buttons.add
        = addButton(QStringLiteral("addConditionButton"), tr("Add"), s->standardIcon(QStyle::SP_FileDialogNewFolder),
                    tr("Add a condition after the selected one (Ins)"), QKeySequence(Qt::Key_Insert));
    m_buttons.duplicate = addButton(
        QStringLiteral("duplicateConditionButton"), tr("Duplicate"), s->standardIcon(QStyle::SP_FileDialogContentsView),
        tr("Duplicate the selected conditions (Ctrl+D)"), QKeySequence(Qt::CTRL | Qt::Key_D));
    m_buttons.remove
        = addButton(QStringLiteral("removeConditionButton"), tr("Remove"), s->standardIcon(QStyle::SP_TrashIcon),
                    tr("Remove the selected conditions (Del)"), QKeySequence(Qt::Key_Delete));
    m_buttons.up = addButton(QStringLiteral("moveUpButton"), QString(), s->standardIcon(QStyle::SP_ArrowUp),
                             tr("Move the selected conditions up (Alt+Up)"), QKeySequence(Qt::ALT | Qt::Key_Up));
    m_buttons.down
        = addButton(QStringLiteral("moveDownButton"), QString(), s->standardIcon(QStyle::SP_ArrowDown),
                    tr("Move the selected conditions down (Alt+Down)"), QKeySequence(Qt::ALT | Qt::Key_Down));
    m_toolbar->addSpacing(8);
    m_buttons.key = addButton(QStringLiteral("addKeyButton"), tr("Add Column…"),
                              s->standardIcon(QStyle::SP_FileDialogDetailedView), tr("Add a --key column"));
    m_buttons.grid = addButton(
        QStringLiteral("generateGridButton"), tr("Generate Grid…"), s->standardIcon(QStyle::SP_FileDialogListView),
        tr("Make every combination of values per key (Ctrl+G)"), QKeySequence(Qt::CTRL | Qt::Key_G));
    m_toolbar->addSpacing(8);
    QToolButton* undo
        = addButton(QStringLiteral("undoButton"), QString(), s->standardIcon(QStyle::SP_ArrowBack), tr("Undo"));
    QToolButton* redo
        = addButton(QStringLiteral("redoButton"), QString(), s->standardIcon(QStyle::SP_ArrowForward), tr("Redo"));
    m_toolbar->addStretch();
    m_saveButton
        = addButton(QStringLiteral("saveConditionsButton"), tr("Save"), s->standardIcon(QStyle::SP_DialogSaveButton),
                    tr("Save the conditions to parameters.json (Ctrl+S)"));

    connect(m_buttons.add, &QToolButton::clicked, this, &ConditionsEditor::addCondition);
    connect(m_buttons.duplicate, &QToolButton::clicked, this, &ConditionsEditor::duplicateSelected);
    connect(m_buttons.remove, &QToolButton::clicked, this, &ConditionsEditor::removeSelected);
    connect(m_buttons.up, &QToolButton::clicked, this, [this] { moveSelected(-1); });
    connect(m_buttons.down, &QToolButton::clicked, this, [this] { moveSelected(1); });
    connect(m_buttons.key, &QToolButton::clicked, this, &ConditionsEditor::addKeyColumn);
    connect(m_buttons.grid, &QToolButton::clicked, this, &ConditionsEditor::openGridDialog);
    connect(undo, &QToolButton::clicked, m_undoStack, &QUndoStack::undo);
    connect(redo, &QToolButton::clicked, m_undoStack, &QUndoStack::redo);
    connect(m_undoStack, &QUndoStack::canUndoChanged, undo, &QToolButton::setEnabled);
    connect(m_undoStack, &QUndoStack::canRedoChanged, redo, &QToolButton::setEnabled);
    connect(m_undoStack, &QUndoStack::undoTextChanged, undo,
            [undo](const QString& t) { undo->setToolTip(tr("Undo %1").arg(t)); });
    connect(m_undoStack, &QUndoStack::redoTextChanged, redo,
            [redo](const QString& t) { redo->setToolTip(tr("Redo %1").arg(t)); });
    undo->setEnabled(false);
    redo->setEnabled(false);
    connect(m_saveButton, &QToolButton::clicked, this, &ConditionsEditor::saveRequested);
    connect(m_undoStack, &QUndoStack::cleanChanged, this, [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
}

void ConditionsEditor::setUpTable()
{
    m_table->setObjectName(QStringLiteral("conditionsTable"));
    m_table->setAccessibleName(tr("Conditions"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                             | QAbstractItemView::AnyKeyPressed);
    m_table->setAlternatingRowColors(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setMinimumSectionSize(80);
    m_table->horizontalHeader()->setDefaultSectionSize(120);
    m_table->verticalHeader()->setDefaultAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_table->setWordWrap(false);
    ViewKeys::install(m_table);
    // The toolbar's commands, by the rows they act on.
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QTableView::customContextMenuRequested, this, &ConditionsEditor::showContextMenu);
}

void ConditionsEditor::showContextMenu(const QPoint& pos)
{
    auto* menu = new QMenu(m_table);
    menu->setObjectName(QStringLiteral("conditionsContextMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const auto item = [menu](const QString& text, QToolButton* button) {
        QAction* action = menu->addAction(button->icon(), text, button, &QToolButton::click);
        action->setEnabled(button->isEnabled());
    };
    item(tr("&Add Condition"), m_buttons.add);
    item(tr("D&uplicate"), m_buttons.duplicate);
    item(tr("&Remove"), m_buttons.remove);
    menu->addSeparator();
    item(tr("Move &Up"), m_buttons.up);
    item(tr("Move &Down"), m_buttons.down);
    menu->addSeparator();
    QAction* copy = menu->addAction(
        tr("&Copy Rows"), this, [this] { QApplication::clipboard()->setText(ViewKeys::selectedRowsAsTsv(m_table)); });
    copy->setShortcut(QKeySequence::Copy); // shown, not bound: the table's own action has the key
    copy->setShortcutContext(Qt::WidgetShortcut);
    copy->setEnabled(m_table->selectionModel()->hasSelection());
    item(tr("Add &Column…"), m_buttons.key);
    // With a parameter_grid the grid is edited in the Settings tab, as the notice says: not offered here.
    if (m_buttons.grid->isVisible())
        item(tr("&Generate Grid…"), m_buttons.grid);
    menu->popup(m_table->viewport()->mapToGlobal(pos));
}

void ConditionsEditor::buildGridTable(QVBoxLayout* layout)
{
    // parameter_grid's conditions, read-only: they are edited as the grid (Settings tab), not one by one.
    m_gridLabel = new QLabel;
    m_gridLabel->setObjectName(QStringLiteral("gridConditionsLabel"));
    m_gridLabel->setWordWrap(true);
    m_gridTable = new QTableWidget;
    m_gridTable->setObjectName(QStringLiteral("gridConditionsTable"));
    m_gridTable->setAccessibleName(tr("Conditions generated from parameter_grid"));
    m_gridTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_gridTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_gridTable->setWordWrap(false);
    m_gridTable->horizontalHeader()->setStretchLastSection(true);
    m_gridTable->setTabKeyNavigation(false);
    layout->addWidget(m_gridLabel);
    layout->addWidget(m_gridTable, 1);
    m_gridLabel->hide();
    m_gridTable->hide();
}

ConditionsEditor::~ConditionsEditor()
{
    // The stack announces it is clean again as it dies; nobody should hear that.
    m_undoStack->disconnect(this);
}

QToolButton* ConditionsEditor::addButton(const QString& objectName, const QString& text, const QIcon& icon,
                                         const QString& tip, const QKeySequence& shortcut)
{
    auto* button = new QToolButton(m_toolbar);
    button->setObjectName(objectName);
    button->setIcon(icon);
    if (text.isEmpty())
        button->setAccessibleName(tip); // icon only: the tooltip is what it does
    button->setToolTip(tip);
    button->setAutoRaise(true);
    if (text.isEmpty()) {
        button->setToolButtonStyle(Qt::ToolButtonIconOnly);
        m_toolbar->addWidget(button);
    } else {
        button->setText(text);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        m_toolbar->addButton(button);
    }
    if (!shortcut.isEmpty()) {
        // Shortcuts act while the table has focus, so Del in a cell editor still deletes text.
        auto* action = new QAction(tip, this); // Help > Keyboard Shortcuts lists it by this
        action->setShortcut(shortcut);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, button, &QToolButton::click);
        m_table->addAction(action);
    }
    return button;
}

void ConditionsEditor::sizeColumns()
{
    // Each key column as wide as its header and values, up to a cap (the tooltip has a longer value);
    // the arguments column takes the rest.
    const int cap = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 24;
    for (int c = 0; c < m_model->argumentsColumn(); ++c) {
        const int header = m_table->fontMetrics().horizontalAdvance(QStringLiteral("--") + m_model->keys().at(c)) + 40;
        m_table->resizeColumnToContents(c); // the widest value or the header
        const int contents = m_table->columnWidth(c);
        m_table->setColumnWidth(c, qMin(cap, qMax(qMax(90, header), contents)));
    }
}

void ConditionsEditor::load(const QStringList& conditions, const Parameters::Grid& parameterGrid)
{
    m_model->reset(conditions);
    m_undoStack->clear();
    m_undoStack->setClean();
    sizeColumns();
    m_table->horizontalHeader()->setStretchLastSection(true);
    setParameterGrid(parameterGrid);
}

void ConditionsEditor::setParameterGrid(const Parameters::Grid& parameterGrid)
{
    m_parameterGrid = parameterGrid;
    const QStringList expanded = Parameters::expandGrid(parameterGrid);
    m_gridConditions = expanded.size();
    // A column per key with the value of each combination, then the arguments as they are passed.
    QStringList keys;
    for (const auto& axis : parameterGrid)
        keys << axis.first;
    m_gridTable->clear();
    m_gridTable->setColumnCount(keys.size() + 1);
    m_gridTable->setRowCount(expanded.size());
    QStringList headers;
    for (const QString& key : keys)
        headers << (key.startsWith(QLatin1Char('-')) ? key : QStringLiteral("--") + key);
    headers << tr("Arguments");
    m_gridTable->setHorizontalHeaderLabels(headers);
    QStringList rowLabels;
    // Muted as read-only rows, through the table's Text colour: a selected row keeps the selection's
    // own text colour (grey on blue would not read), and a theme switch recolours it.
    QPalette tablePalette = m_gridTable->palette();
    tablePalette.setColor(QPalette::Text, Theme::mutedText(palette()));
    m_gridTable->setPalette(tablePalette);
    for (int row = 0; row < expanded.size(); ++row) {
        rowLabels << tr("grid %1").arg(row + 1);
        // The cartesian product in expandGrid's order: the last key changes fastest.
        int rest = row;
        for (int k = keys.size() - 1; k >= 0; --k) {
            const QStringList& values = parameterGrid.at(k).second;
            auto* item = new QTableWidgetItem(values.at(rest % values.size()));
            rest /= values.size();
            item->setToolTip(tr("Generated from parameter_grid; edit the grid in the Settings tab"));
            m_gridTable->setItem(row, k, item);
        }
        auto* args = new QTableWidgetItem(expanded.at(row));
        args->setFont(Theme::monospaceFont());
        args->setToolTip(expanded.at(row));
        m_gridTable->setItem(row, keys.size(), args);
    }
    m_gridTable->setVerticalHeaderLabels(rowLabels);
    m_gridTable->resizeColumnsToContents();
    m_gridTable->horizontalHeader()->setStretchLastSection(true);
    m_gridLabel->setText(tr("<b>%1 generated from parameter_grid</b> (read-only; edit the grid in the Settings tab)")
                             .arg(expanded.size()));
    m_gridLabel->setVisible(!expanded.isEmpty());
    m_gridTable->setVisible(!expanded.isEmpty());
    // Its notice says to edit the grid in the Settings tab: no second way to make one here.
    m_buttons.grid->setVisible(expanded.isEmpty());
    updateStatus();
}

QStringList ConditionsEditor::conditions() const
{
    return m_model->conditions();
}

bool ConditionsEditor::hasProblems() const
{
    return m_model->hasProblems();
}

QStringList ConditionsEditor::problems() const
{
    return m_model->problems();
}

bool ConditionsEditor::isModified() const
{
    return !m_undoStack->isClean();
}

void ConditionsEditor::markSaved()
{
    m_undoStack->setClean();
}

QList<int> ConditionsEditor::selectedRows() const
{
    QList<int> rows;
    const QModelIndexList selected = m_table->selectionModel()->selectedIndexes();
    for (const QModelIndex& index : selected) {
        if (!rows.contains(index.row()))
            rows << index.row();
    }
    if (rows.isEmpty() && m_table->currentIndex().isValid())
        rows << m_table->currentIndex().row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void ConditionsEditor::selectRows(int first, int count)
{
    if (count <= 0 || first < 0 || first >= m_model->rowCount())
        return;
    const int column = qMax(0, m_table->currentIndex().column());
    m_table->setCurrentIndex(m_model->index(first, column));
    QItemSelection selection(m_model->index(first, 0), m_model->index(first + count - 1, m_model->columnCount() - 1));
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

void ConditionsEditor::addCondition()
{
    const QList<int> rows = selectedRows();
    const int at = rows.isEmpty() ? m_model->rowCount() : rows.last() + 1;
    m_model->insertCondition(at, QString(), tr("Add condition"));
    const QModelIndex first = m_model->index(at, 0);
    m_table->setCurrentIndex(first);
    m_table->selectionModel()->select(first, QItemSelectionModel::ClearAndSelect);
    m_table->setFocus();
}

void ConditionsEditor::removeSelected()
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return;
    m_model->removeConditions(rows);
    selectRows(qMin(rows.first(), m_model->rowCount() - 1), 1);
}

void ConditionsEditor::duplicateSelected()
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return;
    m_model->duplicateConditions(rows);
    selectRows(rows.last() + 1, rows.size());
}

void ConditionsEditor::moveSelected(int delta)
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty() || rows.last() - rows.first() + 1 != rows.size())
        return; // a contiguous block moves; a scattered selection would be ambiguous
    if (m_model->moveConditions(rows, delta))
        selectRows(rows.first() + delta, rows.size());
}

void ConditionsEditor::addKeyColumn()
{
    Gui::TextPrompt::ask(this, tr("Add Column"), tr("Key (used as --key value):"), [this](const QString& text) {
        QString key = text.trimmed();
        if (key.startsWith(QLatin1String("--")))
            key = key.mid(2);
        if (!ConditionGrid::isValidKey(key)) {
            Gui::MessageBox::tell(this, QMessageBox::Warning, tr("Add Column"),
                                  tr("\"%1\" is not a valid key: use letters, digits, '-', '_' or '.'").arg(key));
            return;
        }
        m_model->addKey(key);
        const int column = m_model->keys().indexOf(key);
        if (column >= 0)
            m_table->setCurrentIndex(m_model->index(0, column));
    });
}

void ConditionsEditor::openGridDialog()
{
    auto* dialog = new GridDialog(m_model->conditions(), m_parameterGrid, this);
    dialog->setObjectName(QStringLiteral("gridDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QStringList generated = dialog->conditions();
        if (generated.isEmpty())
            return;
        if (dialog->keepAsGrid()) {
            // The grid's rows show at once; the grid itself is saved with the Settings tab's parameter_grid.
            setParameterGrid(dialog->grid());
            Q_EMIT parameterGridEdited(dialog->grid());
            return;
        }
        if (dialog->replaceExisting())
            m_model->replaceAll(generated, tr("Generate grid of %1 conditions").arg(generated.size()));
        else
            m_model->replaceAll(m_model->conditions() + generated,
                                tr("Append grid of %1 conditions").arg(generated.size()));
    });
    dialog->open();
}

void ConditionsEditor::updateStatus()
{
    const int n = m_model->rowCount();
    QString summary = n == 1 ? tr("1 condition") : tr("%1 conditions").arg(n);
    if (m_gridConditions > 0)
        summary += tr(", plus %1 from parameter_grid in parameters.json (expanded when run or deployed)")
                       .arg(m_gridConditions);
    if (n > 0 && m_model->keys().isEmpty())
        summary += tr(" · conditions written as --key value show a column per key");
    m_summary->setText(summary);
    // With only grid conditions, the empty table gives way to the generated rows (it returns with the first one added).
    m_table->setVisible(n > 0 || m_gridConditions == 0);

    const QStringList problems = m_model->problems();
    if (problems.isEmpty()) {
        m_problems->hide();
    } else {
        QStringList shown = problems.mid(0, 4);
        if (problems.size() > 4)
            shown << tr("… and %1 more").arg(problems.size() - 4);
        m_problems->setText(tr("<b>Fix before saving:</b> %1").arg(shown.join(QStringLiteral("; ")).toHtmlEscaped()));
        QPalette p = m_problems->palette();
        p.setColor(QPalette::WindowText, Theme::errorText(palette()));
        m_problems->setPalette(p);
        m_problems->show();
    }
    m_saveButton->setEnabled(problems.isEmpty());
}
