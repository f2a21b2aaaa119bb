// SPDX-License-Identifier: MIT
#include "Theme.h"

#include <QApplication>
#include <QFontDatabase>
#include <QStyleFactory>

namespace Theme {

namespace {
QColor blend(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
}
} // namespace

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor errorBackground(const QPalette& palette)
{
    return blend(palette.color(QPalette::Base), QColor(220, 50, 47), isDark(palette) ? 0.35 : 0.18);
}

QColor errorText(const QPalette& palette)
{
    return isDark(palette) ? QColor(255, 135, 125) : QColor(170, 20, 20);
}

QColor warningBackground(const QPalette& palette)
{
    return blend(palette.color(QPalette::Base), QColor(230, 160, 0), isDark(palette) ? 0.3 : 0.2);
}

QColor successText(const QPalette& palette)
{
    return isDark(palette) ? QColor(120, 210, 120) : QColor(20, 120, 40);
}

QColor mutedText(const QPalette& palette)
{
    return blend(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.45);
}

QFont monospaceFont()
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setStyleHint(QFont::Monospace);
    return font;
}

void apply(QApplication& app, bool dark)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (!dark)
        return;
    QPalette p;
    const QColor window(45, 47, 51), base(32, 34, 37), text(225, 227, 230), disabled(128, 130, 134);
    const QColor highlight(61, 133, 198);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(40, 42, 46));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Link, QColor(110, 170, 240));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(70, 72, 76));
    p.setColor(QPalette::Midlight, QColor(58, 60, 64));
    p.setColor(QPalette::Mid, QColor(36, 38, 41));
    p.setColor(QPalette::Dark, QColor(25, 26, 28));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, disabled);
    app.setPalette(p);
}

} // namespace Theme
