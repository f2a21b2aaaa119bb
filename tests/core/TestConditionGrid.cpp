// SPDX-License-Identifier: MIT
#include "ShellWords.h"
#include "workspace/ConditionGrid.h"

#include <QTest>

// Conditions as a grid: which conditions read as `--key value` pairs, edits
// that keep the text loadable and quoted, the problems shown, and sweeps.
class TestConditionGrid : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyedConditionsSplitIntoPairs()
    {
        const ConditionGrid::Parsed p = ConditionGrid::parse("--lr 0.1 --name 'two words'");
        QVERIFY(p.keyed);
        QCOMPARE(p.pairs.size(), 2);
        QCOMPARE(p.pairs.at(0), qMakePair(QString("lr"), QString("0.1")));
        QCOMPARE(p.pairs.at(1), qMakePair(QString("name"), QString("two words")));
        QVERIFY(ConditionGrid::parse("").keyed);
        // Anything else stays a raw string, with its words.
        for (const char* raw : { "positional --lr 1", "--lr", "--lr --seed 1", "--lr 1 --lr 2", "-x 1", "--$x 1" }) {
            const ConditionGrid::Parsed r = ConditionGrid::parse(raw);
            QVERIFY2(!r.keyed, raw);
            QVERIFY2(r.pairs.isEmpty(), raw);
        }
        QCOMPARE(ConditionGrid::parse("a 'b c'").words, (QStringList { "a", "b c" }));
        QVERIFY(!ConditionGrid::parse("--lr 'unclosed").error.isEmpty());
    }

    void editsKeepOtherTextAndQuote()
    {
        const QString c = "--lr 0.1 --name x";
        QCOMPARE(ConditionGrid::withValue(c, "lr", "0.1"), c); // unchanged: the exact text stays
        QCOMPARE(ConditionGrid::withValue(c, "lr", "0.2"), QString("--lr 0.2 --name x"));
        QCOMPARE(ConditionGrid::withValue(c, "name", ""), QString("--lr 0.1"));
        QCOMPARE(ConditionGrid::withValue(c, "seed", "$(rm -rf ~)"), QString("--lr 0.1 --name x --seed '$(rm -rf ~)'"));
        // The value comes back verbatim from the quoted text.
        QCOMPARE(ConditionGrid::value(ConditionGrid::withValue(c, "seed", "it's; `x`"), "seed"), QString("it's; `x`"));
        QCOMPARE(ConditionGrid::withValue("positional", "lr", "1"), QString("positional"));
        QCOMPARE(ConditionGrid::value("--lr 1", "seed"), QString());
    }

    void keysInOrderOfFirstAppearance()
    {
        QCOMPARE(ConditionGrid::keys({ "--b 1 --a 2", "raw words", "--c 3 --a 4" }), (QStringList { "b", "a", "c" }));
        QVERIFY(ConditionGrid::isValidKey("lr_2.x-y"));
        QVERIFY(!ConditionGrid::isValidKey("-lr"));
        QVERIFY(!ConditionGrid::isValidKey(""));
        QVERIFY(!ConditionGrid::isValidKey("a b"));
    }

    void validateNamesRowAndReason()
    {
        const QList<ConditionGrid::Problem> problems
            = ConditionGrid::validate({ "--lr 1", "--lr 'open", "--a --b 1", "--lr '1'", "--lr 2" });
        QCOMPARE(problems.size(), 3);
        QCOMPARE(problems.at(0).row, 1);
        QVERIFY(!problems.at(0).message.isEmpty());
        QCOMPARE(problems.at(1).row, 2);
        QCOMPARE(problems.at(1).message, QString("--a has no value"));
        QCOMPARE(problems.at(2).row, 3); // the same words as row 1, written differently
        QCOMPARE(problems.at(2).message, QString("same condition as row 1"));
        QVERIFY(ConditionGrid::validate({ "--lr 1", "--lr 2", "" }).isEmpty());
    }

    void splitValuesByCommaOrSpace()
    {
        QCOMPARE(*ConditionGrid::splitValues("0.1, 0.01 0.001"), (QStringList { "0.1", "0.01", "0.001" }));
        QCOMPARE(*ConditionGrid::splitValues("'c,d' \"a b\""), (QStringList { "c,d", "a b" }));
        const auto open = ConditionGrid::splitValues("'open");
        QVERIFY(!open.isOk());
        QVERIFY(!open.message().isEmpty());
    }

    void productVariesTheFirstKeySlowest()
    {
        const QStringList rows
            = ConditionGrid::product({ { "lr", { "0.1", "0.01" } }, { "skip", {} }, { "name", { "a", "b c" } } });
        QCOMPARE(rows,
                 (QStringList { "--lr 0.1 --name a", "--lr 0.1 --name 'b c'", "--lr 0.01 --name a",
                                "--lr 0.01 --name 'b c'" }));
        QVERIFY(ConditionGrid::product({ { "lr", {} } }).isEmpty());
        // Every row is a keyed condition that reads back the values given.
        QCOMPARE(ConditionGrid::value(rows.at(1), "name"), QString("b c"));
    }
};

QTEST_GUILESS_MAIN(TestConditionGrid)
#include "TestConditionGrid.moc"
