// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

// The one place every external command is announced before it runs, already
// redacted. The CLI prints it to stderr; the GUI shows it in the command log dock.
class CommandLog : public QObject
{
    Q_OBJECT
public:
    static CommandLog* instance();

    void announce(const QString& displayLine);

Q_SIGNALS:
    void commandStarted(const QString& displayLine);

private:
    CommandLog() = default;
};
