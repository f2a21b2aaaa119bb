// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractItemModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QStringList>

class CommandLog;

// The command log as a tree: one row per command with its time, duration, exit
// status and run count; a multi-line script is folded to its first line, its
// other lines are the row's children. A command identical to one of the last
// few rows (the status polls that repeat every few seconds, one per machine)
// counts as another run of that row ("×12") instead of a new row.
class CommandLogModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        StatusColumn,
        DurationColumn,
        RunsColumn,
        CommandColumn,
        ColumnCount
    };
    enum Role
    {
        FullTextRole = Qt::UserRole, // the whole command, every line
        ExitCodeRole, // the last run's; QVariant() while it runs
        RunsRole,
    };
    // How far back a repeat is looked for: one poll round across many machines.
    static constexpr int RepeatWindow = 32;
    static constexpr int MaxEntries = 5000;

    explicit CommandLogModel(QObject* parent = nullptr);

    // Follows the app's command log (announcements and ends).
    void follow(CommandLog* log);

    void start(int id, const QString& text, const QDateTime& at);
    void finish(int id, int exitCode, qint64 durationMs);
    void clear();
    // Every command's full text, one after another, as it could be pasted into a shell.
    QString plainText() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatDuration(qint64 ms);

private:
    struct Entry
    {
        QString text;
        QStringList lines; // text split; lines[0] is the row, the rest its children
        QDateTime first, last;
        int runs = 1;
        int running = 0; // runs started and not yet ended
        bool ended = false;
        int exitCode = 0;
        qint64 durationMs = 0; // the last run's
        qint64 shortestMs = -1, longestMs = -1; // over the ended runs
        quint64 serial = 0; // the entry's own, kept when its row moves
    };
    int rowOf(int id) const;
    void dropOldest(int count);

    QList<Entry> m_entries; // in the order of their last start: a repeat moves its row to the end
    quint64 m_nextSerial = 1;
    QHash<int, quint64> m_idToSerial; // command id -> its entry's serial
};
