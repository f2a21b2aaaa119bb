// SPDX-License-Identifier: MIT
#include "BoardNotifier.h"

#include <QApplication>
#include <QStyle>
#include <QSystemTrayIcon>

BoardNotifier::BoardNotifier(QObject* parent)
    : QObject(parent)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(this);
        QIcon icon = QApplication::windowIcon();
        if (icon.isNull())
            icon = QApplication::style()->standardIcon(QStyle::SP_ComputerIcon);
        m_tray->setIcon(icon);
        m_tray->setToolTip(QStringLiteral("Logistician"));
    }
}

void BoardNotifier::notify(const QString& title, const QString& text, bool critical)
{
    m_lastTitle = title;
    m_lastText = text;
    if (m_tray && QSystemTrayIcon::supportsMessages()) {
        m_tray->show();
        m_tray->showMessage(title, text, critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Information, 8000);
    }
    Q_EMIT notified(title, text);
}
