// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>
#include <QString>

// The main window's size for the screenshot programs: LOGISTICIAN_SCREENSHOT_SIZE=WIDTHxHEIGHT (e.g. 800x600,
// to check that nothing is cut off on a small screen), else the size the docs use.
inline QSize screenshotWindowSize(const QSize& fallback)
{
    const QStringList parts = qEnvironmentVariable("LOGISTICIAN_SCREENSHOT_SIZE").split(QLatin1Char('x'));
    if (parts.size() == 2 && parts.at(0).toInt() > 0 && parts.at(1).toInt() > 0)
        return QSize(parts.at(0).toInt(), parts.at(1).toInt());
    return fallback;
}
