// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

class QSystemTrayIcon;

// Desktop notifications for the board: a machine failed, a deployment
// finished. Shown through the system tray when the desktop has one; always
// emitted as notified() (the status bar shows it, and tests read it).
class BoardNotifier : public QObject
{
    Q_OBJECT
public:
    explicit BoardNotifier(QObject* parent = nullptr);

    void notify(const QString& title, const QString& text, bool critical = false);
    bool hasTray() const { return m_tray != nullptr; }
    QString lastTitle() const { return m_lastTitle; }
    QString lastText() const { return m_lastText; }

Q_SIGNALS:
    void notified(const QString& title, const QString& text);

private:
    QSystemTrayIcon* m_tray = nullptr;
    QString m_lastTitle;
    QString m_lastText;
};
