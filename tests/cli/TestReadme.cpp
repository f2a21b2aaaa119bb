// SPDX-License-Identifier: MIT
#include "CliProcess.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

// The README is a test: every fenced shell block of README.md (```sh, ```bash,
// ```console) runs, in order, in this test's own scratch HOME on the real engine,
// with the built binary as `logistician` on the PATH, exactly as the README
// says it; then docs/ci.md's job script runs on the sweep the README made. A
// block fails on a non-zero exit, or when a line its markers expect is missing.
//
// The markers are HTML comments on the lines right above a block's fence, so
// GitHub does not show them but a reader of the file does:
//   <!-- readme-test: expect "TEXT" -->   a line of the block's output (stdout
//                                         or stderr) must contain TEXT; repeatable
//   <!-- readme-test: skip "REASON" -->   the block is not run, for REASON
// Only shell blocks run: a usage synopsis or a layout is ```text (an untagged
// fence holding a `logistician` line is an error, so none is left ambiguous).
// In a ```console block the lines starting with "$ " are the commands and the
// other lines are expected output.
class TestReadme : public QObject
{
    Q_OBJECT
private:
    struct Block
    {
        QString file;
        int line = 0; // of the opening fence, 1-based
        QString language;
        QString body; // the commands
        QStringList expected;
        QString skipReason; // empty: run it
        QString where() const { return QStringLiteral("%1:%2 (```%3)").arg(file, QString::number(line), language); }
    };

    QTemporaryDir m_bin;
    QString m_problems;

    static QString dataDir() { return qEnvironmentVariable("LOGISTICIAN_DATA_DIR"); }

    static bool isShell(const QString& language)
    {
        return language == QLatin1String("sh") || language == QLatin1String("bash")
            || language == QLatin1String("console") || language == QLatin1String("shell");
    }

    // Every fenced block of a Markdown file, with the markers above it. Problems (a marker that
    // is not understood, an untagged block that calls logistician) go to *problems.
    static QList<Block> parse(const QString& path, QString* problems)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            *problems += path + ": cannot read\n";
            return {};
        }
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
        const QString name = QDir(dataDir()).relativeFilePath(path);
        static const QRegularExpression fence(QStringLiteral("^(\\s*)```([A-Za-z0-9_-]*)\\s*$"));
        static const QRegularExpression marker(
            QStringLiteral("^\\s*<!--\\s*readme-test:\\s*(\\w+)\\s+\"(.*)\"\\s*-->\\s*$"));
        QList<Block> blocks;
        QStringList pendingExpect;
        QString pendingSkip;
        for (int i = 0; i < lines.size(); ++i) {
            const QString& line = lines.at(i);
            if (line.trimmed().startsWith(QLatin1String("<!--")) && line.contains(QLatin1String("readme-test:"))) {
                const auto m = marker.match(line);
                if (!m.hasMatch()
                    || (m.captured(1) != QLatin1String("expect") && m.captured(1) != QLatin1String("skip"))
                    || m.captured(2).isEmpty()) {
                    *problems += QStringLiteral("%1:%2: not a readme-test marker: %3\n").arg(name).arg(i + 1).arg(line);
                    continue;
                }
                if (m.captured(1) == QLatin1String("expect"))
                    pendingExpect << m.captured(2);
                else
                    pendingSkip = m.captured(2);
                continue;
            }
            const auto open = fence.match(line);
            if (!open.hasMatch()) {
                if (!line.trimmed().isEmpty() && (!pendingExpect.isEmpty() || !pendingSkip.isEmpty())) {
                    *problems += QStringLiteral("%1:%2: a readme-test marker must be right above a fence\n")
                                     .arg(name)
                                     .arg(i + 1);
                    pendingExpect.clear();
                    pendingSkip.clear();
                }
                continue;
            }
            Block block;
            block.file = name;
            block.line = i + 1;
            block.language = open.captured(2);
            block.expected = pendingExpect;
            block.skipReason = pendingSkip;
            pendingExpect.clear();
            pendingSkip.clear();
            const QString indent = open.captured(1);
            QStringList body;
            for (++i; i < lines.size(); ++i) {
                if (lines.at(i).trimmed() == QLatin1String("```"))
                    break;
                body << (lines.at(i).startsWith(indent) ? lines.at(i).mid(indent.size()) : lines.at(i));
            }
            if (block.language == QLatin1String("console")) {
                QStringList commands;
                for (const QString& l : body) {
                    if (l.startsWith(QLatin1String("$ ")))
                        commands << l.mid(2);
                    else if (!l.trimmed().isEmpty())
                        block.expected << l.trimmed();
                }
                body = commands;
            }
            block.body = body.join(QLatin1Char('\n')) + QLatin1Char('\n');
            static const QRegularExpression callsLogistician(QStringLiteral("(^|\\n)\\s*(\\$ )?logistician\\b"));
            if (block.language.isEmpty() && block.body.contains(callsLogistician))
                *problems += QStringLiteral("%1: an untagged block with `logistician` lines: tag it ```sh to run "
                                            "it, or ```text for a synopsis that is not run\n")
                                 .arg(block.where());
            if (!isShell(block.language) && (!block.expected.isEmpty() || !block.skipReason.isEmpty()))
                *problems += QStringLiteral("%1: readme-test markers on a block that is not a shell block\n")
                                 .arg(block.where());
            blocks << block;
        }
        return blocks;
    }

    // Runs a script with bash -euo pipefail in HOME, `logistician` on the PATH; output merged.
    int runScript(const QString& script, QString* output, int timeoutMs = 20 * 60 * 1000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PATH"), m_bin.path() + QLatin1Char(':') + env.value(QStringLiteral("PATH")));
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(QDir::homePath());
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("bash"),
                { QStringLiteral("-euo"), QStringLiteral("pipefail"), QStringLiteral("-c"), script });
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished(10000);
            *output = QString::fromUtf8(p.readAll()) + QStringLiteral("\n(timed out)");
            return -1;
        }
        *output = QString::fromUtf8(p.readAll());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    static QString ciSweepScript()
    {
        QFile f(dataDir() + QStringLiteral("/docs/ci.md"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        const QString text = QString::fromUtf8(f.readAll());
        const int begin
            = text.indexOf(QLatin1String("```bash\n"), text.indexOf(QLatin1String("<!-- ci-sweep.sh begin -->")));
        const int end = text.indexOf(QLatin1String("```\n<!-- ci-sweep.sh end -->"));
        if (begin < 0 || end < begin)
            return {};
        return text.mid(begin + 8, end - begin - 8);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The built binary, by the name the README uses.
        QVERIFY(m_bin.isValid());
        QVERIFY(QFile::link(CliProcess::binary(), m_bin.filePath(QStringLiteral("logistician"))));
        QVERIFY2(QDir::homePath().startsWith(QDir::tempPath()), qPrintable(QDir::homePath())); // a scratch HOME
    }

    void markersAreUnderstood()
    {
        QString problems;
        const QList<Block> blocks = parse(dataDir() + QStringLiteral("/README.md"), &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        int shell = 0;
        for (const Block& b : blocks) {
            if (!isShell(b.language))
                continue;
            ++shell;
            qInfo().noquote() << (b.skipReason.isEmpty() ? QStringLiteral("runs   ") : QStringLiteral("skips  "))
                              << b.where()
                              << (b.skipReason.isEmpty() ? QString() : QStringLiteral(": ") + b.skipReason);
        }
        QVERIFY2(shell >= 2, "README.md has no shell blocks: the parser or the README changed");
    }

    void everyShellBlockOfTheReadmeRuns()
    {
        QString problems;
        const QList<Block> blocks = parse(dataDir() + QStringLiteral("/README.md"), &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        int ran = 0;
        for (const Block& b : blocks) {
            if (!isShell(b.language) || !b.skipReason.isEmpty())
                continue;
            QString output;
            const int code = runScript(b.body, &output);
            qInfo().noquote() << "ran" << b.where() << "->" << code;
            if (code != 0)
                qWarning().noquote() << "its output:\n" << output.right(20000);
            QVERIFY2(code == 0,
                     qPrintable(QStringLiteral("%1 exited with %2:\n%3\n%4")
                                    .arg(b.where())
                                    .arg(code)
                                    .arg(b.body, output.right(6000))));
            const QStringList outputLines = output.split(QLatin1Char('\n'));
            for (const QString& expected : b.expected) {
                const bool found = std::any_of(outputLines.begin(), outputLines.end(),
                                               [&](const QString& l) { return l.contains(expected); });
                if (!found)
                    qWarning().noquote() << "its output:\n" << output.right(20000);
                QVERIFY2(found,
                         qPrintable(QStringLiteral("%1: no line with \"%2\" in its output:\n%3")
                                        .arg(b.where(), expected, output.right(6000))));
            }
            ++ran;
        }
        QVERIFY(ran >= 1);
    }

    void ciJobOfDocsCiRunsOnTheReadmesSweep()
    {
        // docs/ci.md's job, as written there, on the experiment the README's first sweep copied out
        // (its deployment ended first: the job deploys it again). Its best log10_loss is below 0.
        const QString script = ciSweepScript();
        QVERIFY2(script.contains(QLatin1String("logistician deploy")), "no ci-sweep.sh block in docs/ci.md");
        const QString experiment = QDir::homePath() + QStringLiteral("/optimise/experiments/1");
        QVERIFY2(QFileInfo(experiment).isDir(), "the README's sweep did not run first");
        QFile file(QDir::homePath() + QStringLiteral("/ci-sweep.sh"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(script.toUtf8());
        file.close();
        QString output;
        QCOMPARE(runScript(QStringLiteral("logistician terminate --yes \"$HOME/optimise/experiments/1\""), &output), 0);
        const int code
            = runScript(QStringLiteral("bash ci-sweep.sh \"$HOME/optimise/experiments/1\" log10_loss:min 0"), &output);
        if (code != 0)
            qWarning().noquote() << output.right(20000);
        QCOMPARE(code, 0);
        QVERIFY2(output.contains(QLatin1String("ci-sweep: best log10_loss is -")), qPrintable(output.right(3000)));
    }

    void cleanupTestCase()
    {
        QString output;
        runScript(QStringLiteral("if [ -d optimise/experiments/1 ]; then logistician terminate --yes --force "
                                 "optimise/experiments/1; fi"),
                  &output, 120000);
        // The images the README's runs built (named after each experiment it made in HOME).
        QDirIterator it(QDir::homePath(), { QStringLiteral("parameters.json") }, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile params(it.next());
            if (!params.open(QIODevice::ReadOnly) || !params.fileName().contains(QLatin1String("/experiments/")))
                continue;
            const QString name = QJsonDocument::fromJson(params.readAll())
                                     .object()
                                     .value(QStringLiteral("experiment_name"))
                                     .toString()
                                     .toLower();
            if (!name.isEmpty())
                QProcess::execute(QStringLiteral("docker"),
                                  { QStringLiteral("rmi"), QStringLiteral("-f"), QStringLiteral("--no-prune"),
                                    QStringLiteral("logistician/") + name });
        }
    }
};

QTEST_GUILESS_MAIN(TestReadme)
#include "TestReadme.moc"
