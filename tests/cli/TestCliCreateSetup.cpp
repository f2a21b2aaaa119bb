// SPDX-License-Identifier: MIT
#include "CliProcess.h"
#include "CredentialStore.h"
#include "Parameters.h"
#include "ScratchRepository.h"
#include "TestKeychain.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

class TestCliCreateSetup : public QObject
{
    Q_OBJECT
private:
    static QString read(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

private Q_SLOTS:
    void createWritesFromTemplates()
    {
        ScratchRepository repo;
        repo.writeFile("README", "x");
        repo.commitAll();
        const QString origin = repo.addBareOrigin();
        QDir().mkpath(repo.filePath("src/deep"));
        // Run from a subfolder: the experiment goes to the project root's experiments/.
        const CliResult r
            = CliProcess::run({ "create", "sweep-1", "--command", "python3 train.py", "--template", "python" },
                              repo.filePath("src/deep"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString dir = repo.filePath("experiments/sweep-1");
        QCOMPARE(r.out.trimmed(), QDir(dir).canonicalPath());
        Result error;
        const auto params = Parameters::load(dir + "/parameters.json");
        error = params.error();
        QVERIFY2(params, qPrintable(error.message()));
        QCOMPARE(params->experimentName(), QString("sweep-1"));
        QCOMPARE(params->experimentCommand(), QString("python3 train.py"));
        QVERIFY(params->json().contains("aws_ami_user")); // the original keys are all there
        // But no region or instance type: those of `setup` apply until the user writes one here.
        QVERIFY(!params->json().contains("aws_region"));
        QVERIFY(!params->json().contains("aws_instance_type"));
        const QString dockerfile = read(dir + "/Dockerfile");
        QVERIFY(dockerfile.contains("FROM debian:bookworm-slim"));
        QVERIFY2(dockerfile.contains(origin), qPrintable(dockerfile)); // git URL defaults to origin
        QVERIFY(read(dir + "/.gitignore").contains(".logistician/"));

        // Refuses to overwrite, and leaves the files alone.
        const QString before = read(dir + "/parameters.json");
        const CliResult again = CliProcess::run({ "create", "sweep-1", "--git-url", "x" }, repo.path());
        QCOMPARE(again.exitCode, 2);
        QVERIFY2(again.err.contains("already exists"), qPrintable(again.err));
        QCOMPARE(read(dir + "/parameters.json"), before);

        // A name another experiment already uses (in another folder) is refused too.
        QVERIFY(QDir().rename(dir, repo.filePath("experiments/renamed")));
        const CliResult dup = CliProcess::run({ "create", "sweep-1" }, repo.path());
        QCOMPARE(dup.exitCode, 2);
        QVERIFY2(dup.err.contains("already used by"), qPrintable(dup.err));

        const CliResult badName = CliProcess::run({ "create", "no spaces" }, repo.path());
        QCOMPARE(badName.exitCode, 2);
        const CliResult badTemplate = CliProcess::run({ "create", "ok", "--template", "nope" }, repo.path());
        QCOMPARE(badTemplate.exitCode, 2);
        QVERIFY(badTemplate.err.contains("available: python, shell"));
        QVERIFY(!QFileInfo::exists(repo.filePath("experiments/ok")));
    }

    void setupDefaultsReachANewExperiment()
    {
        // A region and type chosen in setup are what a new experiment deploys with.
        QTemporaryDir config;
        const QMap<QString, QString> env { { "XDG_CONFIG_HOME", config.path() },
                                           { "XDG_STATE_HOME", config.filePath("state") },
                                           { "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus" },
                                           { "AWS_ACCESS_KEY_ID", "" },
                                           { "AWS_SECRET_ACCESS_KEY", "" } };
        const CliResult setup = CliProcess::run({ "setup", "--non-interactive", "--skip-tool-check", "--aws-region",
                                                  "eu-west-1", "--aws-instance-type", "m5.large" },
                                                QString(), env);
        QVERIFY2(setup.exitCode == 0, qPrintable(setup.err));
        ScratchRepository repo;
        repo.writeFile("run.sh", "echo \"$@\"\n");
        repo.commitAll();
        const CliResult created = CliProcess::run({ "create", "regional" }, repo.path(), env);
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        const QString text = read(repo.filePath("experiments/regional/parameters.json"));
        QVERIFY2(!text.contains("\"aws_region\"") && !text.contains("\"aws_instance_type\""), qPrintable(text));
        repo.commitAll("the experiment");

        // deploy asks before it makes machines; without a terminal it only says what it would make.
        const QString summary = "2 EC2 instance(s) of type m5.large in eu-west-1";
        const QStringList aws { "--backend", "aws", "--ssh-cidr", "198.51.100.7/32", "experiments/regional" };
        const CliResult deploy = CliProcess::run(QStringList { "deploy" } + aws, repo.path(), env);
        QCOMPARE(deploy.exitCode, 2);
        QVERIFY2(deploy.err.contains(summary), qPrintable(deploy.err));
        // The dry run says the same first (whatever terraform, offline here, then makes of the configuration).
        const CliResult dryRun = CliProcess::run(QStringList { "deploy", "--dry-run" } + aws, repo.path(), env);
        QVERIFY2(dryRun.out.contains(summary), qPrintable(dryRun.out + dryRun.err));
    }

    void createAsksOnATerminal()
    {
        // `script` gives the binary a real terminal, so it prompts like the original tool.
        ScratchRepository repo;
        const QString origin = repo.addBareOrigin();
        const CliResult r
            = CliProcess::run({ "-q", "-e", "-c", CliProcess::binary() + " create --template shell", "/dev/null" },
                              repo.path(), {}, "bad name\nfirst\n\nsh run.sh --fast\n", 60000, "script");
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("Experiment name (globally unique)"), qPrintable(r.out));
        QVERIFY2(r.out.contains("is not a valid experiment name"), qPrintable(r.out));
        QVERIFY2(r.out.contains("Git remote URL [" + origin + "]"), qPrintable(r.out));
        Result error;
        const auto params = Parameters::load(repo.filePath("experiments/first/parameters.json"));
        error = params.error();
        QVERIFY2(params, qPrintable(error.message()));
        QCOMPARE(params->experimentCommand(), QString("sh run.sh --fast"));
        QVERIFY(read(repo.filePath("experiments/first/Dockerfile")).contains(origin));
    }

    void createRefusesATemplateOutsideTheTemplatesFolder()
    {
        // A complete template elsewhere, reached by a relative path out of the templates folder or an absolute one.
        QTemporaryDir elsewhere;
        QDir().mkpath(elsewhere.filePath("x"));
        QFile params(elsewhere.filePath("x/parameters.json"));
        QVERIFY(params.open(QIODevice::WriteOnly));
        params.write("{\"experiment_name\": \"t\", \"experiment_command\": \"echo pwned\"}\n");
        params.close();
        QFile docker(elsewhere.filePath("x/Dockerfile"));
        QVERIFY(docker.open(QIODevice::WriteOnly));
        docker.write("FROM debian:bookworm-slim\nRUN echo pwned\n");
        docker.close();
        const QString templates = qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + "/templates/experiment";
        QVERIFY(QFileInfo(templates).isDir());
        ScratchRepository repo;
        repo.writeFile("README", "x");
        repo.commitAll();
        for (const QString& name : { QDir(templates).relativeFilePath(elsewhere.filePath("x")), elsewhere.filePath("x"),
                                     QString("python/") }) {
            const CliResult r = CliProcess::run({ "create", "ok", "--template", name }, repo.path());
            QVERIFY2(r.exitCode == 2, qPrintable(name + ": " + r.err));
            QVERIFY2(r.err.contains("no template"), qPrintable(r.err));
            QVERIFY(!QFileInfo::exists(repo.filePath("experiments/ok")));
        }
    }

    void createOutsideGitIsBadInput()
    {
        QTemporaryDir dir;
        const CliResult r = CliProcess::run({ "create", "x" }, dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("is not inside a Git repository"));
        QVERIFY(QDir(dir.path()).isEmpty());
    }

    void createRefusesACommandThatWouldNotLoad()
    {
        // `--command` lands in parameters.json: the rule the loader applies holds here too.
        ScratchRepository repo;
        repo.writeFile("README", "x\n");
        repo.commitAll();
        const CliResult r = CliProcess::run({ "create", "quoted", "--command", "python3 'train.py" }, repo.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("the command \"python3 'train.py\": unbalanced single quote"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(repo.filePath("experiments/quoted")));
    }

    void setupStoresSecretsInTheKeychainOnly()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QFAIL("no D-Bus session: run the tests through scripts/test.sh, which starts the keychain");
        QTemporaryDir config;
        const QString service = TestKeychain::uniqueService();
        const QString secret = "s3cr3t-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
        const CliResult r = CliProcess::run({ "setup", "--non-interactive", "--registry", "127.0.0.1:5000",
                                              "--registry-user", "alice", "--skip-tool-check" },
                                            QString(),
                                            { { "XDG_CONFIG_HOME", config.path() },
                                              { "LOGISTICIAN_KEYCHAIN_SERVICE", service },
                                              { "LOGISTICIAN_REGISTRY_PASSWORD", secret } });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.out.contains(secret) && !r.err.contains(secret));
        QVERIFY(r.err.contains("Registry password: stored in the keychain"));

        // The SSH key exists with mode 0600; no file in the config folder holds the secret.
        const QString key = config.filePath("logistician/ssh-key");
        QVERIFY(QFileInfo::exists(key));
        QCOMPARE(QFileInfo(key).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup),
                 QFile::Permissions());
        QVERIFY(read(key).contains("OPENSSH PRIVATE KEY"));
        for (const QFileInfo& file : QDir(config.filePath("logistician")).entryInfoList(QDir::Files))
            QVERIFY2(!read(file.filePath()).contains(secret), qPrintable(file.filePath()));
        QVERIFY(read(config.filePath("logistician/settings.ini")).contains("127.0.0.1:5000"));

        // And the keychain really has it.
        qunsetenv("LOGISTICIAN_REGISTRY_PASSWORD");
        QCOMPARE(TestKeychain::read(service, CredentialStore::Secret::RegistryPassword).value, secret);
        QVERIFY(TestKeychain::remove(service, { CredentialStore::Secret::RegistryPassword }));

        // A second setup keeps the key.
        const QString keyBefore = read(key);
        const CliResult again
            = CliProcess::run({ "setup", "--non-interactive", "--skip-tool-check" }, QString(),
                              { { "XDG_CONFIG_HOME", config.path() }, { "LOGISTICIAN_KEYCHAIN_SERVICE", service } });
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(read(key), keyBefore);
    }

    void setupWithoutKeychainSaysUseEnvironment()
    {
        QTemporaryDir config;
        const CliResult r = CliProcess::run({ "setup", "--non-interactive", "--skip-tool-check" }, QString(),
                                            { { "XDG_CONFIG_HOME", config.path() },
                                              { "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus" },
                                              { "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE" } });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("not stored in the keychain; AWS_ACCESS_KEY_ID will be used from the environment"),
                 qPrintable(r.err));
        QVERIFY(!r.err.contains("AKIAEXAMPLE"));
    }

    void setupWithNoSessionBusAtAll()
    {
        // No session bus and no X display: D-Bus cannot even autolaunch one.
        QTemporaryDir config;
        const QString secret = "s3cr3t-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
        const CliResult r = CliProcess::run({ "setup", "--non-interactive", "--skip-tool-check" }, QString(),
                                            { { "XDG_CONFIG_HOME", config.path() },
                                              { "DBUS_SESSION_BUS_ADDRESS", "" },
                                              { "DISPLAY", "" },
                                              { "WAYLAND_DISPLAY", "" },
                                              { "LOGISTICIAN_REGISTRY_PASSWORD", secret } });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(
                     "not stored in the keychain; LOGISTICIAN_REGISTRY_PASSWORD will be used from the environment"),
                 qPrintable(r.err));
        QVERIFY(!r.err.contains(secret) && !r.out.contains(secret));
        QDirIterator it(config.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QVERIFY2(!read(path).contains(secret), qPrintable(path));
        }
    }

    void setupChecksTools()
    {
        QTemporaryDir config;
        const CliResult r = CliProcess::run({ "setup", "--non-interactive" }, QString(),
                                            { { "XDG_CONFIG_HOME", config.path() }, { "PATH", "/usr/bin:/bin" } });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QRegularExpression("git +git version")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QRegularExpression("ssh +OpenSSH")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QRegularExpression("terraform +missing: Debian does not ship it")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliCreateSetup)
#include "TestCliCreateSetup.moc"
