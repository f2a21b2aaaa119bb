// SPDX-License-Identifier: MIT
#include "commandlog/CommandLogModel.h"

#include "CommandLog.h"

#include <QLocale>

namespace {
constexpr quintptr TopLevel = 0; // internalId of a command row; a child's is its parent's row + 1
}

CommandLogModel::CommandLogModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

void CommandLogModel::follow(CommandLog* log)
{
    connect(log, &CommandLog::entryStarted, this, &CommandLogModel::start);
    connect(log, &CommandLog::entryFinished, this, &CommandLogModel::finish);
}

void CommandLogModel::start(int id, const QString& text, const QDateTime& at)
{
    const int firstCandidate = qMax(0, int(m_entries.size()) - RepeatWindow);
    for (int row = int(m_entries.size()) - 1; row >= firstCandidate; --row) {
        if (m_entries[row].text != text)
            continue;
        // A repeat counts on its row, and the row moves to the end: the log stays in time order.
        const int last = int(m_entries.size()) - 1;
        if (row != last) {
            beginMoveRows(QModelIndex(), row, row, QModelIndex(), last + 1);
            m_entries.move(row, last);
            endMoveRows();
            row = last;
        }
        Entry& e = m_entries[row];
        ++e.runs;
        ++e.running;
        e.last = at;
        m_idToSerial.insert(id, e.serial);
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    if (m_entries.size() >= MaxEntries)
        dropOldest(MaxEntries / 5);
    Entry e;
    e.text = text;
    e.lines = text.split(QLatin1Char('\n'));
    e.first = e.last = at;
    e.running = 1;
    e.serial = m_nextSerial++;
    const int row = m_entries.size();
    beginInsertRows(QModelIndex(), row, row);
    m_entries.append(e);
    m_idToSerial.insert(id, e.serial);
    endInsertRows();
}

void CommandLogModel::finish(int id, int exitCode, qint64 durationMs)
{
    const int row = rowOf(id);
    m_idToSerial.remove(id);
    if (row < 0)
        return;
    Entry& e = m_entries[row];
    e.running = qMax(0, e.running - 1);
    e.ended = true;
    e.exitCode = exitCode;
    e.durationMs = durationMs;
    if (exitCode != CommandLog::Detached) {
        e.shortestMs = e.shortestMs < 0 ? durationMs : qMin(e.shortestMs, durationMs);
        e.longestMs = qMax(e.longestMs, durationMs);
    }
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int CommandLogModel::rowOf(int id) const
{
    const auto it = m_idToSerial.constFind(id);
    if (it == m_idToSerial.cend())
        return -1;
    // Serials grow along the list except where a repeat moved a row to the end: searched from the end,
    // where running commands are.
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        if (m_entries[row].serial == it.value())
            return row;
    }
    return -1;
}

void CommandLogModel::dropOldest(int count)
{
    count = qMin(count, static_cast<int>(m_entries.size()));
    if (count <= 0)
        return;
    // A reset, not a removal: children's indexes carry their parent's row.
    beginResetModel();
    m_entries.erase(m_entries.begin(), m_entries.begin() + count);
    endResetModel();
}

void CommandLogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

QString CommandLogModel::plainText() const
{
    QStringList texts;
    for (const Entry& e : m_entries)
        texts << e.text;
    return texts.join(QLatin1Char('\n'));
}

QModelIndex CommandLogModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_entries.size() ? createIndex(row, column, TopLevel) : QModelIndex();
    if (parent.internalId() != TopLevel || parent.row() >= m_entries.size())
        return {};
    if (row >= m_entries[parent.row()].lines.size() - 1)
        return {};
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex CommandLogModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == TopLevel)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, TopLevel);
}

int CommandLogModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return m_entries.size();
    if (parent.internalId() != TopLevel || parent.column() != 0 || parent.row() >= m_entries.size())
        return 0;
    return m_entries[parent.row()].lines.size() - 1;
}

int CommandLogModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QString CommandLogModel::formatDuration(qint64 ms)
{
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms < 60000)
        return tr("%1 s").arg(QLocale::c().toString(ms / 1000.0, 'f', 1));
    return tr("%1 min %2 s").arg(ms / 60000).arg((ms / 1000) % 60);
}

QVariant CommandLogModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() != TopLevel) {
        const Entry& e = m_entries.value(static_cast<int>(index.internalId() - 1));
        const QString line = e.lines.value(index.row() + 1);
        if (index.column() == CommandColumn && (role == Qt::DisplayRole || role == Qt::ToolTipRole))
            return line;
        if (role == FullTextRole)
            return e.text;
        return {};
    }
    const Entry& e = m_entries[index.row()];
    switch (role) {
    case FullTextRole:
        return e.text;
    case ExitCodeRole:
        return e.running > 0 || !e.ended ? QVariant() : QVariant(e.exitCode);
    case RunsRole:
        return e.runs;
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return e.last.toString(QStringLiteral("HH:mm:ss"));
        case StatusColumn:
            if (e.running > 0 || !e.ended)
                return tr("running");
            if (e.exitCode == CommandLog::Detached)
                return tr("started");
            return e.exitCode == 0 ? tr("ok") : tr("exit %1").arg(e.exitCode);
        case DurationColumn:
            if (!e.ended || e.exitCode == CommandLog::Detached)
                return QString();
            // Repeats that took different times say so, rather than showing only the last.
            if (e.runs > 1 && e.shortestMs >= 0 && formatDuration(e.shortestMs) != formatDuration(e.longestMs))
                return tr("%1 – %2").arg(formatDuration(e.shortestMs), formatDuration(e.longestMs));
            return formatDuration(e.durationMs);
        case RunsColumn:
            return e.runs > 1 ? QStringLiteral("×%1").arg(e.runs) : QString();
        case CommandColumn:
            return e.lines.size() > 1 ? e.lines.first() + QStringLiteral(" …") : e.lines.first();
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn:
        case RunsColumn:
            return e.runs > 1
                ? tr("%1 runs, the first at %2, the last at %3")
                      .arg(e.runs)
                      .arg(e.first.toString(QStringLiteral("HH:mm:ss")), e.last.toString(QStringLiteral("HH:mm:ss")))
                : e.first.toString(Qt::ISODate);
        case DurationColumn:
            return e.runs > 1 && e.ended && e.shortestMs >= 0
                ? tr("The last run took %1; the shortest %2, the longest %3")
                      .arg(formatDuration(e.durationMs), formatDuration(e.shortestMs), formatDuration(e.longestMs))
                : QVariant();
        case StatusColumn:
            return e.ended && e.exitCode != 0 && e.exitCode != CommandLog::Detached
                ? tr("The last run ended with exit code %1").arg(e.exitCode)
                : QVariant();
        case CommandColumn:
            return e.text;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == DurationColumn || index.column() == RunsColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    return {};
}

QVariant CommandLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case RunsColumn:
        return tr("Runs");
    case CommandColumn:
        return tr("Command");
    }
    return {};
}
