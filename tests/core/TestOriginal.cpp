// SPDX-License-Identifier: MIT
// Folders made for the original Logistician, without the engine: the gpus key
// and nvidia-docker as docker argv, /project at the Git top level and a Git
// repository at the commit for --clone, OPTIONS through docker's environment,
// --data_readonly, create --base, the config import's validation, the GPU AMI
// family, and the three example folders loading with the commands they get.
#include "Docker.h"
#include "Experiment.h"
#include "LocalRun.h"
#include "OriginalProject.h"
#include "Parameters.h"
#include "aws/Terraform.h"
#include "deploy/Deployment.h"
#include "git/GitRepository.h"
#include "original/BaseExperiment.h"
#include "original/OriginalConfig.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestOriginal : public QObject
{
    Q_OBJECT
private:
    static QString git(const QString& dir, const QStringList& args)
    {
        QProcess p;
        p.setWorkingDirectory(dir);
        p.start(QStringLiteral("git"), args);
        p.waitForFinished(30000);
        return p.exitCode() == 0 ? QString::fromUtf8(p.readAllStandardOutput()).trimmed() : QStringLiteral("<failed>");
    }
    // The words after the image in a docker run argv: what the container is told to run.
    static QStringList afterImage(const Command& c, const QString& image)
    {
        const int at = static_cast<int>(c.arguments.indexOf(image));
        return at < 0 ? QStringList { QStringLiteral("<no image>") } : c.arguments.mid(at + 1);
    }

private Q_SLOTS:
    void gpusIsValidatedWithItsPosition()
    {
        Result error;
        error = Parameters::parse(R"({"experiment_name": "a", "gpus": 2})", "parameters.json").error();
        QVERIFY(error.isOk());
        QCOMPARE(Parameters::parse(R"({"experiment_name": "a", "gpus": "all"})", "p")->gpus(), QStringLiteral("all"));
        for (const char* bad : { R"({"experiment_name": "a",
  "gpus": 0})",
                                 R"({"experiment_name": "a",
  "gpus": "--privileged"})",
                                 R"({"experiment_name": "a",
  "gpus": 1.5})",
                                 R"({"experiment_name": "a",
  "gpus": "2"})" }) {
            error = Parameters::parse(bad, "parameters.json").error();
            QVERIFY2(!error.isOk(), bad);
            QCOMPARE(error.location().line, 2);
            QCOMPARE(error.location().column, 11);
            QVERIFY(error.message().contains(QStringLiteral("gpus must be")));
        }
    }

    void nvidiaDockerBecomesDockerWithGpus()
    {
        Docker::RunSpec spec;
        spec.docker = QStringLiteral("nvidia-docker");
        spec.image = QStringLiteral("img");
        Command c = Docker::run(spec);
        QCOMPARE(c.program, QStringLiteral("docker"));
        QVERIFY(c.arguments.join(' ').contains(QStringLiteral("--gpus all")));
        spec.docker = QStringLiteral("sudo nvidia-docker");
        c = Docker::run(spec);
        QCOMPARE(c.program, QStringLiteral("sudo"));
        QCOMPARE(c.arguments.value(0), QStringLiteral("docker"));
        QVERIFY(c.arguments.join(' ').contains(QStringLiteral("--gpus all")));
        // The gpus key decides the count; plain docker without it asks for none.
        spec.gpus = QStringLiteral("2");
        QVERIFY(Docker::run(spec).arguments.join(' ').contains(QStringLiteral("--gpus 2")));
        spec.docker = QStringLiteral("docker");
        QVERIFY(Docker::run(spec).arguments.join(' ').contains(QStringLiteral("--gpus 2")));
        spec.gpus.clear();
        QVERIFY(!Docker::run(spec).arguments.contains(QStringLiteral("--gpus")));
        QCOMPARE(Docker::build(QStringLiteral("nvidia-docker"), "ctx", "t").program, QStringLiteral("docker"));
    }

    void originalFolderRunsTheImageCmdWithOptionsInTheEnvironment()
    {
        OriginalProject project;
        Experiment experiment;
        const auto openedExperiment = Experiment::open(project.experimentDir("addition"));
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;
        QVERIFY(experiment.parameters().isOriginalStyle());
        // The Git top level, not examples/addition (the folder holding experiments/).
        QCOMPARE(experiment.projectRoot(), QDir(project.root()).canonicalPath());

        LocalRun::Options options;
        options.optionsText = QStringLiteral("1 2; touch /tmp/x $(id)");
        options.arguments = QStringList { "ignored" };
        LocalRun run(experiment, options);
        QVERIFY2(run.prepare(), "prepare");
        const Command& c = run.command();
        // Nothing after the image: its own CMD runs. OPTIONS is named in argv, its value only in the environment.
        QCOMPARE(afterImage(c, experiment.imageTag()), QStringList());
        QCOMPARE(c.arguments.at(c.arguments.indexOf(QStringLiteral("-e")) + 1), QStringLiteral("OPTIONS"));
        QCOMPARE(c.environment.value(QStringLiteral("OPTIONS")), options.optionsText);
        QVERIFY(!c.arguments.join(' ').contains(QStringLiteral("touch")));
        QVERIFY(c.arguments.contains(experiment.projectRoot() + QStringLiteral(":/project")));
    }

    void cloneMountsARepositoryAtTheCommit()
    {
        OriginalProject project;
        project.repo().writeFile(QStringLiteral("examples/addition/main.py"), "print('uncommitted')\n");
        Experiment experiment;
        const auto openedExperiment = Experiment::open(project.experimentDir("addition"));
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;
        LocalRun::Options options;
        options.clone = true;
        options.optionsText = QStringLiteral("1 2");
        LocalRun run(experiment, options);
        QVERIFY(run.prepare());
        const QStringList args = run.command().arguments;
        QString mounted;
        for (const QString& a : args) {
            if (a.endsWith(QLatin1String(":/project")))
                mounted = a.chopped(9);
        }
        QVERIFY(!mounted.isEmpty());
        QVERIFY(mounted != experiment.projectRoot());
        QCOMPARE(git(mounted, { "rev-parse", "HEAD" }), project.commit());
        QVERIFY(git(mounted, { "log", "-1" }).contains(QStringLiteral("experiments in the original format")));
        QCOMPARE(git(mounted, { "status", "--porcelain", "--untracked-files=no" }), QString());
        QFile main(mounted + "/examples/addition/main.py");
        QVERIFY(main.open(QIODevice::ReadOnly));
        QVERIFY(!main.readAll().contains("uncommitted"));
        QVERIFY(QFileInfo::exists(mounted + "/examples/addition/experiments/1/Dockerfile"));
    }

    void dataReadOnlyMountsTheFolderReadOnly()
    {
        OriginalProject project;
        QTemporaryDir data;
        Experiment experiment;
        const auto openedExperiment = Experiment::open(project.experimentDir("addition"));
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;
        LocalRun::Options options;
        options.dataReadOnly = data.path();
        LocalRun run(experiment, options);
        QVERIFY(run.prepare());
        QVERIFY(run.command().arguments.contains(data.path() + QStringLiteral(":/data:ro")));
        options.dataReadOnly = data.path() + QStringLiteral("/missing");
        QCOMPARE(LocalRun(experiment, options).validate().exitCode(), 2);
        QVERIFY(QDir().mkpath(data.path() + QStringLiteral("/a:b")));
        options.dataReadOnly = data.path() + QStringLiteral("/a:b");
        QCOMPARE(LocalRun(experiment, options).validate().exitCode(), 2);
    }

    void shellWithoutVolumeMountsNoProject()
    {
        OriginalProject project;
        Experiment experiment;
        const auto openedExperiment = Experiment::open(project.experimentDir("addition"));
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;
        LocalRun::Options options;
        options.interactiveShell = true;
        options.noVolume = true;
        LocalRun run(experiment, options);
        QVERIFY(run.prepare());
        QVERIFY(!run.command().arguments.join(' ').contains(QStringLiteral(":/project")));
        QCOMPARE(afterImage(run.command(), experiment.imageTag()), QStringList { QStringLiteral("bash") });
    }

    void commandStyleFoldersAreUnchanged()
    {
        OriginalProject project;
        const QString dir = project.experimentDir("addition");
        QFile file(dir + "/parameters.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        auto params = Parameters::parse(file.readAll(), "p");
        file.close();
        params->setExperimentCommand(QStringLiteral("python examples/addition/main.py"));
        QVERIFY(params->save(dir + "/parameters.json"));
        Experiment experiment;
        const auto openedExperiment = Experiment::open(dir);
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;
        QVERIFY(!experiment.parameters().isOriginalStyle());
        QCOMPARE(experiment.projectRoot(), QDir(project.root()).canonicalPath() + QStringLiteral("/examples/addition"));
        LocalRun::Options options;
        options.arguments = QStringList { "1", "2" };
        options.optionsText = QStringLiteral("1 2");
        LocalRun run(experiment, options);
        QVERIFY(run.prepare());
        QCOMPARE(afterImage(run.command(), experiment.imageTag()),
                 (QStringList { "python", "examples/addition/main.py", "1", "2" }));
        QVERIFY(!run.command().environment.contains(QStringLiteral("OPTIONS")));
    }

    void theOtherExamplesLoadWithTheirPlans()
    {
        OriginalProject project;
        for (const char* example : { "webppl", "pytorch-gpu" }) {
            Experiment experiment;
            const auto openedExperiment = Experiment::open(project.experimentDir(example));
            const Result opened = openedExperiment.error();
            experiment = openedExperiment.valueOr(Experiment());
            QVERIFY2(opened, qPrintable(opened.message()));
            QVERIFY(experiment.parameters().isOriginalStyle());
            QCOMPARE(experiment.parameters().allConditions().size(), 3);
            Deployment deployment(experiment);
            DeployOptions local;
            local.backend = QStringLiteral("local");
            const Deployment::Plan plan = deployment.plan(local);
            QVERIFY2(plan.check, qPrintable(plan.check.message()));
            QCOMPARE(plan.conditionCount, 3);
        }
        // pytorch-gpu: the original's nvidia-docker on the remote side is docker --gpus all there; locally plain
        // docker.
        Experiment gpu;
        const auto openedGpu = Experiment::open(project.experimentDir("pytorch-gpu"));
        QVERIFY(openedGpu);
        gpu = *openedGpu;
        const Parameters& p = gpu.parameters();
        QCOMPARE(Docker::gpusFor(p.remoteDockerCommand(), p.gpus()), QStringLiteral("all"));
        QCOMPARE(Docker::gpusFor(p.localDockerCommand(), p.gpus()), QString());
        LocalRun::Options options;
        options.optionsText = QStringLiteral("--lr 0.1");
        LocalRun run(gpu, options);
        QVERIFY(run.prepare());
        QVERIFY(!run.command().arguments.contains(QStringLiteral("--gpus")));
        QCOMPARE(run.command().environment.value(QStringLiteral("OPTIONS")), QStringLiteral("--lr 0.1"));
    }

    void gpuRunsGetAGpuReadyAmiUnlessOneIsNamed()
    {
        const Terraform::AmiFamily gpu = Terraform::defaultAmi(true);
        QCOMPARE(gpu.owner, QStringLiteral("898082745236"));
        QVERIFY(gpu.namePattern.startsWith(QStringLiteral("Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu")));
        QCOMPARE(gpu.user, QStringLiteral("ubuntu"));
        DeploymentState state;
        DeploymentState::Condition c;
        c.index = 1;
        c.text = QStringLiteral("--lr 0.1");
        c.slug = QStringLiteral("c1-lr-0.1");
        state.conditions << c;
        Terraform::Settings settings;
        settings.region = QStringLiteral("us-west-1");
        settings.instanceType = QStringLiteral("g4dn.xlarge");
        settings.gpu = true;
        QJsonObject config = Terraform::configuration(QStringLiteral("x"), state, settings);
        const QJsonObject ami = config.value("data").toObject().value("aws_ami").toObject().value("gpu").toObject();
        QCOMPARE(ami.value("owners").toArray().first().toString(), gpu.owner);
        QCOMPARE(ami.value("filter").toArray().first().toObject().value("values").toArray().first().toString(),
                 gpu.namePattern);
        const QJsonObject instance
            = config.value("resource").toObject().value("aws_instance").toObject().begin().value().toObject();
        QCOMPARE(instance.value("ami").toString(), QStringLiteral("${data.aws_ami.gpu.id}"));
        // aws_ami stays the override.
        settings.ami = QStringLiteral("ami-0123456789abcdef0");
        config = Terraform::configuration(QStringLiteral("x"), state, settings);
        QVERIFY(!config.contains("data"));
        settings.ami.clear();
        settings.gpu = false;
        config = Terraform::configuration(QStringLiteral("x"), state, settings);
        QVERIFY(config.value("data").toObject().value("aws_ami").toObject().contains("debian"));
    }

    void machinesFileKeepsTheOriginalsFormat()
    {
        // The original's sync read "IP, condition" per line.
        DeploymentState state;
        state.hosts << DeploymentState::Host::at("ubuntu@54.153.54.33", "/home/ubuntu")
                    << DeploymentState::Host::at("ubuntu@54.153.54.34:2222", "/home/ubuntu");
        const QStringList texts { "1 2", "--lr 0.1 --name 'a b'" };
        for (int i = 0; i < 2; ++i) {
            DeploymentState::Condition c;
            c.index = i + 1;
            c.text = texts.at(i);
            c.host = state.hosts.at(i).address;
            state.conditions << c;
        }
        QTemporaryDir dir;
        QVERIFY(state.writeMachinesFile(dir.filePath("machines.txt")));
        QFile file(dir.filePath("machines.txt"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("54.153.54.33, 1 2\n54.153.54.34, --lr 0.1 --name 'a b'\n"));
    }

    void createFromABaseKeepsItsFilesWithTheNewName()
    {
        OriginalProject project;
        ExperimentCreator::Options options;
        options.projectRoot = project.root() + QStringLiteral("/examples/addition");
        options.name = QStringLiteral("addition-2");
        options.dir = project.root() + QStringLiteral("/examples/addition/experiments/2");
        options.baseDir = project.experimentDir("addition");
        const ResultOf<ExperimentCreator::Created> created = ExperimentCreator::create(options);
        QVERIFY2(created, qPrintable(created.message()));
        const QString dir = created->experimentDir;
        QCOMPARE(dir, options.dir);
        Experiment experiment;
        const auto openedExperiment = Experiment::open(dir);
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;
        QCOMPARE(experiment.parameters().experimentName(), QStringLiteral("addition-2"));
        QCOMPARE(experiment.parameters().allConditions().size(), 4);
        QVERIFY(experiment.parameters().isOriginalStyle());
        QFile a(dir + "/Dockerfile"), b(options.baseDir + "/Dockerfile");
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), b.readAll());
        // Never over an existing folder.
        options.name = QStringLiteral("addition-3");
        QCOMPARE(ExperimentCreator::create(options).exitCode(), 2);
        QCOMPARE(BaseExperiment::targetDir("exp-4", "/p", "/w"), QStringLiteral("/p/experiments/exp-4"));
        QCOMPARE(BaseExperiment::targetDir("./x/exp-4", "/p", "/w"), QStringLiteral("/w/x/exp-4"));
    }

    void originalConfigIsValidatedBeforeImport()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        auto write = [&](const QByteArray& text) {
            QFile f(path);
            f.open(QIODevice::WriteOnly);
            f.write(text);
        };
        write(
            R"({"aws_access_key": "AKIAABCDEFGHIJKLMNOP", "aws_secret_key": "abcdEFGH1234/+abcdEFGH1234abcdEFGH123456",
                  "docker_username": "jane", "docker_repository": "experiments"})");
        Result error;
        const auto values = OriginalConfig::read(path);
        error = values.error();
        QVERIFY2(values, qPrintable(error.message()));
        QCOMPARE(values->dockerRepository, QStringLiteral("experiments"));
        QCOMPARE(OriginalConfig::registryFor(*values), QStringLiteral("docker.io/jane"));
        for (const QByteArray& bad :
             { QByteArray(R"({"docker_username": "--config=/tmp/x"})"), QByteArray(R"({"docker_repository": "a b"})"),
               QByteArray(R"({"aws_access_key": "AKIA\nX"})"), QByteArray("[1]") }) {
            write(bad);
            error = OriginalConfig::read(path).error();
            QVERIFY2(!error, bad.constData());
            QVERIFY(error.message().startsWith(path + ": "));
            QCOMPARE(error.location().file, path);
            QCOMPARE(error.kind(), Result::Kind::BadInput);
        }
    }
};

QTEST_GUILESS_MAIN(TestOriginal)
#include "TestOriginal.moc"
