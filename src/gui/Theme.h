// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QFont>
#include <QPalette>

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

// Fusion everywhere; a dark palette when asked (LOGISTICIAN_DARK=1 or --dark).
void apply(QApplication& app, bool dark);

} // namespace Theme
