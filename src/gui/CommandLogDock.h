// SPDX-License-Identifier: MIT
#pragma once

#include <QDockWidget>
#include <QSet>

class QCheckBox;
class QLabel;
class QPlainTextEdit;

// The command log: every command the app runs, as CommandLog announces it
// (secrets already redacted), one per line so it can be copied and run by hand.
// Status polling runs the same few commands every few seconds; unless the user
// asks to see them, a command already shown is counted instead of repeated.
class CommandLogDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit CommandLogDock(QWidget* parent = nullptr);

    QString text() const;
    void copyAll() const;
    int hiddenRepeats() const { return m_hiddenRepeats; }

private:
    void append(const QString& line);
    void clear();
    void updateRepeatsLabel();

    QPlainTextEdit* m_view;
    QCheckBox* m_showRepeats;
    QLabel* m_repeatsLabel;
    QSet<QString> m_shown;
    int m_hiddenRepeats = 0;
};
