// SPDX-License-Identifier: MIT
#pragma once

#include <QDockWidget>

class CommandLogModel;
class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

// The command log: every command the app runs, as CommandLog announces it
// (secrets already redacted), one row each with its time, status and duration.
// Scripts are folded to their first line (expand the row for the rest); status
// polls that repeat every few seconds are counted on their row ("×12"); the
// search field keeps the commands that contain its text.
class CommandLogDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit CommandLogDock(QWidget* parent = nullptr);

    // Every command's full text, as it could be copied and run by hand.
    QString text() const;
    void copyAll() const;
    // The selected commands' full texts.
    void copySelection() const;
    CommandLogModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }

private:
    CommandLogModel* m_model;
    QSortFilterProxyModel* m_filter;
    QTreeView* m_view;
    QLineEdit* m_search;
};
