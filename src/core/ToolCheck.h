// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>
#include <QString>

class CommandRunner;

// Checks the external tools Logistician drives (docker, terraform, git, rsync,
// ssh) by running each one's version command, all at once, in the background.
class ToolCheck : public QObject
{
    Q_OBJECT
public:
    struct Tool
    {
        QString name;
        QString version; // first line the tool printed; empty when missing
        QString installHint; // what to do when it is missing
        bool found = false;
    };

    explicit ToolCheck(QObject* parent = nullptr);
    void start();
    const QList<Tool>& tools() const { return m_tools; }
    // The line of a tool's output that holds its version.
    static QString versionLine(const QString& output);

Q_SIGNALS:
    void finished();

private:
    QList<Tool> m_tools;
    int m_pending = 0;
};
