// SPDX-License-Identifier: MIT
#include "CliProcess.h"
#include "TestProject.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

// docs/ci.md's job script, copied from the page, run for real on a tiny local
// experiment: it passes against a baseline the sweep meets and fails against one it misses.
class TestCiExample : public QObject
{
    Q_OBJECT
private:
    static QByteArray script()
    {
        QFile f(qEnvironmentVariable("LOGISTICIAN_DATA_DIR") + "/docs/ci.md");
        if (!f.open(QIODevice::ReadOnly))
            return {};
        const QByteArray text = f.readAll();
        const int begin = text.indexOf("```bash\n", text.indexOf("<!-- ci-sweep.sh begin -->"));
        const int end = text.indexOf("```\n<!-- ci-sweep.sh end -->");
        if (begin < 0 || end < begin)
            return {};
        return text.mid(begin + 8, end - begin - 8);
    }

    static int runScript(const QString& path, const QStringList& args, QString* output)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // The script calls `logistician` by name, as a CI job would.
        env.insert("PATH", QFileInfo(CliProcess::binary()).absolutePath() + ":" + env.value("PATH"));
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start("bash", QStringList { path } + args);
        p.waitForFinished(240000);
        *output = QString::fromUtf8(p.readAll());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private Q_SLOTS:
    void jobPassesAndFailsOnARegression()
    {
        const QByteArray text = script();
        QVERIFY2(text.contains("logistician deploy --backend local"), "no ci-sweep.sh block in docs/ci.md");
        TestProject project("sh train.sh");
        project.repo().writeFile("train.sh",
                                 "#!/bin/sh\n"
                                 "mkdir -p /data/results\n"
                                 "printf '{\"loss\": %s}\\n' \"$2\" > /data/results/metrics.json\n",
                                 true);
        project.setParameters({ { "experiment_conditions", QJsonArray { "--lr 0.3", "--lr 0.2" } } });
        project.repo().writeFile("ci-sweep.sh", text, true);
        project.repo().commitAll("train");
        const QString scriptPath = project.root() + "/ci-sweep.sh";

        QString out;
        QCOMPARE(runScript(scriptPath, { project.experimentDir(), "loss:min", "0.25" }, &out), 0);
        QVERIFY2(out.contains("best loss is 0.2 (c2-"), qPrintable(out));
        // The provenance columns: the commit and the image by ID, on this machine's engine.
        QVERIFY2(QRegularExpression("ci-sweep: commit [0-9a-f]{40}, image sha256:[0-9a-f]{64}, on local\n")
                     .match(out)
                     .hasMatch(),
                 qPrintable(out));

        // The same sweep against a stricter baseline: the job fails, naming the regression.
        QCOMPARE(runScript(scriptPath, { project.experimentDir(), "loss:min", "0.1" }, &out), 1);
        QVERIFY2(out.contains("loss regressed: 0.2 is worse than 0.1"), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestCiExample)
#include "TestCiExample.moc"
