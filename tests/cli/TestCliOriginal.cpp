// SPDX-License-Identifier: MIT
// The original Logistician's verbs and files through the real binary:
// `setup --non-interactive` importing ~/.logistician/config.json (keys into
// the keychain, nothing in a file, the plain-text file deleted only when
// asked), and `create PATH --base EXPERIMENT`.
#include "CliProcess.h"
#include "OriginalProject.h"
#include "TestKeychain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

class TestCliOriginal : public QObject
{
    Q_OBJECT
private:
    static QByteArray read(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void setupImportsTheOriginalConfig()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QFAIL("no D-Bus session: run the tests through scripts/test.sh, which starts the keychain");
        QTemporaryDir home, config;
        const QString service = TestKeychain::uniqueService();
        const QString original = home.filePath(".logistician/config.json");
        QDir().mkpath(QFileInfo(original).absolutePath());
        const QByteArray secret = "origSecret0123456789/+origSecret01234567";
        QFile f(original);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"aws_access_key\": \"AKIAORIGINALCLI00001\", \"aws_secret_key\": \"" + secret
                + "\", \"docker_username\": \"jane\", \"docker_repository\": \"experiments\"}");
        f.close();
        const QMap<QString, QString> env { { "HOME", home.path() },
                                           { "XDG_CONFIG_HOME", config.path() },
                                           { "LOGISTICIAN_KEYCHAIN_SERVICE", service },
                                           { "AWS_ACCESS_KEY_ID", QString() },
                                           { "AWS_SECRET_ACCESS_KEY", QString() } };

        // Without --delete-original-config the file stays, and setup says it holds the keys.
        CliResult r = CliProcess::run({ "setup", "--non-interactive", "--skip-tool-check" }, QString(), env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.err.contains("imported AWS"));
        QVERIFY(r.err.contains("imported registry: docker.io/jane (user jane)"));
        QVERIFY(r.err.contains("imported image repository: experiments"));
        QVERIFY(r.err.contains("is left as it is"));
        QVERIFY(!r.err.contains(secret) && !r.out.contains(secret));
        QVERIFY(QFile::exists(original));
        QCOMPARE(TestKeychain::read(service, CredentialStore::Secret::AwsAccessKeyId).value,
                 QStringLiteral("AKIAORIGINALCLI00001"));
        QCOMPARE(TestKeychain::read(service, CredentialStore::Secret::AwsSecretAccessKey).value,
                 QString::fromUtf8(secret));
        const QByteArray settings = read(config.filePath("logistician/settings.ini"));
        QVERIFY(settings.contains("docker.io/jane") && settings.contains("experiments"));
        // No copy of it anywhere in the configuration folder.
        for (const QFileInfo& file : QDir(config.filePath("logistician")).entryInfoList(QDir::Files))
            QVERIFY2(!read(file.filePath()).contains(secret), qPrintable(file.filePath()));

        r = CliProcess::run({ "setup", "--non-interactive", "--skip-tool-check", "--delete-original-config" },
                            QString(), env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.err.contains("deleted " + original));
        QVERIFY(!QFile::exists(original));
        QVERIFY(TestKeychain::remove(
            service, { CredentialStore::Secret::AwsAccessKeyId, CredentialStore::Secret::AwsSecretAccessKey }));

        // A hostile value is refused with the file named, and nothing is imported.
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"docker_username": "--config=/tmp/x"})");
        f.close();
        r = CliProcess::run({ "setup", "--non-interactive", "--skip-tool-check" }, QString(), env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(original + ": docker_username"));
    }

    void createFromABaseByPath()
    {
        OriginalProject project;
        const QString base = project.experimentDir("addition");
        const CliResult r = CliProcess::run({ "create", "examples/addition/experiments/2", "--base",
                                              "examples/addition/experiments/1", "--non-interactive" },
                                            project.root());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString dir = project.root() + "/examples/addition/experiments/2";
        QCOMPARE(QDir(r.out.trimmed()).canonicalPath(), QDir(dir).canonicalPath());
        QCOMPARE(read(dir + "/Dockerfile"), read(base + "/Dockerfile"));
        const QByteArray params = read(dir + "/parameters.json");
        QVERIFY(params.contains("\"experiment_name\": \"2\""));
        QVERIFY(params.contains("100 200"));
        QVERIFY(!params.contains("experiment_command"));
        // Again: the folder exists now.
        QCOMPARE(CliProcess::run({ "create", "examples/addition/experiments/2", "--base",
                                   "examples/addition/experiments/1", "--non-interactive" },
                                 project.root())
                     .exitCode,
                 2);
        // A new-style folder by path, from the template.
        const CliResult fresh = CliProcess::run(
            { "create", "examples/addition/experiments/new-one", "--command", "sh run.sh", "--non-interactive" },
            project.root());
        QVERIFY2(fresh.exitCode == 0, qPrintable(fresh.err));
        QVERIFY(read(project.root() + "/examples/addition/experiments/new-one/parameters.json")
                    .contains("\"experiment_command\": \"sh run.sh\""));
    }
};

QTEST_GUILESS_MAIN(TestCliOriginal)
#include "TestCliOriginal.moc"
