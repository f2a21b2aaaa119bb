// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QFont>
#include <QIcon>
#include <QPalette>
#include <QString>

class QApplication;

// Colours that read on a light and on a dark palette alike, derived from the
// palette in use rather than fixed, and the app's look (Fusion, optional dark palette).
namespace Theme {

bool isDark(const QPalette& palette);
QColor errorBackground(const QPalette& palette);
QColor errorText(const QPalette& palette);
QColor warningBackground(const QPalette& palette);
QColor successText(const QPalette& palette);
QColor mutedText(const QPalette& palette);
QFont monospaceFont();

// View > Theme: System follows the desktop's palette as it was when the app started
// (Qt 6.4 has no colour-scheme hint: the window colour's lightness decides).
enum class Mode
{
    System,
    Light,
    Dark
};
Mode modeFromString(const QString& name); // anything unknown is System
QString toString(Mode mode);
Mode currentMode();

// Fusion everywhere, with the palette of the mode; icons that are dark line art are
// redrawn in the palette's text colour so they stay legible on a dark palette.
void apply(QApplication& app, Mode mode);
// Fusion; a dark palette when asked (LOGISTICIAN_DARK=1 or --dark), else the desktop's.
void apply(QApplication& app, bool dark);

// The icon redrawn in the palette's text colours when it is dark line art on a dark palette.
QIcon legible(const QIcon& icon, const QPalette& palette);

} // namespace Theme
