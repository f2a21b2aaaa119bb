// SPDX-License-Identifier: MIT
// `setup` names the image a deploy makes, and a deploy makes that one: through the real binary, setup in
// a scratch configuration, then a real ssh deploy that builds and tags the image (and stops at the
// registry login, which has no registry to answer).
#include "CliProcess.h"
#include "TestProject.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestCliSetupImage : public QObject
{
    Q_OBJECT
private:
    // What setup says, and what the deploy built, for one configuration.
    void compare(const QStringList& setupArguments, const QByteArray& originalConfig, const QString& expected)
    {
        QTemporaryDir home;
        if (!originalConfig.isEmpty()) {
            QDir().mkpath(home.filePath(".logistician"));
            QFile f(home.filePath(".logistician/config.json"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(originalConfig);
        }
        QMap<QString, QString> env { { "HOME", home.path() },
                                     { "XDG_CONFIG_HOME", home.filePath("config") },
                                     { "LOGISTICIAN_REGISTRY_PASSWORD", QString() },
                                     { "AWS_ACCESS_KEY_ID", QString() },
                                     { "AWS_SECRET_ACCESS_KEY", QString() } };
        const CliResult setup = CliProcess::run(
            QStringList { "setup", "--non-interactive", "--skip-tool-check" } + setupArguments, QString(), env);
        QVERIFY2(setup.exitCode == 0, qPrintable(setup.err));
        const QRegularExpressionMatch said = QRegularExpression("\n  Image of a deploy: (\\S+) ").match(setup.err);
        QVERIFY2(said.hasMatch(), qPrintable(setup.err));
        QCOMPARE(said.captured(1), expected);
        const CliResult json
            = CliProcess::run(QStringList { "setup", "--json", "--skip-tool-check" } + setupArguments, QString(), env);
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        QVERIFY2(json.out.contains("\"image\":\"" + expected + "\""), qPrintable(json.out));

        TestProject project("sh args.sh");
        project.setParameters({ { "hosts", QJsonArray { "nobody@127.0.0.1:1" } } });
        const QString commit = project.repo().commitAll("hosts");
        QVERIFY(!commit.isEmpty());
        env.insert("LOGISTICIAN_REGISTRY_PASSWORD", "not-a-real-password");
        const CliResult deployed
            = CliProcess::run({ "deploy", "--backend", "ssh", "--yes", project.experimentDir() }, QString(), env);
        const QRegularExpressionMatch built
            = QRegularExpression("\n\\$ docker build (?:--label \\S+ )*-t (\\S+) ").match(deployed.err);
        QVERIFY2(built.hasMatch(), qPrintable(deployed.err));
        const QString image = built.captured(1);
        QProcess::execute("docker", { "rmi", "-f", "--no-prune", image });
        QString named = said.captured(1);
        named.replace("EXPERIMENT", project.name().toLower()).replace("COMMIT", commit.left(12));
        QCOMPARE(image, named);
        QVERIFY2(!deployed.err.contains("not-a-real-password"), qPrintable(deployed.err));
    }

private Q_SLOTS:
    void throughARegistry()
    {
        compare({ "--registry", "127.0.0.1:1/team", "--registry-user", "me" }, QByteArray(),
                "127.0.0.1:1/team/logistician/EXPERIMENT:COMMIT");
    }

    // The original's docker_repository: one repository, a tag per experiment and commit.
    void throughAnImageRepositoryOfItsOwn()
    {
        compare({ "--registry", "127.0.0.1:1" }, R"({"docker_username": "jane", "docker_repository": "experiments"})",
                "127.0.0.1:1/experiments:EXPERIMENT-COMMIT");
    }
};

QTEST_GUILESS_MAIN(TestCliSetupImage)
#include "TestCliSetupImage.moc"
