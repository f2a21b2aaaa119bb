// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QWidget>

class QLabel;
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

Q_SIGNALS:
    void modifiedChanged(bool modified);
    void saveRequested();

private:
    QString m_path;
    QPlainTextEdit* m_editor;
    class ElidedLabel* m_pathLabel;
    QToolButton* m_saveButton;
};
