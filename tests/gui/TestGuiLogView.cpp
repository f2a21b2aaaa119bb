// SPDX-License-Identifier: MIT
// The log view under a flood: bounded lines and queue, nothing lost at the
// end of the stream, characters split across chunks decoded right.
#include "LogView.h"

#include <QSignalSpy>
#include <QTest>

class TestGuiLogView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keepsTheTailOfAFloodWithinBounds();
    void decodesCharactersSplitAcrossChunks();
    void wrapsRunawayLines();
    void showsNoControlCharacters();
};

void TestGuiLogView::keepsTheTailOfAFloodWithinBounds()
{
    LogView view;
    view.resize(800, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // 20 MB in 64 KiB chunks, all at once, faster than any screen could show.
    const QByteArray line = QByteArray(90, 'x') + '\n';
    QByteArray chunk;
    while (chunk.size() < 64 * 1024)
        chunk += line;
    int lines = 0;
    for (qint64 sent = 0; sent < 20 * 1024 * 1024; sent += chunk.size()) {
        view.appendOutput(chunk);
        lines += chunk.count('\n');
        QVERIFY(view.queuedChars() <= LogView::MaxQueuedChars);
    }
    view.appendOutput("the last line\n");
    view.appendNote(QStringLiteral("exited with 0"));
    QSignalSpy drained(&view, &LogView::drained);
    QTRY_VERIFY_WITH_TIMEOUT(view.isIdle(), 20000);
    QVERIFY(view.document()->blockCount() <= LogView::MaxLines + 1);
    QVERIFY(view.droppedChars() > 0);
    const QString text = view.toPlainText();
    QVERIFY(text.contains(QStringLiteral("of output skipped here")));
    QVERIFY(text.endsWith(QStringLiteral("the last line\nexited with 0\n"))
            || text.endsWith(QStringLiteral("the last line\nexited with 0")));
    QVERIFY(lines > LogView::MaxLines);
}

void TestGuiLogView::decodesCharactersSplitAcrossChunks()
{
    LogView view;
    const QByteArray text = QStringLiteral("Grüße, π ≈ 3.14159 — 実験\n").toUtf8();
    for (char c : text)
        view.appendOutput(QByteArray(1, c));
    QTRY_VERIFY(view.isIdle());
    QCOMPARE(view.toPlainText(), QStringLiteral("Grüße, π ≈ 3.14159 — 実験\n"));
}

void TestGuiLogView::wrapsRunawayLines()
{
    LogView view;
    view.appendOutput(QByteArray(LogView::MaxLineChars * 3 + 10, 'y'));
    QTRY_VERIFY(view.isIdle());
    QCOMPARE(view.document()->blockCount(), 4);
}

void TestGuiLogView::showsNoControlCharacters()
{
    // A host's output with a screen clear, a colour, a window title and a bidi override: only the words stay.
    LogView view;
    view.appendOutput("\x1b[H\x1b[2Jstep \x1b[31m1\x1b[0m\tok\x1b]0;owned\x07\n\xe2\x80\xae"
                      "evil\x07\r\n");
    QTRY_VERIFY(view.isIdle());
    QCOMPARE(view.toPlainText(), QStringLiteral("step 1\tok\nevil\n"));
}

QTEST_MAIN(TestGuiLogView)
#include "TestGuiLogView.moc"
