// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QWidget>

class QAbstractButton;
class QHBoxLayout;

// A row of buttons that never makes the window wider: when the row does not
// fit, its buttons drop their names and show only their icons (the names stay
// as tooltips and accessible names), and get them back when there is room.
class CompactButtonRow : public QWidget
{
    Q_OBJECT
public:
    explicit CompactButtonRow(QWidget* parent = nullptr);

    // A button that may drop its name; it needs an icon.
    void addButton(QAbstractButton* button);
    // Any other widget (shown as it is), or a stretch.
    void addWidget(QWidget* widget);
    void addStretch();
    void addSpacing(int size);
    void setSpacing(int spacing);
    bool isCompact() const { return m_compact; }

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override; // a button shown or hidden: measured again

private:
    void fit();
    void setCompact(bool compact);

    QHBoxLayout* m_layout;
    QHash<QAbstractButton*, QString> m_names;
    bool m_compact = false;
    int m_fullWidth = 0; // the row's width with every name shown
    int m_shown = -1; // how many of its widgets were visible when it was measured
};
