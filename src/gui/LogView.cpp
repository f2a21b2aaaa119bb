// SPDX-License-Identifier: MIT
#include "LogView.h"

#include "PrintableText.h"
#include "Theme.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>

LogView::LogView(QWidget* parent)
    : QPlainTextEdit(parent)
    , m_decoder(QStringConverter::Utf8)
{
    setReadOnly(true);
    setTabChangesFocus(true); // Tab leaves the log
    setUndoRedoEnabled(false);
    setMaximumBlockCount(MaxLines);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(Theme::monospaceFont());
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogView::flushSlice);
}

void LogView::appendOutput(const QByteArray& data)
{
    // Output from a container or a host: no escape sequence or control character reaches the view.
    enqueue(PrintableText::clean(m_decoder.decode(data)), false);
}

void LogView::appendNote(const QString& line)
{
    // A note starts on its own line.
    QString text = line;
    const bool atLineStart
        = m_queue.isEmpty() ? m_currentLineChars == 0 : m_queue.last().text.endsWith(QLatin1Char('\n'));
    if (!atLineStart)
        text.prepend(QLatin1Char('\n'));
    enqueue(text + QLatin1Char('\n'), true);
}

void LogView::clearLog()
{
    m_queue.clear();
    m_queuedChars = 0;
    m_queuedLines = 0;
    m_droppedChars = 0;
    m_droppedSinceNote = 0;
    m_currentLineChars = 0;
    m_decoder.resetState();
    clear();
}

void LogView::enqueue(const QString& text, bool note)
{
    if (text.isEmpty())
        return;
    if (!m_queue.isEmpty() && m_queue.last().note == note && m_queue.last().text.size() < 64 * 1024)
        m_queue.last().text += text;
    else
        m_queue << Segment { text, note };
    m_queuedChars += text.size();
    m_queuedLines += text.count(QLatin1Char('\n'));
    if (m_queuedChars > MaxQueuedChars || m_queuedLines > MaxLines + MaxLines / 10)
        dropOldest();
    if (!m_flushTimer.isActive())
        m_flushTimer.start(m_queuedChars > 64 * 1024 ? 0 : 15);
}

void LogView::dropOldest()
{
    // Keep what the view could show anyway: the newest half of the allowance and
    // no more lines than the document keeps. Walk back from the newest output.
    const qsizetype keepChars = MaxQueuedChars / 2;
    const int keepLines = MaxLines - 100;
    qsizetype chars = 0;
    int lines = 0;
    int segment = m_queue.size() - 1;
    qsizetype cut = -1; // in m_queue[segment]: everything before goes
    for (; segment >= 0 && cut < 0; --segment) {
        const QString& text = m_queue.at(segment).text;
        for (qsizetype i = text.size() - 1; i >= 0; --i) {
            if (text.at(i) == QLatin1Char('\n') && ++lines > keepLines) {
                cut = i + 1;
                break;
            }
            if (++chars > keepChars) {
                const qsizetype nl = text.indexOf(QLatin1Char('\n'), i);
                cut = nl < 0 ? text.size() : nl + 1;
                break;
            }
        }
        if (cut >= 0)
            break;
    }
    if (cut < 0)
        return;
    for (int i = 0; i < segment; ++i) {
        m_queuedChars -= m_queue.first().text.size();
        m_droppedSinceNote += m_queue.first().text.size();
        m_queue.removeFirst();
    }
    Segment& first = m_queue.first();
    first.text.remove(0, cut);
    m_queuedChars -= cut;
    m_droppedSinceNote += cut;
    if (first.text.isEmpty())
        m_queue.removeFirst();
    m_queuedLines = 0;
    for (const Segment& s : std::as_const(m_queue))
        m_queuedLines += s.text.count(QLatin1Char('\n'));
}

void LogView::flushSlice()
{
    QElapsedTimer clock;
    clock.start();
    QScrollBar* bar = verticalScrollBar();
    const bool follow = bar->value() >= bar->maximum() - 2;

    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat outputFormat;
    QTextCharFormat noteFormat;
    noteFormat.setForeground(Theme::mutedText(palette()));
    noteFormat.setFontItalic(true);

    if (m_droppedSinceNote > 0) {
        m_droppedChars += m_droppedSinceNote;
        const QString note = QStringLiteral("… %1 of output skipped here to keep up; the full output is in the run's "
                                            "logs/output.txt …\n")
                                 .arg(QLocale::c().formattedDataSize(m_droppedSinceNote));
        if (m_currentLineChars > 0)
            cursor.insertText(QStringLiteral("\n"), outputFormat);
        cursor.insertText(note, noteFormat);
        m_currentLineChars = 0;
        m_droppedSinceNote = 0;
    }

    // Small pieces, each laid out as it goes in (no edit block: that would defer
    // all the layout past the time check), so one slice stays near SliceMs.
    constexpr qsizetype Piece = 2 * 1024;
    while (!m_queue.isEmpty() && clock.elapsed() < SliceMs) {
        Segment& segment = m_queue.first();
        qsizetype take = qMin(Piece, segment.text.size());
        QString piece = segment.text.left(take);
        segment.text.remove(0, take);
        m_queuedChars -= take;
        m_queuedLines -= piece.count(QLatin1Char('\n'));
        const bool note = segment.note;
        if (segment.text.isEmpty())
            m_queue.removeFirst();

        // Hard-wrap runaway lines so one block never grows without bound.
        QString wrapped;
        wrapped.reserve(piece.size() + 16);
        for (const QChar c : std::as_const(piece)) {
            if (c == QLatin1Char('\n')) {
                m_currentLineChars = 0;
            } else if (c == QLatin1Char('\r')) {
                continue; // progress bars redraw with \r; show their lines as they settle
            } else if (++m_currentLineChars > MaxLineChars) {
                wrapped += QLatin1Char('\n');
                m_currentLineChars = 1;
            }
            wrapped += c;
        }
        cursor.insertText(wrapped, note ? noteFormat : outputFormat);
    }
    if (follow)
        bar->setValue(bar->maximum());

    if (!m_queue.isEmpty())
        m_flushTimer.start(0);
    else
        Q_EMIT drained();
}
