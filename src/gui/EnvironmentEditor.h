// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QWidget>

class QLabel;
class QLayout;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

// The Environment tab: the experiment's Dockerfile, highlighted, saved on demand.
class EnvironmentEditor : public QWidget
{
    Q_OBJECT
public:
    explicit EnvironmentEditor(QWidget* parent = nullptr);

    // Reads the file; a missing file starts empty and is created on save.
    void load(const QString& dockerfilePath);
    Result save();
    bool isModified() const;
    QString path() const { return m_path; }
    QPlainTextEdit* editor() const { return m_editor; }
    // The find bar's next match (Enter) or the one before (Shift+Enter), wrapping around; false: none.
    bool findNext(bool backward);

Q_SIGNALS:
    void modifiedChanged(bool modified);
    void saveRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override; // the find bar's Escape and Shift+Enter

private:
    QLayout* buildFindBar();

    QString m_path;
    QPlainTextEdit* m_editor;
    class ElidedLabel* m_pathLabel;
    QToolButton* m_saveButton;
    QLineEdit* m_find = nullptr;
    QLabel* m_findStatus = nullptr;
};
