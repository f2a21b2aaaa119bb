// SPDX-License-Identifier: MIT
#include "CommandLog.h"
#include "CommandLogDock.h"

#include <QCheckBox>
#include <QLabel>
#include <QTest>
#include <QToolButton>

// The command log shows each command once; status polls that repeat are
// counted, and shown again when the user asks for repeats.
class TestGuiCommandLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void repeatsAreCountedUnlessAskedFor()
    {
        CommandLogDock dock;
        dock.show();
        auto* log = CommandLog::instance();
        log->announce(QStringLiteral("docker build -t x ."));
        log->announce(QStringLiteral("sh -c 'poll'\nline two"));
        log->announce(QStringLiteral("sh -c 'poll'\nline two"));
        log->announce(QStringLiteral("sh -c 'poll'\nline two"));
        QCOMPARE(dock.text(), QStringLiteral("docker build -t x .\nsh -c 'poll'\nline two"));
        QCOMPARE(dock.hiddenRepeats(), 2);
        auto* label = dock.findChild<QLabel*>(QStringLiteral("hiddenRepeatsLabel"));
        QCOMPARE(label->text(), QStringLiteral("2 hidden"));

        QTest::mouseClick(dock.findChild<QCheckBox*>(QStringLiteral("showRepeatedCommands")), Qt::LeftButton);
        log->announce(QStringLiteral("docker build -t x ."));
        QVERIFY(dock.text().endsWith(QStringLiteral("line two\ndocker build -t x .")));

        QTest::mouseClick(dock.findChild<QToolButton*>(QStringLiteral("clearCommandLogButton")), Qt::LeftButton);
        QCOMPARE(dock.text(), QString());
        QCOMPARE(label->text(), QString());
    }
};

QTEST_MAIN(TestGuiCommandLog)
#include "TestGuiCommandLog.moc"
