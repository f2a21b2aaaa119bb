// SPDX-License-Identifier: MIT
#include "CommandLogDock.h"

#include "CommandLog.h"
#include "Theme.h"
#include "commandlog/CommandLogModel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace {

// The search, over every line of each command, plus the colour of a failed run.
class CommandLogFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    QVariant data(const QModelIndex& index, int role) const override
    {
        if (role == Qt::ForegroundRole && index.column() == CommandLogModel::StatusColumn
            && !index.parent().isValid()) {
            const QVariant code = QSortFilterProxyModel::data(index, CommandLogModel::ExitCodeRole);
            if (code.isValid() && code.toInt() != 0 && code.toInt() != CommandLog::Detached)
                return Theme::errorText(QApplication::palette());
            if (!code.isValid())
                return Theme::mutedText(QApplication::palette());
        }
        return QSortFilterProxyModel::data(index, role);
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        if (parent.isValid() || filterRegularExpression().pattern().isEmpty())
            return true; // a shown command shows all its lines
        // A command row matches on its full text, so its hidden lines find it too.
        const QModelIndex index = sourceModel()->index(row, CommandLogModel::CommandColumn, parent);
        return index.data(CommandLogModel::FullTextRole).toString().contains(filterRegularExpression());
    }
};

} // namespace

CommandLogDock::CommandLogDock(QWidget* parent)
    : QDockWidget(tr("Command Log"), parent)
    , m_model(new CommandLogModel(this))
    , m_filter(new CommandLogFilter(this))
    , m_view(new QTreeView)
    , m_search(new QLineEdit)
{
    setObjectName(QStringLiteral("commandLogDock"));
    setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_model->follow(CommandLog::instance());
    m_filter->setSourceModel(m_model);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_view->setObjectName(QStringLiteral("commandLog"));
    m_view->setAccessibleName(tr("Command log"));
    m_view->setModel(m_filter);
    m_view->setUniformRowHeights(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setFont(Theme::monospaceFont());
    m_view->setTabKeyNavigation(false);
    m_view->setAllColumnsShowFocus(true);
    // The command column sits last and takes the room; the tree's arrow goes with it.
    m_view->setTreePosition(CommandLogModel::CommandColumn);
    QHeaderView* header = m_view->header();
    header->setStretchLastSection(true);
    for (int c = 0; c < CommandLogModel::CommandColumn; ++c)
        header->setSectionResizeMode(c, QHeaderView::ResizeToContents);

    auto* copySelected = new QAction(tr("Copy"), m_view);
    copySelected->setShortcut(QKeySequence::Copy);
    copySelected->setShortcutContext(Qt::WidgetShortcut);
    connect(copySelected, &QAction::triggered, this, &CommandLogDock::copySelection);
    m_view->addAction(copySelected);

    m_search->setObjectName(QStringLiteral("commandLogSearch"));
    m_search->setAccessibleName(tr("Search the command log"));
    m_search->setPlaceholderText(tr("Search commands"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filter->setFilterRegularExpression(
            QRegularExpression(QRegularExpression::escape(text), QRegularExpression::CaseInsensitiveOption));
    });

    auto* copy = new QToolButton;
    copy->setObjectName(QStringLiteral("copyCommandLogButton"));
    copy->setText(tr("Copy All"));
    copy->setToolTip(tr("Copy every command to the clipboard"));
    copy->setAutoRaise(true);
    connect(copy, &QToolButton::clicked, this, &CommandLogDock::copyAll);
    auto* clear = new QToolButton;
    clear->setObjectName(QStringLiteral("clearCommandLogButton"));
    clear->setText(tr("Clear"));
    clear->setAutoRaise(true);
    connect(clear, &QToolButton::clicked, m_model, &CommandLogModel::clear);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_search, 1);
    bar->addWidget(copy);
    bar->addWidget(clear);
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    setWidget(content);

    // New commands scroll into view, unless the user has scrolled up to read.
    connect(m_filter, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex& parent) {
        QScrollBar* bar = m_view->verticalScrollBar();
        const bool atEnd = !parent.isValid() && bar->value() == bar->maximum();
        if (atEnd)
            QMetaObject::invokeMethod(m_view, &QTreeView::scrollToBottom, Qt::QueuedConnection);
    });
}

QString CommandLogDock::text() const
{
    return m_model->plainText();
}

void CommandLogDock::copyAll() const
{
    QApplication::clipboard()->setText(m_model->plainText());
}

void CommandLogDock::copySelection() const
{
    QStringList texts;
    QModelIndexList rows = m_view->selectionModel()->selectedRows(CommandLogModel::CommandColumn);
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) {
        const int ra = a.parent().isValid() ? a.parent().row() : a.row();
        const int rb = b.parent().isValid() ? b.parent().row() : b.row();
        return ra != rb ? ra < rb : a.row() < b.row();
    });
    for (const QModelIndex& row : std::as_const(rows)) {
        // A selected script line copies that line; a selected command copies all of it.
        texts << (row.parent().isValid() ? row.data().toString() : row.data(CommandLogModel::FullTextRole).toString());
    }
    if (!texts.isEmpty())
        QApplication::clipboard()->setText(texts.join(QLatin1Char('\n')));
}
