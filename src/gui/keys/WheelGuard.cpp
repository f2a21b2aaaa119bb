// SPDX-License-Identifier: MIT
#include "WheelGuard.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QScrollBar>

namespace {

// The value widget a wheel event over watched would change (a spin box's line edit is its spin box's).
QWidget* valueWidget(QObject* watched)
{
    auto* widget = qobject_cast<QWidget*>(watched);
    for (int depth = 0; widget && depth < 2; ++depth, widget = widget->parentWidget()) {
        if (qobject_cast<QScrollBar*>(widget))
            return nullptr;
        if (qobject_cast<QAbstractSpinBox*>(widget) || qobject_cast<QComboBox*>(widget)
            || qobject_cast<QAbstractSlider*>(widget))
            return widget;
    }
    return nullptr;
}

} // namespace

void WheelGuard::install()
{
    auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
    if (!app || app->findChild<WheelGuard*>(QString(), Qt::FindDirectChildrenOnly))
        return;
    app->installEventFilter(new WheelGuard(app));
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Polish) {
        // A wheel must not give the focus (Qt's WheelFocus), or the next turn would edit.
        auto* widget = qobject_cast<QWidget*>(watched);
        if (widget && valueWidget(widget) == widget && widget->focusPolicy() == Qt::WheelFocus)
            widget->setFocusPolicy(Qt::StrongFocus);
        return false;
    }
    if (event->type() != QEvent::Wheel)
        return false;
    QWidget* widget = valueWidget(watched);
    if (!widget || widget->hasFocus() || (widget->focusProxy() && widget->focusProxy()->hasFocus()))
        return false;
    // Not taken: QApplication hands the event on to the parents (the form's scroll area).
    event->ignore();
    return true;
}
