// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

// No edit without focus, app-wide: a mouse wheel over a spin box, combo box or
// slider that does not have the focus scrolls what holds it (a settings form)
// instead of changing its value, and never gives it the focus. A widget the
// user clicked or tabbed into takes the wheel as usual. Scroll bars scroll.
class WheelGuard : public QObject
{
    Q_OBJECT
public:
    // Installs the one guard on the application (again: nothing more).
    static void install();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    using QObject::QObject;
};
