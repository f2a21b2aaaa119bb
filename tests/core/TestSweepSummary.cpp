// SPDX-License-Identifier: MIT
#include "ScratchRepository.h"
#include "Settings.h"
#include "aws/AwsPrices.h"
#include "workspace/SweepSummary.h"

#include <QTemporaryDir>
#include <QTest>

// The sweep's one line: counts, time and cost to date (machine-hours x price, aws only).
class TestSweepSummary : public QObject
{
    Q_OBJECT

    static DeploymentState::Condition condition(int index, DeploymentState::Phase phase)
    {
        DeploymentState::Condition c;
        c.index = index;
        c.slug = QStringLiteral("c%1").arg(index);
        c.phase = phase;
        return c;
    }

private Q_SLOTS:
    void countsAndLocalCostsNothing()
    {
        using P = DeploymentState::Phase;
        const QDateTime t0 = QDateTime::fromString("2026-11-25T10:00:00Z", Qt::ISODate);
        DeploymentState s;
        s.backend = "local";
        s.createdAt = t0;
        DeploymentState::Host local;
        local.address = "local";
        s.hosts << local;
        for (P p : { P::Succeeded, P::Succeeded, P::Failed, P::Running, P::Queued, P::Building, P::Terminated })
            s.conditions << condition(static_cast<int>(s.conditions.size()) + 1, p);
        const SweepSummary sum = SweepSummary::of(s, MachinePrice(), t0.addSecs(3600 + 12 * 60));
        QCOMPARE(sum.total, 7);
        QCOMPARE(sum.succeeded, 2);
        QCOMPARE(sum.failed, 1);
        QCOMPARE(sum.running, 1);
        QCOMPARE(sum.waiting, 2);
        QCOMPARE(sum.stopped, 1);
        QCOMPARE(sum.elapsedSeconds, 3600 + 12 * 60);
        QCOMPARE(sum.costSoFar, 0.0);
        QVERIFY(sum.costKnown);
        QCOMPARE(sum.line(), QString("3 of 7 done, 1 failed, 1 running, 2 queued, 1 stopped · 1 h 12 min"));
    }

    void awsCostIsMachineHoursTimesPrice()
    {
        using P = DeploymentState::Phase;
        const QDateTime t0 = QDateTime::fromString("2026-11-25T10:00:00Z", Qt::ISODate);
        DeploymentState s;
        s.backend = "aws";
        s.createdAt = t0;
        // One machine up for 2 h and still running, one destroyed after 30 min.
        DeploymentState::Host a;
        a.address = "admin@10.0.0.1";
        a.id = "i-1";
        a.upSince = t0;
        DeploymentState::Host b;
        b.address = "admin@10.0.0.2";
        b.id = "i-2";
        b.upSince = t0;
        b.downAt = t0.addSecs(1800);
        b.phase = DeploymentState::HostPhase::Released;
        s.hosts << a << b;
        s.conditions << condition(1, P::Running) << condition(2, P::Succeeded);
        MachinePrice price;
        price.perHour = 1.0;
        const SweepSummary sum = SweepSummary::of(s, price, t0.addSecs(7200));
        QCOMPARE(sum.liveMachines, 1);
        QVERIFY(qAbs(sum.machineHours - 2.5) < 1e-9);
        QVERIFY(qAbs(sum.costSoFar - 2.5) < 1e-9);
        QCOMPARE(sum.line(), QString("1 of 2 done, 1 running · 2 h 0 min · about $2.50 so far"));

        // No price for the region/type: said so, not $0.
        const SweepSummary unknown = SweepSummary::of(s, MachinePrice(), t0.addSecs(7200));
        QVERIFY(!unknown.costKnown);
        QVERIFY(unknown.line().contains("cost unknown"));
    }

    void awsCostUsesTheDefaultsOfSetup()
    {
        // No aws_region or aws_instance_type in parameters.json: priced as deploy chose, by setup's defaults.
        QTemporaryDir config;
        const QByteArray saved = qgetenv("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", config.path().toUtf8());
        {
            Settings settings;
            settings.setDefaultRegion("eu-central-1");
            settings.setDefaultInstanceType("t3.small");
        }
        ScratchRepository repo;
        repo.writeFile("experiments/priced/parameters.json",
                       R"({"experiment_name": "priced", "backend": "aws", "experiment_conditions": ["a"]})");
        Experiment experiment;
        const auto openedExperiment = Experiment::open(repo.filePath("experiments/priced"));
        const Result opened = openedExperiment.error();
        experiment = openedExperiment.valueOr(Experiment());
        QVERIFY2(opened, qPrintable(opened.message()));

        const QDateTime t0 = QDateTime::fromString("2026-11-25T10:00:00Z", Qt::ISODate);
        DeploymentState s;
        s.backend = "aws";
        s.createdAt = t0;
        DeploymentState::Host machine;
        machine.address = "admin@10.0.0.1";
        machine.id = "i-1";
        machine.upSince = t0;
        s.hosts << machine;
        s.conditions << condition(1, DeploymentState::Phase::Running);
        const SweepSummary sum = SweepSummary::forExperiment(s, experiment, t0.addSecs(3600 * 100));
        const double frankfurtSmall = AwsPrices().price("eu-central-1", "t3.small").perHour;
        QVERIFY(frankfurtSmall > 0);
        QVERIFY2(qAbs(sum.costSoFar - 100 * frankfurtSmall) < 1e-9, qPrintable(sum.line()));
        if (saved.isEmpty())
            qunsetenv("XDG_CONFIG_HOME");
        else
            qputenv("XDG_CONFIG_HOME", saved);
    }

    void aFinishedSweepStopsTheClock()
    {
        using P = DeploymentState::Phase;
        const QDateTime t0 = QDateTime::fromString("2026-11-25T10:00:00Z", Qt::ISODate);
        DeploymentState s;
        s.backend = "ssh";
        s.createdAt = t0;
        DeploymentState::Condition c = condition(1, P::Succeeded);
        c.finishedAt = t0.addSecs(90);
        s.conditions << c;
        const SweepSummary sum = SweepSummary::of(s, MachinePrice(), t0.addSecs(10000));
        QCOMPARE(sum.elapsedSeconds, 90);
        QVERIFY(!sum.stillGoing());
        QCOMPARE(SweepSummary::duration(45), QString("45 s"));
        QCOMPARE(SweepSummary::duration(125), QString("2 min"));
    }
};

QTEST_GUILESS_MAIN(TestSweepSummary)
#include "TestSweepSummary.moc"
