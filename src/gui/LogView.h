// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPlainTextEdit>
#include <QStringDecoder>
#include <QTimer>

// A read-only view of a process's output that stays responsive under a flood:
// bytes are decoded as they come (UTF-8, split characters kept across chunks)
// and queued; a timer inserts the queue in slices of a few milliseconds, so
// the event loop never waits long. The document keeps the last MaxLines lines
// (maximumBlockCount), and the queue never holds more than a screenful of
// history beyond that: older queued output is dropped with a note, since it
// would scroll out anyway (the run's full output is in its logs/output.txt).
class LogView : public QPlainTextEdit
{
    Q_OBJECT
public:
    static constexpr int MaxLines = 10000;
    static constexpr int MaxLineChars = 4000; // longer lines are wrapped hard
    static constexpr qsizetype MaxQueuedChars = 2 * 1024 * 1024;
    static constexpr int SliceMs = 8; // time spent inserting per timer tick

    explicit LogView(QWidget* parent = nullptr);

    void appendOutput(const QByteArray& data);
    // A line of our own (the command, the exit status), set apart from the output.
    void appendNote(const QString& line);
    void clearLog();

    qsizetype queuedChars() const { return m_queuedChars; }
    qint64 droppedChars() const { return m_droppedChars; }
    bool isIdle() const { return m_queue.isEmpty(); }

Q_SIGNALS:
    void drained(); // the queue is empty and everything is on screen

private:
    struct Segment
    {
        QString text;
        bool note = false;
    };
    void enqueue(const QString& text, bool note);
    void flushSlice();
    void dropOldest();

    QStringDecoder m_decoder;
    QList<Segment> m_queue;
    qsizetype m_queuedChars = 0;
    qsizetype m_queuedLines = 0;
    qint64 m_droppedChars = 0;
    qint64 m_droppedSinceNote = 0;
    int m_currentLineChars = 0;
    QTimer m_flushTimer;
};
