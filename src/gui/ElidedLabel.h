// SPDX-License-Identifier: MIT
#pragma once

#include <QLabel>

// A label for a name or a path that may be longer than the room it gets: it is
// shortened with "…" to its width (whole in its tooltip) and never asks for
// more width than a few characters, so it cannot widen a window.
class ElidedLabel : public QLabel
{
    Q_OBJECT
public:
    explicit ElidedLabel(Qt::TextElideMode mode = Qt::ElideMiddle, QWidget* parent = nullptr);

    void setFullText(const QString& text);
    QString fullText() const { return m_fullText; }
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void elide();
    Qt::TextElideMode m_mode;
    QString m_fullText;
};
