// SPDX-License-Identifier: MIT
// Labels read back from an engine: only values that are names, commit ids and image references are used;
// a hostile label (made by anyone who can run a container) is refused, never quoted into a command.
#include "deploy/LabelledContainers.h"

#include <QTest>

class TestLabelledContainers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsWhatDeployLabelled()
    {
        const QByteArray out = "logistician-rnn-c1-lr-0.1\trnn\t0123456789abcdef0123456789abcdef01234567\t"
                               "logistician/rnn:0123456789ab\trunning\tUp 3 minutes\n"
                               "logistician-rnn-c2\trnn\t0123456789abcdef0123456789abcdef01234567\t"
                               "127.0.0.1:5000/logistician/rnn:0123456789ab\texited\tExited (3) 2 minutes ago\n";
        QStringList refused;
        const QList<LabelledContainers::Found> found = LabelledContainers::parse(out, &refused);
        QVERIFY(refused.isEmpty());
        QCOMPARE(found.size(), 2);
        QCOMPARE(found.at(0).name, QStringLiteral("logistician-rnn-c1-lr-0.1"));
        QCOMPARE(found.at(0).experiment, QStringLiteral("rnn"));
        QVERIFY(found.at(0).running);
        QVERIFY(!found.at(1).running);
        QCOMPARE(found.at(0).exitCode, -1);
        QCOMPARE(found.at(1).exitCode, 3);
        QCOMPARE(LabelledContainers::images(found).size(), 2);
        QCOMPARE(LabelledContainers::builtImage(QStringLiteral("RNN"), found.at(0).commit),
                 QStringLiteral("logistician/rnn:0123456789ab"));
    }

    void refusesHostileLabels_data()
    {
        QTest::addColumn<QByteArray>("line");
        const QByteArray commit = "0123456789abcdef0123456789abcdef01234567";
        QTest::newRow("command in commit")
            << QByteArray("c1\trnn\t$(touch /tmp/pwned)\tlogistician/rnn:1\trunning\tUp 1 second");
        QTest::newRow("short commit") << QByteArray("c1\trnn\t0123\tlogistician/rnn:1\trunning\tUp 1 second");
        QTest::newRow("experiment with ;")
            << ("c1\trnn;rm -rf ~\t" + commit + "\tlogistician/rnn:1\trunning\tUp 1 second");
        QTest::newRow("option as name") << ("-rf\trnn\t" + commit + "\tlogistician/rnn:1\trunning\tUp 1 second");
        QTest::newRow("option as image") << ("c1\trnn\t" + commit + "\t--privileged\trunning\tUp 1 second");
        QTest::newRow("space in image") << ("c1\trnn\t" + commit + "\tx y\trunning\tUp 1 second");
        QTest::newRow("extra field") << ("c1\trnn\t" + commit + "\tlogistician/rnn:1\trunning\tUp 1 second\tx");
        QTest::newRow("missing field") << ("c1\trnn\t" + commit);
    }

    void refusesHostileLabels()
    {
        QFETCH(QByteArray, line);
        QStringList refused;
        QVERIFY(LabelledContainers::parse(line + '\n', &refused).isEmpty());
        QCOMPARE(refused.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestLabelledContainers)
#include "TestLabelledContainers.moc"
