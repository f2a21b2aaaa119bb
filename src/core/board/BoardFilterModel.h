// SPDX-License-Identifier: MIT
#pragma once

#include "deploy/DeploymentState.h"

#include <QSet>
#include <QSortFilterProxyModel>

// The board as the user asked to see it: only some states (the summary bar's
// buttons and the filter box), text matching the condition, machine or last
// line, sorted by any column the way a reader expects (state in lifecycle
// order, elapsed by seconds, condition by its place in parameters.json).
class BoardFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit BoardFilterModel(QObject* parent = nullptr);

    // Empty: every state.
    void setPhases(const QSet<DeploymentState::Phase>& phases);
    QSet<DeploymentState::Phase> phases() const { return m_phases; }
    void setText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QSet<DeploymentState::Phase> m_phases;
    QString m_text;
};
