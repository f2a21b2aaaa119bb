// SPDX-License-Identifier: MIT
#include "AsyncCommand.h"
#include "PrintableText.h"

#include <QTest>

// Remote output shown to the user: escape sequences and control characters never reach a terminal or a widget.
class TestPrintableText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void removesEscapeSequences()
    {
        using PrintableText::clean;
        QCOMPARE(clean("\x1b[H\x1b[2Jready"), QString("ready"));
        QCOMPARE(clean("\x1b[1;31mred\x1b[0m text"), QString("red text"));
        QCOMPARE(clean("a\x1b]0;new title\x07"
                       "b"),
                 QString("ab"));
        QCOMPARE(clean("a\x1b]8;;http://x.example/\x1b\\link\x1b]8;;\x1b\\b"), QString("alinkb"));
        QCOMPARE(clean("a\x1bPq#0;2;0;0;0\x1b\\b"), QString("ab")); // DCS (sixel)
        QCOMPARE(clean("a\x1b"
                       "7b\x1b"
                       "8c\x1b"
                       "cd"),
                 QString("abcd"));
        QCOMPARE(clean(QString("a") + QChar(0x9b) + "2Jb"), QString("ab")); // 8-bit CSI
        QCOMPARE(clean("trailing \x1b["), QString("trailing "));
        QCOMPARE(clean("trailing \x1b"), QString("trailing "));
    }

    void removesControlCharacters()
    {
        using PrintableText::clean;
        QCOMPARE(clean("bell\a back\bspace\rret\x7f\x01\x1f"), QString("bell backspaceret"));
        QCOMPARE(clean(QString("safe") + QChar(0x202E) + "txt.exe" + QChar(0x2066)), QString("safetxt.exe"));
        QCOMPARE(clean("line 1\n\tline 2\n"), QString("line 1\n\tline 2\n"));
        QCOMPARE(clean("line 1\n\tline 2", PrintableText::LineBreaks::Spaces), QString("line 1  line 2"));
        QCOMPARE(clean("Grüße, 実験 ≈ π"), QString("Grüße, 実験 ≈ π"));
    }

    void errorTextOfACommandIsClean()
    {
        CommandOutcome o;
        o.exitCode = 255;
        o.err = "\x1b[2J\x1b]0;pwned\x07ssh: connect to host 127.0.0.9 port 22: \x1b[31mConnection refused\x1b[0m\r\n";
        QCOMPARE(o.errorText(), QString("ssh: connect to host 127.0.0.9 port 22: Connection refused"));
    }
};

QTEST_GUILESS_MAIN(TestPrintableText)
#include "TestPrintableText.moc"
