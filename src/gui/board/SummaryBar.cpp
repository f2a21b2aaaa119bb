// SPDX-License-Identifier: MIT
#include "SummaryBar.h"

#include "board/BoardStyle.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

using Phase = DeploymentState::Phase;

SummaryBar::SummaryBar(QWidget* parent)
    : QWidget(parent)
    , m_all(new QToolButton(this))
    , m_total(new QLabel(this))
{
    setObjectName(QStringLiteral("summaryBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_all->setObjectName(QStringLiteral("summary-all"));
    m_all->setText(tr("All"));
    m_all->setCheckable(true);
    m_all->setChecked(true);
    m_all->setAutoRaise(true);
    m_all->setToolTip(tr("Show every machine"));
    layout->addWidget(m_all);
    connect(m_all, &QToolButton::clicked, this, [this] { setSelectedPhases({}); });
    for (int i = 0; i < BoardModel::PhaseCount; ++i) {
        const auto phase = static_cast<Phase>(i);
        auto* button = new QToolButton(this);
        button->setObjectName(QStringLiteral("summary-") + DeploymentState::phaseName(phase));
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setIcon(BoardStyle::icon(phase));
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setToolTip(
            tr("Show only the machines that are %1 (click again to show all)").arg(DeploymentState::phaseName(phase)));
        button->hide();
        connect(button, &QToolButton::clicked, this,
                [this, phase](bool checked) { setSelectedPhases(checked ? QSet<Phase> { phase } : QSet<Phase> {}); });
        m_buttons[static_cast<size_t>(i)] = button;
        layout->addWidget(button);
    }
    layout->addStretch(1);
    m_total->setObjectName(QStringLiteral("summaryTotal"));
    layout->addWidget(m_total);
}

void SummaryBar::setModel(BoardModel* model)
{
    m_model = model;
    connect(model, &BoardModel::countsChanged, this, &SummaryBar::update);
    connect(model, &QAbstractItemModel::modelReset, this, &SummaryBar::update);
    update();
}

void SummaryBar::setSummarySource(const std::function<std::optional<SweepSummary>()>& source)
{
    m_source = source;
    update();
}

void SummaryBar::setSelectedPhases(const QSet<Phase>& phases)
{
    for (int i = 0; i < BoardModel::PhaseCount; ++i)
        m_buttons[static_cast<size_t>(i)]->setChecked(phases.contains(static_cast<Phase>(i)));
    m_all->setChecked(phases.isEmpty());
    Q_EMIT phasesChanged(phases);
}

QString SummaryBar::text() const
{
    QStringList parts;
    for (QToolButton* button : m_buttons) {
        if (!button->isHidden() && !button->text().isEmpty())
            parts << button->text();
    }
    return parts.join(QStringLiteral(", "));
}

void SummaryBar::update()
{
    if (!m_model)
        return;
    int total = 0;
    for (int i = 0; i < BoardModel::PhaseCount; ++i) {
        const int n = m_model->count(static_cast<Phase>(i));
        QToolButton* button = m_buttons[static_cast<size_t>(i)];
        total += n;
        button->setText(n > 0 ? QStringLiteral("%1 %2").arg(n).arg(DeploymentState::phaseName(static_cast<Phase>(i)))
                              : QString());
        // A state with nobody in it is hidden, unless it is the filter in use.
        button->setHidden(n == 0 && !button->isChecked());
    }
    const std::optional<SweepSummary> sweep = m_source ? m_source() : std::nullopt;
    m_total->setText(sweep ? sweep->line() : total > 0 ? tr("%n machine(s)", nullptr, total) : QString());
}
