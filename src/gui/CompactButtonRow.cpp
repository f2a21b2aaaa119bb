// SPDX-License-Identifier: MIT
#include "CompactButtonRow.h"

#include <QAbstractButton>
#include <QHBoxLayout>
#include <QResizeEvent>

CompactButtonRow::CompactButtonRow(QWidget* parent)
    : QWidget(parent)
    , m_layout(new QHBoxLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
}

void CompactButtonRow::addButton(QAbstractButton* button)
{
    m_names.insert(button, button->text());
    if (button->accessibleName().isEmpty())
        button->setAccessibleName(QString(button->text()).remove(QLatin1Char('&')));
    // A text change while compact (e.g. a state shown in the name) is the name to come back.
    m_layout->addWidget(button);
    m_fullWidth = 0;
}

void CompactButtonRow::addWidget(QWidget* widget)
{
    m_layout->addWidget(widget);
    m_fullWidth = 0;
}

void CompactButtonRow::addStretch()
{
    m_layout->addStretch(1);
}

void CompactButtonRow::addSpacing(int size)
{
    m_layout->addSpacing(size);
    m_fullWidth = 0;
}

void CompactButtonRow::setSpacing(int spacing)
{
    m_layout->setSpacing(spacing);
    m_fullWidth = 0;
}

void CompactButtonRow::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fit();
}

bool CompactButtonRow::event(QEvent* event)
{
    const bool handled = QWidget::event(event);
    if (event->type() == QEvent::LayoutRequest) {
        // A button that appears (Rerun Failed after a failure) needs room the last measure did not count.
        int shown = 0;
        for (int i = 0; i < m_layout->count(); ++i) {
            if (QWidget* w = m_layout->itemAt(i)->widget(); w && !w->isHidden())
                ++shown;
        }
        if (shown != m_shown) {
            m_shown = shown;
            m_fullWidth = 0;
            fit();
        }
    }
    return handled;
}

void CompactButtonRow::fit()
{
    // With the names shown the hint is the full width now (fonts and styles change it); while compact, the
    // width they needed when last shown.
    if (!m_compact || m_fullWidth == 0) {
        const bool was = m_compact;
        setCompact(false);
        m_fullWidth = sizeHint().width();
        setCompact(was);
    }
    setCompact(m_fullWidth > width());
}

void CompactButtonRow::setCompact(bool compact)
{
    if (compact == m_compact)
        return;
    m_compact = compact;
    for (auto it = m_names.begin(); it != m_names.end(); ++it) {
        QAbstractButton* button = it.key();
        if (compact) {
            it.value() = button->text();
            if (button->toolTip().isEmpty())
                button->setToolTip(QString(it.value()).remove(QLatin1Char('&')));
            button->setText(QString());
        } else {
            button->setText(it.value());
        }
    }
}
