// SPDX-License-Identifier: MIT
#pragma once

#include "board/BoardModel.h"
#include "workspace/SweepSummary.h"

#include <QSet>
#include <QWidget>
#include <array>
#include <functional>
#include <optional>

class QLabel;
class QToolButton;

// Counts per state above the board ("2 running · 1 failed · 5 succeeded"), each
// a toggle that shows only the machines in that state; "All" clears the filter.
// Buttons are named summary-<phase> (summary-running, …) and summary-all.
class SummaryBar : public QWidget
{
    Q_OBJECT
public:
    explicit SummaryBar(QWidget* parent = nullptr);

    void setModel(BoardModel* model);
    // The sweep's one line ("12 of 40 done, … · about $3.40 so far"), the same as
    // `logistician status` opens with; asked again whenever the counts change.
    void setSummarySource(const std::function<std::optional<SweepSummary>()>& source);
    void setSelectedPhases(const QSet<DeploymentState::Phase>& phases);
    // The counts as shown, e.g. "2 running, 1 failed" (for tests and tooltips).
    QString text() const;

Q_SIGNALS:
    void phasesChanged(const QSet<DeploymentState::Phase>& phases);

private:
    void update();

    BoardModel* m_model = nullptr;
    QToolButton* m_all;
    QLabel* m_total;
    std::function<std::optional<SweepSummary>()> m_source;
    std::array<QToolButton*, BoardModel::PhaseCount> m_buttons {};
};
