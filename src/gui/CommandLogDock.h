#pragma once

#include <QDockWidget>

class QPlainTextEdit;

// The command log: every command the app runs, as CommandLog announces it
// (secrets already redacted), one per line so it can be copied and run by hand.
class CommandLogDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit CommandLogDock(QWidget* parent = nullptr);

    QString text() const;
    void copyAll() const;

private:
    void append(const QString& line);

    QPlainTextEdit* m_view;
};
