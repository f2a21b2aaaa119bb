// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;

// File > Open Example: pick one of the shipped examples (ExampleCopier) and the
// folder to copy it to. The window does the copy (a new Git repository,
// committed) on a worker thread once this is accepted, then opens it.
class ExampleDialog : public QDialog
{
    Q_OBJECT
public:
    ExampleDialog(const QString& examplesDir, QWidget* parent = nullptr);

    QString exampleName() const; // empty when none is chosen
    QString destination() const;
    void setDestination(const QString& dir);

private:
    void onExampleChanged();
    void updateOk();
    static QString freeFolder(const QString& base);

    QListWidget* m_list;
    QLabel* m_summary;
    QLineEdit* m_destination;
    QDialogButtonBox* m_buttons;
    bool m_destinationEdited = false; // the user typed or chose one: a new pick leaves it alone
};
