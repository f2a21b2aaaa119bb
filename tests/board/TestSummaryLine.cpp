// SPDX-License-Identifier: MIT
#include "board/BoardModel.h"
#include "board/SummaryBar.h"
#include "workspace/SweepSummary.h"

#include <QLabel>
#include <QTest>

// The board's summary bar shows the sweep's line, the same text `logistician
// status` opens with, and follows the state when the counts change.
class TestSummaryLine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsTheSweepLine()
    {
        const QDateTime start = QDateTime::fromString("2026-01-01T10:00:00Z", Qt::ISODate);
        DeploymentState state;
        state.backend = "aws";
        state.createdAt = start;
        for (int i = 1; i <= 2; ++i) {
            DeploymentState::Condition c;
            c.index = i;
            c.slug = QString("c%1").arg(i);
            c.phase = i == 1 ? DeploymentState::Phase::Succeeded : DeploymentState::Phase::Running;
            state.conditions << c;
        }
        DeploymentState::Host host;
        host.id = "i-1";
        host.upSince = start;
        state.hosts << host;
        MachinePrice price;
        price.perHour = 2.0;
        const QDateTime now = start.addSecs(3600 + 12 * 60);

        BoardModel model;
        model.setState(state);
        SummaryBar bar;
        bar.setModel(&model);
        auto* label = bar.findChild<QLabel*>("summaryTotal");
        QVERIFY(label);
        QCOMPARE(label->text(), QString("2 machine(s)")); // no source: the machine count as before
        bar.setSummarySource([&] { return std::optional<SweepSummary>(SweepSummary::of(state, price, now)); });
        QCOMPARE(label->text(), QString("1 of 2 done, 1 running · 1 h 12 min · about $2.40 so far"));

        state.conditions[1].phase = DeploymentState::Phase::Failed;
        model.setState(state);
        QCOMPARE(label->text(), QString("2 of 2 done, 1 failed · 1 h 12 min · about $2.40 so far"));
    }
};

QTEST_MAIN(TestSummaryLine)
#include "TestSummaryLine.moc"
