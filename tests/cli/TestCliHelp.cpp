// SPDX-License-Identifier: MIT
#include "CliProcess.h"

#include <QRegularExpression>
#include <QTest>

// Every verb's --help and usage errors, through the real binary: no name cut across lines, descriptions
// broken only between words, and an unknown option answered in the tool's own words with the usage line.
class TestCliHelp : public QObject
{
    Q_OBJECT
private:
    QStringList m_verbs;

    // The rows of one section ("Options:") of a verb's help, each a list of its lines.
    static QList<QStringList> rows(const QStringList& lines, const QString& heading)
    {
        QList<QStringList> found;
        const qsizetype start = lines.indexOf(heading);
        for (qsizetype i = start + 1; start >= 0 && i < lines.size() && !lines.at(i).isEmpty(); ++i) {
            if (lines.at(i).mid(2, 1) != QLatin1String(" ") || found.isEmpty())
                found.append({ lines.at(i) });
            else
                found.last().append(lines.at(i));
        }
        return found;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const CliResult top = CliProcess::run({ "--help" });
        QCOMPARE(top.exitCode, 0);
        bool inVerbs = false;
        for (const QString& line : top.out.split('\n')) {
            if (line == "Verbs:")
                inVerbs = true;
            else if (inVerbs && line.isEmpty())
                break;
            else if (inVerbs && line.section(' ', 2, 2) != "gui") // gui --help is not a parser's
                m_verbs << line.section(' ', 2, 2);
        }
        QVERIFY2(m_verbs.size() >= 10, qPrintable(top.out));
    }

    void everyNameIsWholeAndNoWordIsCut()
    {
        const QRegularExpression optionName("^--?[a-zA-Z][a-zA-Z0-9_-]*(, --?[a-zA-Z][a-zA-Z0-9_-]*)*( <[^ >]+>)?$");
        const QRegularExpression argumentName("^[A-Z][A-Z_|]*$");
        for (const QString& verb : std::as_const(m_verbs)) {
            const CliResult r = CliProcess::run({ verb, "--help" });
            QCOMPARE(r.exitCode, 0);
            const QStringList lines = r.out.split('\n');
            const QString context = QStringLiteral("`logistician %1 --help`:\n%2").arg(verb, r.out);
            QVERIFY2(lines.first().startsWith("Usage: logistician " + verb + " [options]"), qPrintable(context));
            // Every word of the usage line (brackets aside) is an argument named whole in its own row.
            const QList<QStringList> options = rows(lines, "Options:");
            const QList<QStringList> arguments = rows(lines, "Arguments:");
            QVERIFY2(!options.isEmpty(), qPrintable(context));
            for (QString word : lines.first()
                                    .mid(QStringLiteral("Usage: logistician ").size() + verb.size())
                                    .split(' ', Qt::SkipEmptyParts)) {
                word.remove('[').remove(']');
                if (word == "options")
                    continue;
                bool named = false;
                for (const QStringList& row : arguments)
                    named = named || row.first().mid(2).section("  ", 0, 0) == word;
                QVERIFY2(named, qPrintable(QStringLiteral("%1 is not named whole in %2").arg(word, context)));
            }
            // A row is a whole name, two spaces, its description; the rows below it are only description,
            // all starting in one column, none past 79 characters.
            int column = -1;
            for (const auto& [section, pattern] :
                 { std::pair { &options, &optionName }, std::pair { &arguments, &argumentName } }) {
                for (const QStringList& row : *section) {
                    const QString name = row.first().mid(2).section("  ", 0, 0);
                    QVERIFY2(pattern->match(name).hasMatch(),
                             qPrintable(QStringLiteral("\"%1\" is not a whole name in %2").arg(name, context)));
                    const qsizetype description = row.first().indexOf(QRegularExpression("\\S"), 2 + name.size());
                    QVERIFY2(description > 0,
                             qPrintable(QStringLiteral("%1 has no description beside it in %2").arg(name, context)));
                    if (column < 0)
                        column = int(description);
                    QCOMPARE(description, column);
                    for (const QString& line : row.mid(1))
                        QCOMPARE(line.indexOf(QRegularExpression("\\S")), column);
                }
            }
            // Descriptions are broken between words: no line ends in the middle of a word that the rest of
            // the help spells whole (EXPERIMENT_ / DIR, docs/json.md cut at the dot...).
            for (int i = 1; i + 1 < lines.size(); ++i) {
                QVERIFY2(lines.at(i).size() <= 79,
                         qPrintable(QStringLiteral("too long: %1 in %2").arg(lines.at(i), context)));
                const QString last = lines.at(i).section(' ', -1);
                const QString next = lines.at(i + 1).trimmed().section(' ', 0, 0);
                if (last.isEmpty() || next.isEmpty())
                    continue;
                QVERIFY2(!r.out.contains(last + next) || r.out.contains(last + " " + next),
                         qPrintable(
                             QStringLiteral("\"%1\" / \"%2\" looks like one word cut in %3").arg(last, next, context)));
            }
            QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        }
    }

    void unknownOptionIsAnsweredWithTheUsage()
    {
        for (const QString& verb : std::as_const(m_verbs)) {
            const QString usage = CliProcess::run({ verb, "--help" }).out.section('\n', 0, 0);
            const CliResult r = CliProcess::run({ verb, "--no-such-option" });
            const QString context = QStringLiteral("`logistician %1 --no-such-option`: exit %2\n%3%4")
                                        .arg(verb)
                                        .arg(r.exitCode)
                                        .arg(r.out, r.err);
            QVERIFY2(r.exitCode == 2, qPrintable(context));
            QVERIFY2(r.out.isEmpty(), qPrintable(context));
            const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
            QVERIFY2(lines.size() == 3, qPrintable(context));
            QCOMPARE(lines.at(0), QStringLiteral("logistician: error: %1: unknown option --no-such-option").arg(verb));
            QCOMPARE(lines.at(1), usage);
            QCOMPARE(lines.at(2), QStringLiteral("See `logistician %1 --help` for what each option does.").arg(verb));
        }
        // An option that needs a value, and one that takes none, said the same way.
        const CliResult missing = CliProcess::run({ "logs", "--tail" });
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.startsWith("logistician: error: logs: --tail needs a value\nUsage: logistician logs "),
                 qPrintable(missing.err));
        const CliResult unexpected = CliProcess::run({ "status", "--json=yes" });
        QCOMPARE(unexpected.exitCode, 2);
        QVERIFY2(unexpected.err.startsWith("logistician: error: status: --json takes no value\n"),
                 qPrintable(unexpected.err));
    }
};

QTEST_GUILESS_MAIN(TestCliHelp)
#include "TestCliHelp.moc"
