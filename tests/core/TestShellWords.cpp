// SPDX-License-Identifier: MIT
#include "ShellWords.h"

#include <QTest>

class TestShellWords : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void split_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("plain") << "1 2" << QStringList { "1", "2" };
        QTest::newRow("extra spaces") << "  a \t b  " << QStringList { "a", "b" };
        QTest::newRow("empty") << "" << QStringList {};
        QTest::newRow("single quotes") << "'a b' c" << QStringList { "a b", "c" };
        QTest::newRow("double quotes") << "\"a b\" c" << QStringList { "a b", "c" };
        QTest::newRow("escaped space") << "a\\ b" << QStringList { "a b" };
        QTest::newRow("escape in double") << "\"a \\\"q\\\" \\$x \\n\"" << QStringList { "a \"q\" $x \\n" };
        QTest::newRow("no escape in single") << "'a\\b'" << QStringList { "a\\b" };
        QTest::newRow("adjacent parts") << "a'b c'\"d\"" << QStringList { "ab cd" };
        QTest::newRow("empty quoted word") << "'' x \"\"" << QStringList { "", "x", "" };
        QTest::newRow("metacharacters stay data")
            << "$(touch x) `id` ; | && >out" << QStringList { "$(touch", "x)", "`id`", ";", "|", "&&", ">out" };
        QTest::newRow("grid condition") << "--lr 0.1 --name 'big model'"
                                        << QStringList { "--lr", "0.1", "--name", "big model" };
        QTest::newRow("unicode") << "größe 'α β'" << QStringList { "größe", "α β" };
    }
    void split()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, words);
        const auto result = ShellWords::split(text);
        QVERIFY2(result.isOk(), qPrintable(result.message()));
        QCOMPARE(*result, words);
    }

    void splitErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("unbalanced single") << "a 'b"
                                           << "unbalanced single quote";
        QTest::newRow("unbalanced double") << "a \"b"
                                           << "unbalanced double quote";
        QTest::newRow("trailing backslash") << "a \\"
                                            << "trailing backslash";
    }
    void splitErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        const auto actual = ShellWords::split(text);
        QVERIFY(!actual.isOk());
        QCOMPARE(actual.kind(), Result::Kind::BadInput);
        QCOMPARE(actual.message(), error);
    }

    void quoteRoundTrips_data()
    {
        QTest::addColumn<QString>("word");
        for (const char* w : { "plain", "", "a b", "it's", "$(rm -rf /)", "`id`", "a;b", "\"q\"", "back\\slash",
                               "new\nline", "--key=value", "ünï" })
            QTest::newRow(w) << QString::fromUtf8(w);
    }
    void quoteRoundTrips()
    {
        QFETCH(QString, word);
        const auto back = ShellWords::split(ShellWords::quote(word));
        QVERIFY(back.isOk());
        QCOMPARE(*back, QStringList { word });
    }

    void quoteLeavesSafeWordsAlone()
    {
        QCOMPARE(ShellWords::quote("docker"), QString("docker"));
        QCOMPARE(ShellWords::quote("/a/b-c_d.e:f@g"), QString("/a/b-c_d.e:f@g"));
        QCOMPARE(ShellWords::quote("a b"), QString("'a b'"));
        QCOMPARE(ShellWords::join({ "echo", "a b", "c" }), QString("echo 'a b' c"));
    }
};

QTEST_GUILESS_MAIN(TestShellWords)
#include "TestShellWords.moc"
