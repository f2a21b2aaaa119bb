// SPDX-License-Identifier: MIT
#include "Theme.h"

#include <QApplication>
#include <QFontDatabase>
#include <QImage>
#include <QList>
#include <QPainter>
#include <QPair>
#include <QPixmap>
#include <QProxyStyle>
#include <QStyleFactory>
#include <QWidget>

namespace Theme {

namespace {
QColor blend(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
}

Mode g_mode = Mode::System;
bool g_systemCaptured = false;
QPalette g_systemPalette;

// Dark, colourless line art (arrows, play and stop, reload): unreadable on a dark window.
bool isDarkLineArt(const QImage& image)
{
    qint64 lightness = 0, saturation = 0, count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.alpha() < 128)
                continue;
            lightness += c.lightness();
            saturation += c.hslSaturation();
            ++count;
        }
    }
    return count > 0 && lightness / count < 110 && saturation / count < 70;
}

QPixmap recolored(const QPixmap& pixmap, const QColor& color)
{
    QPixmap out = pixmap;
    QPainter painter(&out);
    painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
    painter.fillRect(out.rect(), color);
    return out;
}

// Every standard icon passes through legible(): the style's own are black line art.
class LegibleIconStyle : public QProxyStyle
{
public:
    using QProxyStyle::QProxyStyle;
    QIcon standardIcon(StandardPixmap icon, const QStyleOption* option, const QWidget* widget) const override
    {
        return legible(QProxyStyle::standardIcon(icon, option, widget), QApplication::palette());
    }
};

QPalette darkPalette()
{
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
    return p;
}
} // namespace

QIcon legible(const QIcon& icon, const QPalette& palette)
{
    if (icon.isNull() || !isDark(palette))
        return icon;
    QList<QSize> sizes = icon.availableSizes();
    if (sizes.isEmpty())
        sizes = { QSize(16, 16), QSize(32, 32) };
    if (!isDarkLineArt(icon.pixmap(sizes.last()).toImage()))
        return icon;
    QIcon out;
    for (const QSize& size : std::as_const(sizes)) {
        const QPixmap pixmap = icon.pixmap(size);
        out.addPixmap(recolored(pixmap, palette.color(QPalette::Active, QPalette::ButtonText)), QIcon::Normal);
        out.addPixmap(recolored(pixmap, palette.color(QPalette::Disabled, QPalette::ButtonText)), QIcon::Disabled);
    }
    return out;
}

Mode modeFromString(const QString& name)
{
    if (name == QLatin1String("light"))
        return Mode::Light;
    if (name == QLatin1String("dark"))
        return Mode::Dark;
    return Mode::System;
}

QString toString(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    case Mode::System:
        break;
    }
    return QStringLiteral("system");
}

Mode currentMode()
{
    return g_mode;
}

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

void apply(QApplication& app, Mode mode)
{
    if (!g_systemCaptured) {
        // The desktop's palette, before Fusion or a theme replaces it.
        g_systemPalette = QApplication::palette();
        g_systemCaptured = true;
        app.setStyle(new LegibleIconStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
    }
    g_mode = mode;
    const QPalette before = QApplication::palette();
    switch (mode) {
    case Mode::Dark:
        app.setPalette(darkPalette());
        break;
    case Mode::Light:
        app.setPalette(app.style()->standardPalette());
        break;
    case Mode::System:
        app.setPalette(g_systemPalette);
        break;
    }
    // Live: a label that set its own error, success or muted colour for the old palette takes the new
    // palette's (dark red on a dark window would not read), as it would at the next start.
    const QPalette after = QApplication::palette();
    const QList<QPair<QColor, QColor>> tones { { errorText(before), errorText(after) },
                                               { successText(before), successText(after) },
                                               { mutedText(before), mutedText(after) } };
    for (QWidget* widget : QApplication::allWidgets()) {
        if (!widget->testAttribute(Qt::WA_SetPalette))
            continue;
        QPalette palette = widget->palette();
        bool changed = false;
        for (const QPalette::ColorRole role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText }) {
            for (const auto& tone : tones) {
                if (palette.color(role) == tone.first && tone.first != tone.second) {
                    palette.setColor(role, tone.second);
                    changed = true;
                    break;
                }
            }
        }
        if (changed)
            widget->setPalette(palette);
    }
}

void apply(QApplication& app, bool dark)
{
    apply(app, dark ? Mode::Dark : Mode::System);
}

} // namespace Theme
