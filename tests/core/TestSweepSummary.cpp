// SPDX-License-Identifier: MIT
#include "ScratchRepository.h"
#include "Settings.h"
#include "aws/AwsPrices.h"
#include "workspace/SweepSummary.h"

#include <QTemporaryDir>
#include <QTest>

// The sweep's one line: counts, time and cost to date (machine-hours x price, aws only; with a results store, the
// bytes it holds x price per GiB-month x the time held).
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

    void storageIsBytesTimesPriceTimesTimeHeld()
    {
        // Fixed numbers: 2 GiB held for one month (730 h) and 1 GiB for half of one, at $0.0245 per GiB-month,
        // beside one machine at $0.50 an hour for 730 h.
        using P = DeploymentState::Phase;
        const QDateTime t0 = QDateTime::fromString("2026-11-01T00:00:00Z", Qt::ISODate);
        const QDateTime now = t0.addSecs(730 * 3600);
        DeploymentState s;
        s.backend = "aws";
        s.createdAt = t0;
        s.terminated = true;
        DeploymentState::Host machine;
        machine.address = "admin@10.0.0.1";
        machine.id = "i-1";
        machine.upSince = t0;
        machine.downAt = t0.addSecs(730 * 3600);
        s.hosts << machine;
        DeploymentState::Condition a = condition(1, P::Succeeded);
        a.finishedAt = t0;
        a.storeBytes = 2LL * 1024 * 1024 * 1024;
        DeploymentState::Condition b = condition(2, P::Succeeded);
        b.finishedAt = t0.addSecs(365 * 3600);
        b.storeBytes = 1024LL * 1024 * 1024;
        DeploymentState::Condition unsynced = condition(3, P::Succeeded); // never listed: nothing known of it
        unsynced.finishedAt = t0;
        s.conditions << a << b << unsynced;
        MachinePrice hourly;
        hourly.perHour = 0.5;
        MachinePrice storage;
        storage.perHour = 0.0245; // per GiB-month
        const SweepSummary sum = SweepSummary::of(s, hourly, now, storage);
        QVERIFY2(qAbs(sum.storedGiBMonths - 2.5) < 1e-9, qPrintable(QString::number(sum.storedGiBMonths)));
        QVERIFY(qAbs(sum.storageCost - 2.5 * 0.0245) < 1e-12);
        QVERIFY(qAbs(sum.costSoFar - (730 * 0.5 + 2.5 * 0.0245)) < 1e-9);
        QVERIFY2(sum.line().endsWith(QString(" · about $365.06 so far (storage $0.06)")), qPrintable(sum.line()));

        // Its storage goes on after the machines are gone, until terminate --delete-store.
        const SweepSummary later = SweepSummary::of(s, hourly, now.addSecs(730 * 3600), storage);
        QVERIFY(qAbs(later.storedGiBMonths - 5.5) < 1e-9);
        QVERIFY(qAbs(later.costSoFar - (730 * 0.5 + 5.5 * 0.0245)) < 1e-9);
        s.storeDeletedAt = now;
        const SweepSummary deleted = SweepSummary::of(s, hourly, now.addSecs(730 * 3600), storage);
        QVERIFY(qAbs(deleted.storedGiBMonths - 2.5) < 1e-9);

        // The store's price unknown: its GiB-months are counted, not priced.
        const SweepSummary unpriced = SweepSummary::of(s, hourly, now, MachinePrice());
        QVERIFY(qAbs(unpriced.storedGiBMonths - 2.5) < 1e-9);
        QCOMPARE(unpriced.storageCost, 0.0);
        QVERIFY(qAbs(unpriced.costSoFar - 365.0) < 1e-9);

        // Storage alone (an ssh host's store, say, nothing rented): still a cost to date.
        DeploymentState ssh;
        ssh.backend = "ssh";
        ssh.createdAt = t0;
        ssh.conditions << a;
        const SweepSummary stored = SweepSummary::of(ssh, MachinePrice(), now, storage);
        QVERIFY(qAbs(stored.costSoFar - 2 * 0.0245) < 1e-12);
        QVERIFY2(stored.line().endsWith(QString(" · about $0.05 so far (storage $0.05)")), qPrintable(stored.line()));
    }

    void storageIsPricedFromTheExperimentsStore()
    {
        // status and the board: the store of parameters.json, priced by the dated table in the machines' region.
        ScratchRepository repo;
        repo.writeFile("experiments/kept/parameters.json",
                       "{\"experiment_name\": \"kept\", \"backend\": \"aws\", \"experiment_conditions\": [\"a\"], "
                       "\"aws_region\": \"eu-central-1\", \"aws_instance_type\": \"t3.small\", "
                       "\"results_store\": \"s3://kept-results/sweep\"}");
        const auto opened = Experiment::open(repo.filePath("experiments/kept"));
        QVERIFY2(opened.isOk(), qPrintable(opened.message()));
        const QDateTime t0 = QDateTime::fromString("2026-11-01T00:00:00Z", Qt::ISODate);
        DeploymentState s;
        s.backend = "aws";
        s.createdAt = t0;
        s.terminated = true;
        DeploymentState::Condition c = condition(1, DeploymentState::Phase::Succeeded);
        c.finishedAt = t0;
        c.storeBytes = 4LL * 1024 * 1024 * 1024;
        s.conditions << c;
        const double perGiBMonth = AwsPrices().storage("eu-central-1").perHour;
        QCOMPARE(perGiBMonth, 0.0245);
        const SweepSummary sum = SweepSummary::forExperiment(s, *opened, t0.addSecs(730 * 3600 / 2));
        QVERIFY2(qAbs(sum.storageCost - 2 * perGiBMonth) < 1e-12, qPrintable(sum.line()));
        QVERIFY(qAbs(sum.costSoFar - 2 * perGiBMonth) < 1e-12);
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
