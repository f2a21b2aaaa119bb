// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/DeploymentState.h"

#include <QColor>
#include <QIcon>
#include <QStyledItemDelegate>

// How the board draws a state: a colour per phase that reads on a light and a
// dark palette, and a small round icon with a glyph (check, cross, play, …),
// so a state is told apart by shape as well as colour.
namespace BoardStyle {

QColor colour(DeploymentState::Phase phase);
QIcon icon(DeploymentState::Phase phase);

} // namespace BoardStyle

// The State column: the phase's icon before its text, failures in bold.
class StateDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};
