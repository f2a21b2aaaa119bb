// SPDX-License-Identifier: MIT
// The slurm backend's pure parts: the array and sbatch argv, the job script
// (no condition in it), each task's container argv (apptainer's is only checked
// here: Debian 12 has no apptainer package), and what squeue, scontrol and sacct
// say mapped onto the board's states.

#include "slurm/SlurmJob.h"

#include <QTest>

using Phase = DeploymentState::Phase;

class TestSlurmJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void arraySpecs()
    {
        QCOMPARE(SlurmJob::arraySpec({ 1, 2, 3, 4 }, 2), QStringLiteral("1-4%2"));
        QCOMPARE(SlurmJob::arraySpec({ 7, 2, 5, 6 }, 3), QStringLiteral("2,5-7%3"));
        QCOMPARE(SlurmJob::arraySpec({ 3 }, 0), QStringLiteral("3%1"));
    }

    void sbatchHasEveryResource()
    {
        SlurmParameters::Settings s;
        s.partition = QStringLiteral("gpu");
        s.account = QStringLiteral("proj_1");
        s.time = QStringLiteral("02:00:00");
        s.cpusPerTask = 4;
        s.memory = QStringLiteral("16G");
        s.gpusPerTask = 1;
        const QStringList argv
            = SlurmJob::sbatchArgv(s, QStringLiteral("1-4%2"), QStringLiteral("logistician-x"), QStringLiteral("/w/x"));
        QCOMPARE(argv.first(), QStringLiteral("sbatch"));
        for (const char* word : { "--array=1-4%2", "--partition=gpu", "--account=proj_1", "--time=02:00:00",
                                  "--cpus-per-task=4", "--mem=16G", "--gpus-per-task=1", "--chdir=/w/x/slurm" })
            QVERIFY2(argv.contains(QLatin1String(word)), word);
        QCOMPARE(argv.last(), QStringLiteral("/w/x/slurm/job.sh"));
        // Unset: the cluster's defaults, no empty options.
        const QStringList plain = SlurmJob::sbatchArgv(SlurmParameters::Settings(), QStringLiteral("1%1"),
                                                       QStringLiteral("j"), QStringLiteral("/w"));
        for (const QString& word : plain)
            QVERIFY2(!word.endsWith(QLatin1Char('=')), qPrintable(word));
        QVERIFY(!plain.join(QLatin1Char(' ')).contains(QStringLiteral("--gpus")));
    }

    void jobScriptReadsTheConditionNeverHoldsIt()
    {
        const auto written = SlurmJob::jobScript(QStringLiteral("/home/a b/it's"), QStringLiteral("docker"),
                                                 { QStringLiteral("docker") });
        QVERIFY2(written.isOk(), qPrintable(written.message()));
        const QString script = *written;
        QVERIFY(script.contains(QStringLiteral("dir='/home/a b/it'\\''s'")));
        QVERIFY(script.contains(QStringLiteral("SLURM_ARRAY_TASK_ID")));
        QVERIFY(script.startsWith(QStringLiteral("#!/bin/sh\n"))); // sbatch refuses a script without it
        QVERIFY(!script.contains(QStringLiteral("eval")));
        QVERIFY(!script.contains(QLatin1Char('@') + QStringLiteral("DIR@")));
        // The conditions file: line N is condition N's folder, container and data folders (this attempt's,
        // attempt 1's), whatever the order given.
        SlurmJob::Task a { 2, QStringLiteral("c2-b"), QStringLiteral("logistician-x-c2-b-a2"),
                           QStringLiteral("data/attempt-2"), QStringLiteral("data") };
        const SlurmJob::Task b { 1, QStringLiteral("c1-a"), QStringLiteral("logistician-x-c1-a"),
                                 QStringLiteral("data"), QStringLiteral("data") };
        QCOMPARE(SlurmJob::conditionsFile({ a, b }).valueOr(QByteArray()),
                 QByteArray("c1-a logistician-x-c1-a data data\nc2-b logistician-x-c2-b-a2 data/attempt-2 data\n"));
        // A word the job script would refuse is refused here first.
        a.data = QStringLiteral("data/../..");
        const auto refused = SlurmJob::conditionsFile({ a });
        QVERIFY(!refused);
        QVERIFY2(refused.message().contains(QStringLiteral("data/../..")), qPrintable(refused.message()));
    }

    void runArgvPerRuntime()
    {
        Docker::RunSpec spec;
        spec.docker = QStringLiteral("podman");
        spec.image = QStringLiteral("logistician/x:abc");
        spec.name = QStringLiteral("logistician-x-c1");
        spec.detach = true;
        spec.remove = false;
        spec.projectDir = QStringLiteral("/w/x/project");
        spec.dataDir = QStringLiteral("/w/x/c1/data");
        spec.volumes = { QStringLiteral("/w/x/c1/run.sh:/logistician/run.sh:ro") };
        spec.environment = { QStringLiteral("LOGISTICIAN_MAX_RUNTIME_SECONDS=60") };
        spec.command = { QStringLiteral("sh"), QStringLiteral("/logistician/run.sh"), QStringLiteral("python") };
        spec.arguments = { QStringLiteral("--lr"), QStringLiteral("$(reboot)") };
        const QStringList podman = SlurmJob::runArgv(spec, QStringLiteral("podman"), QString());
        QCOMPARE(podman.first(), QStringLiteral("podman"));
        QVERIFY(podman.contains(QStringLiteral("--rm")));
        QVERIFY(!podman.contains(QStringLiteral("-d")));
        QCOMPARE(podman.mid(podman.size() - 2), QStringList({ QStringLiteral("--lr"), QStringLiteral("$(reboot)") }));

        spec.gpus = QStringLiteral("1");
        const QStringList apptainer
            = SlurmJob::runArgv(spec, QStringLiteral("apptainer"), QStringLiteral("/w/x/i.sif"));
        const QStringList expected { QStringLiteral("apptainer"),
                                     QStringLiteral("exec"),
                                     QStringLiteral("--cleanenv"),
                                     QStringLiteral("--pwd"),
                                     QStringLiteral("/project"),
                                     QStringLiteral("--bind"),
                                     QStringLiteral("/w/x/project:/project"),
                                     QStringLiteral("--bind"),
                                     QStringLiteral("/w/x/c1/data:/data"),
                                     QStringLiteral("--bind"),
                                     QStringLiteral("/w/x/c1/run.sh:/logistician/run.sh:ro"),
                                     QStringLiteral("--env"),
                                     QStringLiteral("LOGISTICIAN_MAX_RUNTIME_SECONDS=60"),
                                     QStringLiteral("--nv"),
                                     QStringLiteral("/w/x/i.sif"),
                                     QStringLiteral("sh"),
                                     QStringLiteral("/logistician/run.sh"),
                                     QStringLiteral("python"),
                                     QStringLiteral("--lr"),
                                     QStringLiteral("$(reboot)") };
        QCOMPARE(apptainer, expected);
        // One word per line: what the job script reads into "$@".
        QCOMPARE(SlurmJob::argvFile({ QStringLiteral("a b"), QStringLiteral("'c'") }), QByteArray("a b\n'c'\n"));
    }

    void schedulerStatesMapOntoTheBoard()
    {
        DeploymentState state;
        const char* slugs[] = { "c1-a", "c2-b", "c3-c", "c4-d", "c5-e", "c6-f" };
        for (int i = 0; i < 6; ++i) {
            DeploymentState::Condition c;
            c.index = i + 1;
            c.slug = QLatin1String(slugs[i]);
            c.job = QStringLiteral("42_%1").arg(i + 1);
            state.conditions << c;
        }
        // squeue for the live ones (a pending rest still folded as 42_[5-6%2]), scontrol for the ended ones,
        // the run wrapper's files for the ones that recorded their end.
        const QByteArray output = "Q|42_3|RUNNING|None\n"
                                  "Q|42_[5-6%2]|PENDING|JobArrayTaskLimit\n"
                                  "C|JobId=43 ArrayJobId=42 ArrayTaskId=1 JobState=COMPLETED Reason=None\n"
                                  "C|JobId=44 ArrayJobId=42 ArrayTaskId=2 JobState=FAILED Reason=NonZeroExitCode\n"
                                  "C|JobId=45 ArrayJobId=42 ArrayTaskId=4 JobState=TIMEOUT Reason=TimeLimit\n"
                                  "C|JobId=46 ArrayJobId=42 ArrayTaskId=3 JobState=RUNNING Reason=None\n"
                                  "W|c1-a|0|2026-01-01T00:00:00Z|2026-01-01T00:00:05Z\n"
                                  "W|c2-b|4|2026-01-01T00:00:00Z|2026-01-01T00:00:02Z\n"
                                  "W|c3-c||2026-01-01T00:00:01Z|\n"
                                  "W|c4-d||2026-01-01T00:00:01Z|\n"
                                  "W|c5-e|||\n"
                                  "W|c6-f|||\n";
        QStringList notes;
        const QList<int> changed = SlurmJob::apply(&state, output, &notes);
        QCOMPARE(changed.size(), 6);
        QCOMPARE(state.conditions.at(0).phase, Phase::Succeeded);
        QCOMPARE(state.conditions.at(1).phase, Phase::Failed);
        QCOMPARE(state.conditions.at(1).exitCode, 4);
        QCOMPARE(state.conditions.at(2).phase, Phase::Running);
        QCOMPARE(state.conditions.at(3).phase, Phase::Failed);
        QCOMPARE(state.conditions.at(3).schedulerState, QStringLiteral("TIMEOUT"));
        QCOMPARE(SlurmJob::describe(state.conditions.at(3)), QStringLiteral("TIMEOUT (TimeLimit)"));
        QCOMPARE(state.conditions.at(4).phase, Phase::Queued);
        QCOMPARE(SlurmJob::describe(state.conditions.at(4)), QStringLiteral("waiting: JobArrayTaskLimit"));
        QCOMPARE(SlurmJob::describe(state.conditions.at(5)), QStringLiteral("waiting: JobArrayTaskLimit"));
        QCOMPARE(notes.size(), 1);
        QVERIFY(notes.first().contains(QStringLiteral("TIMEOUT")));
        // sacct (accounting on) is read too; squeue wins over it for a live task.
        const auto seen = SlurmJob::parseScheduler("A|50_1|CANCELLED by 0\nA|50_2|COMPLETED\nQ|50_2|RUNNING|None\n");
        QCOMPARE(seen.value(QStringLiteral("50_1")).state, QStringLiteral("CANCELLED"));
        QCOMPARE(seen.value(QStringLiteral("50_2")).state, QStringLiteral("RUNNING"));
        for (const char* s : { "PREEMPTED", "NODE_FAIL", "CANCELLED", "OUT_OF_MEMORY" })
            QCOMPARE(SlurmJob::phaseFor(QLatin1String(s)), Phase::Failed);
        QCOMPARE(SlurmJob::phaseFor(QStringLiteral("PENDING")), Phase::Queued);
        QCOMPARE(SlurmJob::phaseFor(QStringLiteral("COMPLETING")), Phase::Running);
    }
};

QTEST_GUILESS_MAIN(TestSlurmJob)
#include "TestSlurmJob.moc"
