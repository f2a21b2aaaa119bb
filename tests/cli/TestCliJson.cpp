// SPDX-License-Identifier: MIT
#include "Checked.h"
#include "CliProcess.h"
#include "Experiment.h"
#include "TestProject.h"
#include "board/ResultsScanner.h"
#include "deploy/Deployment.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

// Every verb's --json through the real binary and the real Docker engine, checked
// field by field against the tables of docs/json.md; results against the GUI's
// compare model; logs -f following a running condition to its end.
class TestCliJson : public QObject
{
    Q_OBJECT
private:
    // docs/json.md: section ("status", "status.summary", "status.conditions[]") -> field -> type.
    QMap<QString, QMap<QString, QString>> m_doc;

    // The one document on stdout (one line), checked against the section's table.
    QJsonObject document(const CliResult& r, const QString& section)
    {
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (lines.size() != 1) {
            QTest::qFail(
                qPrintable(QStringLiteral("%1: stdout is not one line:\n%2\nstderr:\n%3").arg(section, r.out, r.err)),
                __FILE__, __LINE__);
            return {};
        }
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(lines.first().toUtf8(), &error);
        if (!doc.isObject()) {
            QTest::qFail(qPrintable(section + ": not a JSON object: " + error.errorString()), __FILE__, __LINE__);
            return {};
        }
        const QString problem = check(doc.object(), section);
        if (!problem.isEmpty())
            QTest::qFail(qPrintable(problem + "\n" + lines.first()), __FILE__, __LINE__);
        return problem.isEmpty() ? doc.object() : QJsonObject();
    }

    QString check(const QJsonObject& object, const QString& section) const
    {
        if (!m_doc.contains(section))
            return QStringLiteral("docs/json.md has no section \"%1\"").arg(section);
        const QMap<QString, QString>& fields = m_doc.value(section);
        for (const QString& key : object.keys()) {
            if (!fields.contains(key))
                return QStringLiteral("%1: field \"%2\" is not in docs/json.md").arg(section, key);
        }
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            if (!object.contains(it.key()))
                return QStringLiteral("%1: docs/json.md lists \"%2\", the output has none").arg(section, it.key());
            const QJsonValue v = object.value(it.key());
            const QString type = it.value();
            if (v.isNull() ? !type.contains("null")
                           : (v.isDouble() && !type.startsWith("number"))
                        || (v.isString() && !type.startsWith("string")) || (v.isBool() && !type.startsWith("bool"))
                        || (v.isArray() && type != "array") || (v.isObject() && type != "object" && type != "map"))
                return QStringLiteral("%1.%2: %3 is not of the documented type %4")
                    .arg(section, it.key(), QString::fromUtf8(QJsonDocument(QJsonArray { v }).toJson()), type);
            if (v.isObject() && type == "object") {
                const QString problem = check(v.toObject(), section + "." + it.key());
                if (!problem.isEmpty())
                    return problem;
            }
            if (v.isArray()) {
                for (const QJsonValue& e : v.toArray()) {
                    if (!e.isObject())
                        continue;
                    const QString problem = check(e.toObject(), section + "." + it.key() + "[]");
                    if (!problem.isEmpty())
                        return problem;
                }
            }
        }
        return QString();
    }

    // What the engine itself says the image's ID is.
    static QString imageId(const QString& image)
    {
        QProcess docker;
        docker.start("docker", { "image", "inspect", "--format", "{{.Id}}", image });
        docker.waitForFinished(30000);
        return QString::fromUtf8(docker.readAllStandardOutput()).trimmed();
    }

    static bool isUtcTime(const QJsonValue& v)
    {
        return v.isString() && v.toString().endsWith('Z') && QDateTime::fromString(v.toString(), Qt::ISODate).isValid();
    }

    // config/provenance.json of a run folder, checked against docs/json.md's provenance section.
    QJsonObject provenanceFile(const QString& folder)
    {
        QFile f(folder + "/config/provenance.json");
        if (!f.open(QIODevice::ReadOnly)) {
            QTest::qFail(qPrintable(f.fileName() + " is missing"), __FILE__, __LINE__);
            return {};
        }
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        const QString problem = check(o, "provenance");
        if (!problem.isEmpty())
            QTest::qFail(qPrintable(problem), __FILE__, __LINE__);
        return o;
    }

    static QJsonObject conditionOf(const QJsonObject& doc, int n)
    {
        return doc.value("conditions").toArray().at(n - 1).toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QFile f(qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + "/docs/json.md");
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        QString section;
        const QRegularExpression heading("^#{2,3} (\\S+)$");
        const QRegularExpression row("^\\| `([a-z_]+)` \\| ([^|]+) \\|");
        for (const QString& line : QString::fromUtf8(f.readAll()).split('\n')) {
            if (const auto m = heading.match(line); m.hasMatch())
                section = m.captured(1);
            else if (const auto r = row.match(line); r.hasMatch() && !section.isEmpty())
                m_doc[section].insert(r.captured(1), r.captured(2).trimmed());
        }
        for (const char* verb : { "error", "setup", "create", "build", "run", "shell", "deploy", "status", "logs",
                                  "sync", "terminate", "list", "results" })
            QVERIFY2(m_doc.contains(verb), verb);
    }

    void everyVerbOnALocalSweep()
    {
        TestProject project("sh work.sh");
        project.repo().writeFile("work.sh",
                                 "#!/bin/sh\n"
                                 "lr=$2; code=$4\n"
                                 "echo \"start $lr\"\n"
                                 "sleep 4\n"
                                 "mkdir -p /data/results/more\n"
                                 "printf '{\"loss\": %s, \"train\": {\"acc\": [0.1, 0.9]}}\\n' \"$lr\" > "
                                 "/data/results/metrics.json\n"
                                 "printf 'epoch,val\\n1,0.5\\n2,%s\\n' \"$lr\" > /data/results/more/history.csv\n"
                                 "echo \"end $lr\"\n"
                                 "exit \"$code\"\n",
                                 true);
        project.setParameters({ { "experiment_conditions", QJsonArray { "--lr 0.1 --exit 0", "--lr 0.5 --exit 3" } } });
        project.repo().commitAll("work");
        const QString dir = project.experimentDir();

        const CliResult built = CliProcess::run({ "build", "--json", dir });
        QCOMPARE(built.exitCode, 0);
        QCOMPARE(document(built, "build").value("image").toString(), project.image());

        const CliResult ran = CliProcess::run({ "run", "--json", dir, "--condition", "2" });
        QCOMPARE(ran.exitCode, 3);
        QVERIFY2(ran.err.contains("end 0.5"), qPrintable(ran.err)); // the container's output, on stderr
        QCOMPARE(document(ran, "run").value("exit_code").toInt(), 3);

        const CliResult deployed = CliProcess::run({ "deploy", "--json", "--backend", "local", "--yes", dir });
        QCOMPARE(deployed.exitCode, 0);
        const QJsonObject deployDoc = document(deployed, "deploy");
        QCOMPARE(deployDoc.value("backend").toString(), QString("local"));
        QCOMPARE(deployDoc.value("conditions").toArray().size(), 2);

        // logs -f follows condition 2 while it sleeps, to its end, and exits with its code.
        const CliResult followed = CliProcess::run({ "logs", dir, "2", "-f" });
        QCOMPARE(followed.exitCode, 3);
        QVERIFY2(followed.out.contains("start 0.5\n") && followed.out.contains("end 0.5\n"), qPrintable(followed.out));

        const CliResult watched = CliProcess::run({ "status", "--json", "--watch", "--interval", "1", dir });
        QCOMPARE(watched.exitCode, 1); // condition 2 failed
        const QJsonObject status = document(watched, "status");
        QCOMPARE(conditionOf(status, 1).value("state").toString(), QString("succeeded"));
        QCOMPARE(conditionOf(status, 2).value("exit_code").toInt(), 3);
        const QJsonObject summary = status.value("summary").toObject();
        QCOMPARE(summary.value("succeeded").toInt(), 1);
        QCOMPARE(summary.value("failed").toInt(), 1);
        QCOMPARE(summary.value("cost_usd").toDouble(), 0.0);
        // logs --json: the lines in one document; with -f the condition's exit code, the lines also on stderr.
        const CliResult logged = CliProcess::run({ "logs", "--json", dir, "2" });
        QCOMPARE(logged.exitCode, 0);
        const QJsonObject logDoc = document(logged, "logs");
        QCOMPARE(logDoc.value("lines").toArray(), (QJsonArray { "start 0.5", "end 0.5" }));
        QCOMPARE(logDoc.value("condition_exit_code").toInt(), 3);
        QCOMPARE(logDoc.value("state").toString(), QString("failed"));
        QCOMPARE(logDoc.value("slug").toString(), conditionOf(status, 2).value("slug").toString());
        const CliResult followedJson = CliProcess::run({ "logs", "--json", "-f", dir, "2" });
        QCOMPARE(followedJson.exitCode, 3);
        QCOMPARE(document(followedJson, "logs").value("exit_code").toInt(), 3);
        QCOMPARE(document(followedJson, "logs").value("lines").toArray(), (QJsonArray { "start 0.5", "end 0.5" }));
        QVERIFY2(followedJson.err.contains("end 0.5\n"), qPrintable(followedJson.err));
        // The table opens with the same summary line.
        const CliResult table = CliProcess::run({ "status", dir });
        QCOMPARE(table.out.section('\n', 0, 0), summary.value("line").toString());
        QVERIFY(table.out.startsWith("2 of 2 done, 1 failed · "));

        const CliResult results = CliProcess::run({ "results", "--json", dir });
        QCOMPARE(results.exitCode, 0);
        const QJsonObject resultsDoc = document(results, "results");
        const QJsonArray rows = resultsDoc.value("rows").toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(resultsDoc.value("metrics").toArray(), (QJsonArray { "epoch", "loss", "train.acc", "val" }));
        QCOMPARE(rows.at(1).toObject().value("metrics").toObject().value("loss").toDouble(), 0.5);
        QCOMPARE(rows.at(1).toObject().value("exit_code").toInt(), 3);
        QCOMPARE(resultsDoc.value("source").toString(), QString("deployment"));

        // Provenance: each row traces back to the commit, the image by its ID on this engine, the host,
        // the container's exact command and the wrapper's times.
        const QString id = imageId(rows.at(0).toObject().value("image").toString());
        QVERIFY2(id.startsWith("sha256:"), qPrintable(id));
        for (int r = 0; r < 2; ++r) {
            const QJsonObject row = rows.at(r).toObject();
            const QString lr = r == 0 ? "0.1" : "0.5";
            QCOMPARE(row.value("image_id").toString(), id);
            QVERIFY(row.value("repo_digest").isNull()); // never pushed
            QCOMPARE(row.value("host").toString(), QString("local"));
            QVERIFY(row.value("instance_id").isNull());
            QCOMPARE(row.value("argv").toArray(),
                     (QJsonArray { "sh", "/logistician/run.sh", "sh", "work.sh", "--lr", lr, "--exit",
                                   r == 0 ? "0" : "3" }));
            QVERIFY(row.value("options").isNull());
            QVERIFY2(isUtcTime(row.value("started_at")) && isUtcTime(row.value("finished_at")),
                     qPrintable(QJsonDocument(row).toJson()));
            QVERIFY(row.value("started_at").toString() < row.value("finished_at").toString()); // sleep 4
            QCOMPARE(row.value("logistician_version").toString(), QString(LOGISTICIAN_VERSION));
            QCOMPARE(row.value("dirty").toBool(), false);
            // The file itself: the deploy-time part; the wrapper's times and code are in logs/.
            const QJsonObject file = provenanceFile(row.value("data_dir").toString());
            QCOMPARE(file.value("image_id").toString(), id);
            QCOMPARE(file.value("commit").toString(), row.value("commit").toString());
            QCOMPARE(file.value("argv"), row.value("argv"));
            QCOMPARE(file.value("condition").toString(), row.value("condition").toString());
            QVERIFY(file.value("exit_code").isNull());
        }

        // The same rows as the desktop app's compare model on the same folder.
        Experiment experiment;
        const auto openedExperiment = Experiment::open(dir);
        QVERIFY(openedExperiment);
        experiment = *openedExperiment;
        Deployment deployment(experiment);
        QVERIFY(deployment.load());
        ResultsModel model;
        model.setResults(ResultsScanner::scan(ResultsScanner::inputsFor(deployment)));
        QCOMPARE(model.rowCount(), rows.size());
        QCOMPARE(model.keys(), (QStringList { "lr", "exit" }));
        for (int r = 0; r < model.rowCount(); ++r) {
            const QJsonObject row = rows.at(r).toObject();
            QCOMPARE(model.data(model.index(r, 0), ResultsModel::SlugRole).toString(), row.value("slug").toString());
            QCOMPARE(model.data(model.index(r, 1)).toString(), row.value("keys").toObject().value("lr").toString());
            QCOMPARE(model.data(model.index(r, 2)).toString(), row.value("keys").toObject().value("exit").toString());
            for (int m = 0; m < model.metrics().size(); ++m) {
                const QVariant number = model.data(model.index(r, 3 + m), ResultsModel::NumberRole);
                QVERIFY(number.isValid());
                QCOMPARE(number.toDouble(), row.value("metrics").toObject().value(model.metrics().at(m)).toDouble(-1));
            }
        }
        const CliResult best = CliProcess::run({ "results", "--best", "loss:max", "--format", "csv", dir });
        QCOMPARE(best.exitCode, 0);
        QCOMPARE(best.out.split('\n', Qt::SkipEmptyParts).size(), 2);
        QVERIFY2(best.out.startsWith("condition,lr,exit,epoch,loss,train.acc,val,state,attempt,exit_code,elapsed_"
                                     "seconds,commit,image_id,host\n"),
                 qPrintable(best.out));
        QVERIFY2(best.out.section('\n', 1, 1)
                     .startsWith(rows.at(1).toObject().value("slug").toString() + ",0.5,3,2,0.5,0.9,0.5,failed,1,3,"),
                 qPrintable(best.out));
        QVERIFY2(
            best.out.trimmed().endsWith("," + rows.at(1).toObject().value("commit").toString() + "," + id + ",local"),
            qPrintable(best.out));
        const CliResult shown = CliProcess::run({ "results", dir });
        QVERIFY2(shown.out.section('\n', 0, 0).endsWith("commit        image_id             host"),
                 qPrintable(shown.out));
        QVERIFY2(shown.out.section('\n', 1, 1).endsWith(id.left(19) + "  local"), qPrintable(shown.out));
        QCOMPARE(CliProcess::run({ "results", "--best", "nothing:min", dir }).exitCode, 1);
        QCOMPARE(CliProcess::run({ "results", "--best", "loss", dir }).exitCode, 2);

        const CliResult synced = CliProcess::run({ "sync", "--json", dir });
        QCOMPARE(synced.exitCode, 0);
        QVERIFY(conditionOf(document(synced, "sync"), 1).value("synced").toBool());

        const CliResult listed = CliProcess::run({ "list", "--json" });
        QCOMPARE(listed.exitCode, 0);
        // Deploys enter the index with the runner's index hook (issue 13); the document is checked either way.
        QVERIFY(document(listed, "list").value("deployments").isArray());

        const CliResult terminated = CliProcess::run({ "terminate", "--json", "--yes", dir });
        QCOMPARE(terminated.exitCode, 0);
        QVERIFY(document(terminated, "terminate").value("terminated").toBool());
        // The container is gone; logs shows what terminate saved of it.
        const CliResult saved = CliProcess::run({ "logs", dir, "1" });
        QCOMPARE(saved.exitCode, 0);
        QVERIFY2(saved.out.contains("end 0.1"), qPrintable(saved.out + saved.err));
        const CliResult savedJson = CliProcess::run({ "logs", "--json", dir, "1" });
        QCOMPARE(savedJson.exitCode, 0);
        QVERIFY2(document(savedJson, "logs").value("lines").toArray().contains("end 0.1"), qPrintable(savedJson.out));

        // A failure before the verb's own document: the error document, the usual exit code.
        const CliResult failed = CliProcess::run({ "results", "--json", dir + "/no-such-folder" });
        QCOMPARE(failed.exitCode, 2);
        QVERIFY(!document(failed, "error").value("error").toString().isEmpty());
    }

    // setup, create and shell: each its document, everything else on stderr.
    void setupCreateAndShell()
    {
        QTemporaryDir home;
        const QMap<QString, QString> env { { "HOME", home.path() },
                                           { "XDG_CONFIG_HOME", home.filePath("config") },
                                           { "LOGISTICIAN_REGISTRY_PASSWORD", QString() },
                                           { "AWS_ACCESS_KEY_ID", QString() },
                                           { "AWS_SECRET_ACCESS_KEY", QString() } };
        const CliResult setup = CliProcess::run(
            { "setup", "--json", "--skip-tool-check", "--registry", "127.0.0.1:5000", "--registry-user", "me" },
            QString(), env);
        QVERIFY2(setup.exitCode == 0, qPrintable(setup.err));
        const QJsonObject setupDoc = document(setup, "setup");
        QCOMPARE(setupDoc.value("registry").toString(), QString("127.0.0.1:5000"));
        QCOMPARE(setupDoc.value("image").toString(), QString("127.0.0.1:5000/logistician/EXPERIMENT:COMMIT"));
        QCOMPARE(setupDoc.value("credentials").toObject().value("registry_password").toString(), QString("unchanged"));
        QVERIFY(setupDoc.value("ssh_key_created").toBool());
        QVERIFY(QFile::exists(setupDoc.value("ssh_key").toString()));

        TestProject project("sh args.sh");
        const CliResult created
            = CliProcess::run({ "create", "--json", "second-one", "--command", "sh args.sh" }, project.root(), env);
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        const QJsonObject createDoc = document(created, "create");
        QCOMPARE(createDoc.value("experiment_name").toString(), QString("second-one"));
        QVERIFY(QFile::exists(createDoc.value("experiment_dir").toString() + "/parameters.json"));
        QVERIFY(createDoc.value("base").isNull());
        const CliResult again = CliProcess::run({ "create", "--json", "second-one" }, project.root(), env);
        QCOMPARE(again.exitCode, 2);
        QCOMPARE(document(again, "error").value("verb").toString(), QString("create"));

        // shell: the session on stderr, its exit code in the document.
        const QString dir = project.experimentDir();
        QCOMPARE(CliProcess::run({ "build", dir }).exitCode, 0);
        const CliResult shell = CliProcess::run({ "shell", "--json", dir }, QString(), {}, "echo inside; exit 7\n");
        QCOMPARE(shell.exitCode, 7);
        const QJsonObject shellDoc = document(shell, "shell");
        QCOMPARE(shellDoc.value("exit_code").toInt(), 7);
        QVERIFY(QFileInfo(shellDoc.value("run_dir").toString()).isDir());
        QVERIFY2(shell.err.contains("inside\n"), qPrintable(shell.err));
    }

    // Nothing deployed: results reads the folders of `logistician run`, each with its provenance.
    void resultsOfPlainRuns()
    {
        TestProject project("sh work.sh");
        project.repo().writeFile("work.sh",
                                 "#!/bin/sh\n"
                                 "printf '{\"loss\": %s}\\n' \"$2\" > /data/results/metrics.json\n"
                                 "exit \"$4\"\n",
                                 true);
        project.setParameters({ { "experiment_conditions", QJsonArray { "--lr 0.1 --exit 0", "--lr 0.5 --exit 2" } } });
        const QString head = project.repo().commitAll("work");
        const QString dir = project.experimentDir();
        // Neither deployed nor run: the usual refusal.
        const CliResult nothing = CliProcess::run({ "results", "--json", dir });
        QCOMPARE(nothing.exitCode, 2);
        QVERIFY(!document(nothing, "error").value("error").toString().isEmpty());

        QCOMPARE(CliProcess::run({ "build", dir }).exitCode, 0);
        QCOMPARE(CliProcess::run({ "run", dir, "--condition", "1" }).exitCode, 0);
        QCOMPARE(CliProcess::run({ "run", dir, "--condition", "2" }).exitCode, 2);
        const CliResult results = CliProcess::run({ "results", "--json", "--sort", "loss", dir });
        QCOMPARE(results.exitCode, 0);
        const QJsonObject doc = document(results, "results");
        QCOMPARE(doc.value("source").toString(), QString("runs"));
        QCOMPARE(doc.value("keys").toArray(), (QJsonArray { "lr", "exit" }));
        const QJsonArray rows = doc.value("rows").toArray();
        QCOMPARE(rows.size(), 2);
        const QString id = imageId(project.image());
        QVERIFY2(id.startsWith("sha256:"), qPrintable(id));
        for (int r = 0; r < 2; ++r) {
            const QJsonObject row = rows.at(r).toObject();
            QVERIFY2(row.value("slug").toString().startsWith("local-"), qPrintable(row.value("slug").toString()));
            QCOMPARE(row.value("metrics").toObject().value("loss").toDouble(), r == 0 ? 0.1 : 0.5);
            QCOMPARE(row.value("exit_code").toInt(), r == 0 ? 0 : 2);
            QCOMPARE(row.value("state").toString(), QString(r == 0 ? "succeeded" : "failed"));
            QCOMPARE(row.value("image_id").toString(), id);
            QCOMPARE(row.value("host").toString(), QString("local"));
            QCOMPARE(row.value("argv").toArray(),
                     (QJsonArray { "sh", "work.sh", "--lr", r == 0 ? "0.1" : "0.5", "--exit", r == 0 ? "0" : "2" }));
            QVERIFY(isUtcTime(row.value("started_at")) && isUtcTime(row.value("finished_at")));
            QCOMPARE(row.value("commit").toString(), head);
            const QJsonObject file = provenanceFile(row.value("data_dir").toString());
            QCOMPARE(file.value("backend").toString(), QString("run"));
            QCOMPARE(file.value("exit_code").toInt(), r == 0 ? 0 : 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestCliJson)
#include "TestCliJson.moc"
